"""Due times of resolutions and assignments, from the deadlines app.

The one place of this app that speaks to the working-day calendar: an explicit
date, a term in calendar or working days, or an urgency mark («срочно»,
«оперативно»; the number of days is a setting). Every due time carries the
sentence that explains it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from bering.assignments.models import Resolution, TermKind, Urgency
from bering.core.errors import ValidationFailed
from bering.deadlines.arithmetic import close_of_business, validate_due
from bering.deadlines.lateness import Due
from bering.deadlines.selectors import (
    Roll,
    deadline_in_calendar_days,
    deadline_in_working_days,
    is_working_day,
    work_calendar,
)

URGENCY_DAYS_DEFAULT = {Urgency.URGENT.value: 3, Urgency.PROMPT.value: 10}
MAX_DAYS = 366


def urgency_days(urgency: str) -> int:
    """Calendar days of an urgency mark: ``BERING_URGENCY_DAYS`` or 3 and 10."""
    configured: dict[str, int] = getattr(settings, "BERING_URGENCY_DAYS", {})
    days = {**URGENCY_DAYS_DEFAULT, **configured}
    if urgency not in days:
        raise ValidationFailed(_("Choose an urgency mark."), field="urgency")
    return int(days[urgency])


@dataclass(frozen=True)
class Term:
    """How a due time is given: ``kind`` with days, a date or an urgency mark."""

    kind: str
    days: int | None = None
    date: dt.date | None = None
    urgency: str = ""


def end_of_day(day: dt.date, tz: str) -> dt.datetime:
    """The close of business of ``day`` in the organization's zone."""
    return close_of_business(work_calendar(), day, zoneinfo.ZoneInfo(tz))


def due_for(*, term: Term, start: dt.datetime, tz: str) -> Due:
    """The due time of ``term`` counted from ``start`` in the zone ``tz``."""
    if term.kind == TermKind.DATE:
        if term.date is None:
            raise ValidationFailed(_("Enter the due date."), field="due_date")
        today = start.astimezone(zoneinfo.ZoneInfo(tz)).date()
        if term.date < today:
            raise ValidationFailed(_("The due date is already past."), field="due_date")
        validate_due(term.date, today=today, field="due_date")
        return Due(
            at=end_of_day(term.date, tz),
            explanation=_("The date set in the resolution: %(date)s")
            % {"date": term.date.strftime("%d.%m.%Y")},
        )
    if term.kind in (TermKind.CALENDAR, TermKind.WORKING):
        if term.days is None or not 1 <= term.days <= MAX_DAYS:
            raise ValidationFailed(
                _("Enter a term from 1 to %(max)s days.") % {"max": MAX_DAYS}, field="days"
            )
        if term.kind == TermKind.WORKING:
            deadline = deadline_in_working_days(start=start, days=term.days, tz=tz)
        else:
            deadline = deadline_in_calendar_days(start=start, days=term.days, tz=tz, roll=Roll.NEXT)
        return Due(at=deadline.due_at, explanation=deadline.explanation)
    if term.kind == TermKind.URGENCY:
        days = urgency_days(term.urgency)
        deadline = deadline_in_calendar_days(start=start, days=days, tz=tz, roll=Roll.NEXT)
        mark = Urgency(term.urgency).label
        return Due(at=deadline.due_at, explanation=f"«{mark}»: {deadline.explanation}")
    raise ValidationFailed(_("Choose how the due date is set."), field="term")


def term_of(resolution: Resolution) -> Term:
    """The term as the resolution stores it (kind, days, date, urgency)."""
    return Term(
        kind=resolution.term_kind,
        days=resolution.term_days,
        date=resolution.term_date,
        urgency=resolution.urgency,
    )


def due_from_decision(*, term: Term, decided_at: dt.datetime, tz: str) -> Due:
    """The due time of a draft's term when the head decides at ``decided_at``.

    A draft's term runs from the head's decision, not from the draft (decision
    0008): the confirmation stores this, and the head's screen shows it first.
    """
    return due_for(term=term, start=decided_at, tz=tz)


def executors_due(due: Due, *, now: dt.datetime, tz: str) -> tuple[Due, Due]:
    """The responsible executor's and the co-executors' due times: a co-executor is
    due one working day earlier, never before ``now``."""
    co_due = working_day_before(due, tz)
    return due, (due if co_due.at <= now else co_due)


@dataclass(frozen=True)
class DraftDue:
    """What a draft's due date will be if the head confirms it now, and tomorrow."""

    kind: str
    tz: str
    today: Due | None
    """None when confirming now would be refused (``problem`` says why)."""
    tomorrow: Due | None
    problem: str = ""

    def local(self, due: Due | None) -> dt.date | None:
        return due.at.astimezone(zoneinfo.ZoneInfo(self.tz)).date() if due else None

    @property
    def moves(self) -> bool:
        """The date is another one if the head confirms tomorrow."""
        return self.local(self.today) != self.local(self.tomorrow)

    @property
    def sentence(self) -> str:
        """«срок 17.12.2026, если подтвердить сегодня; завтра — 18.12.2026»."""
        if self.today is None:
            return self.problem
        today = self.local(self.today)
        assert today is not None
        date = today.strftime("%d.%m.%Y")
        if self.kind == TermKind.DATE:
            return _("due %(date)s") % {"date": date}
        tomorrow = self.local(self.tomorrow)
        if self.moves and tomorrow is not None:
            return _("due %(date)s if confirmed today; tomorrow, %(tomorrow)s") % {
                "date": date,
                "tomorrow": tomorrow.strftime("%d.%m.%Y"),
            }
        return _("due %(date)s if confirmed today; the term runs from your decision") % {
            "date": date
        }


def draft_due(*, term: Term, now: dt.datetime, tz: str) -> DraftDue:
    """The due date a draft gets if confirmed ``now``, and if confirmed a day later."""

    def at(moment: dt.datetime) -> tuple[Due | None, str]:
        try:
            return due_from_decision(term=term, decided_at=moment, tz=tz), ""
        except ValidationFailed as exc:
            return None, str(exc.message)

    today, problem = at(now)
    tomorrow, _problem = at(now + dt.timedelta(days=1))
    return DraftDue(kind=term.kind, tz=tz, today=today, tomorrow=tomorrow, problem=problem)


def working_day_before(due: Due, tz: str) -> Due:
    """One working day before ``due``, at the same local time: a co-executor's due."""
    zone = zoneinfo.ZoneInfo(tz)
    local = due.at.astimezone(zone)
    day = local.date() - dt.timedelta(days=1)
    for _attempt in range(40):
        if is_working_day(day):
            break
        day -= dt.timedelta(days=1)
    at = dt.datetime.combine(day, local.timetz())
    return Due(
        at=at,
        explanation=_("One working day before the responsible executor's due date (%(date)s)")
        % {"date": local.strftime("%d.%m.%Y")},
    )
