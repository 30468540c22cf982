"""Due-date arithmetic over a ``WorkCalendar``: pure functions, no database.

A term of N working days ends at the close of business of the Nth working day
after the start's local date (the start day itself does not count). A term of N
calendar days ends on the start date + N, moved to a working day by the roll rule.
Every result explains itself in one line of Russian: it is shown to clerks and
printed on approval sheets, so it reads the same for everyone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bering.core.errors import ValidationFailed
from bering.deadlines.calendar import MAX_SEARCH_DAYS, WorkCalendar
from bering.deadlines.models import Basis, DayKind, Roll

MAX_TERM_DAYS = 3660
"""Ten years: a longer term is a typing error, not a deadline."""

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    """The close of business of ``due_date`` in ``tz``, aware."""
    explanation: str
    """One line in Russian: how the date was counted."""
    start: dt.datetime
    days: int
    basis: Basis
    tz: str
    roll: Roll | None
    start_date: dt.date
    """The start's local date in ``tz``."""
    due_date: dt.date
    shortened: bool
    """The due date is a shortened pre-holiday day (it closes an hour earlier)."""


# --- validation ------------------------------------------------------------------


def zone(tz: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("Unknown time zone: %(tz)s") % {"tz": tz}, code="bad_tz", field="tz"
        ) from exc


def _aware(moment: dt.datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationFailed(
            _("The moment %(name)s must carry its time zone.") % {"name": name}, field=name
        )


def _term(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_TERM_DAYS:
        raise ValidationFailed(
            _("A term is from 0 to %(max)s days.") % {"max": MAX_TERM_DAYS}, field="days"
        )


def validate_due(day: dt.date, *, today: dt.date, field: str = "due_date") -> dt.date:
    """A typed due date: refused beyond ten years (``MAX_TERM_DAYS``) from ``today``,
    as a computed term is; 31.12.9999 is a typing error, not a deadline."""
    latest = today + dt.timedelta(days=MAX_TERM_DAYS)
    if day > latest:
        raise ValidationFailed(
            _("The due date is too far ahead: choose a date no later than %(date)s.")
            % {"date": latest.strftime("%d.%m.%Y")},
            code="due_too_far",
            field=field,
        )
    return day


# --- stepping ----------------------------------------------------------------------


def next_working_day(cal: WorkCalendar, day: dt.date, *, include: bool = False) -> dt.date:
    """The first working day after ``day`` (or ``day`` itself when ``include`` and working)."""
    candidate = day if include else day + ONE_DAY
    for _step in range(MAX_SEARCH_DAYS):
        if cal.is_working(candidate):
            return candidate
        candidate += ONE_DAY
    raise ValidationFailed(_("The calendar has no working day near %(d)s.") % {"d": day})


def previous_working_day(cal: WorkCalendar, day: dt.date, *, include: bool = False) -> dt.date:
    candidate = day if include else day - ONE_DAY
    for _step in range(MAX_SEARCH_DAYS):
        if cal.is_working(candidate):
            return candidate
        candidate -= ONE_DAY
    raise ValidationFailed(_("The calendar has no working day near %(d)s.") % {"d": day})


def add_working_days(cal: WorkCalendar, day: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``day``; for 0, ``day`` itself or the next working day."""
    if days == 0:
        return next_working_day(cal, day, include=True)
    for _step in range(days):
        day = next_working_day(cal, day)
    return day


def close_of_business(cal: WorkCalendar, day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, cal.hours(day)[1], tzinfo=tz)


def business_hours(
    cal: WorkCalendar, day: dt.date, tz: zoneinfo.ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    opens, closes = cal.hours(day)
    return dt.datetime.combine(day, opens, tzinfo=tz), dt.datetime.combine(day, closes, tzinfo=tz)


# --- deadlines ---------------------------------------------------------------------


def deadline_in_working_days(
    cal: WorkCalendar, *, start: dt.datetime, days: int, tz: str
) -> Deadline:
    _aware(start, "start")
    _term(days)
    local_tz = zone(tz)
    start_date = start.astimezone(local_tz).date()
    due_date = add_working_days(cal, start_date, days)
    return Deadline(
        due_at=close_of_business(cal, due_date, local_tz),
        explanation=explain_working(cal, start_date, days, due_date),
        start=start,
        days=days,
        basis=Basis.WORKING,
        tz=tz,
        roll=None,
        start_date=start_date,
        due_date=due_date,
        shortened=cal.is_short(due_date),
    )


def deadline_in_calendar_days(
    cal: WorkCalendar, *, start: dt.datetime, days: int, tz: str, roll: Roll
) -> Deadline:
    _aware(start, "start")
    _term(days)
    roll = Roll(roll)
    local_tz = zone(tz)
    start_date = start.astimezone(local_tz).date()
    target = start_date + dt.timedelta(days=days)
    if roll == Roll.NEXT:
        due_date = next_working_day(cal, target, include=True)
    else:
        due_date = previous_working_day(cal, target, include=True)
        if due_date < start_date:
            # No working day within the term (received on 05.01, three days of
            # New Year holidays ahead): a term never ends before it starts, so it
            # ends on the first working day after.
            due_date = next_working_day(cal, target, include=True)
    return Deadline(
        due_at=close_of_business(cal, due_date, local_tz),
        explanation=explain_calendar(cal, start_date, days, target, due_date, roll),
        start=start,
        days=days,
        basis=Basis.CALENDAR,
        tz=tz,
        roll=roll,
        start_date=start_date,
        due_date=due_date,
        shortened=cal.is_short(due_date),
    )


# --- lateness and elapsed time ----------------------------------------------------


def overdue_working_days(
    cal: WorkCalendar, *, due_at: dt.datetime, now: dt.datetime, tz: str
) -> int:
    """0 when not overdue; otherwise the working days with business time lost since
    ``due_at`` up to ``now``, a partly lost day counting as one (at least 1)."""
    _aware(due_at, "due_at")
    _aware(now, "now")
    if now <= due_at:
        return 0
    local_tz = zone(tz)
    day, last = due_at.astimezone(local_tz).date(), now.astimezone(local_tz).date()
    lost = 0
    while day <= last:
        if cal.is_working(day):
            opens, closes = business_hours(cal, day, local_tz)
            lost += opens < now and closes > due_at
        day += ONE_DAY
    return max(lost, 1)


def overdue_label(cal: WorkCalendar, *, due_at: dt.datetime, now: dt.datetime, tz: str) -> str:
    """ "просрочено на N раб. дн." for an overdue item, "" otherwise."""
    late = overdue_working_days(cal, due_at=due_at, now=now, tz=tz)
    return f"просрочено на {late} раб. дн." if late else ""


def working_days_between(
    cal: WorkCalendar, *, start: dt.datetime, end: dt.datetime, tz: str
) -> float:
    """Business time from ``start`` to ``end`` in working days: each working day's
    share of its business hours (a shortened day is a whole day too). 0 if end <= start."""
    _aware(start, "start")
    _aware(end, "end")
    if end <= start:
        return 0.0
    local_tz = zone(tz)
    day, last = start.astimezone(local_tz).date(), end.astimezone(local_tz).date()
    total = 0.0
    while day <= last:
        if cal.is_working(day):
            opens, closes = business_hours(cal, day, local_tz)
            covered = min(end, closes) - max(start, opens)
            if covered > dt.timedelta(0):
                total += covered / (closes - opens)
        day += ONE_DAY
    return total


# --- explanations ------------------------------------------------------------------


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for ``n``: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def fmt(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


WEEKDAY_WORKING = {5: "рабочая суббота", 6: "рабочее воскресенье"}


def _notes(cal: WorkCalendar, first: dt.date, last: dt.date) -> list[str]:
    """What between ``first`` and ``last`` (inclusive) was unusual: runs of non-working
    days that hold a holiday or a transferred day off (plain weekends go unsaid), and
    weekend days that were working."""
    notes: list[str] = []
    run: list[dt.date] = []
    unusual = False

    def flush() -> None:
        nonlocal run, unusual
        if run and unusual:
            if len(run) == 1:
                notes.append(f"{fmt(run[0])} нерабочий")
            else:
                notes.append(f"{fmt(run[0])}–{fmt(run[-1])} нерабочие")
        run, unusual = [], False

    day = first
    while day <= last:
        kind = cal.kind(day)
        if kind in (DayKind.WORKING, DayKind.SHORT):
            flush()
            if day.weekday() >= 5:
                notes.append(f"{fmt(day)} {WEEKDAY_WORKING[day.weekday()]}")
        else:
            run.append(day)
            unusual = unusual or kind in (DayKind.HOLIDAY, DayKind.DAY_OFF)
        day += ONE_DAY
    flush()
    return notes


def _until(cal: WorkCalendar, due_date: dt.date) -> str:
    text = f"до конца дня {fmt(due_date)}"
    if cal.is_short(due_date):
        text += f" (сокращённый день, до {cal.hours(due_date)[1]:%H:%M})"
    return text


def explain_working(cal: WorkCalendar, start_date: dt.date, days: int, due_date: dt.date) -> str:
    if days == 0:
        head = f"в день начала {fmt(start_date)}"
        if due_date != start_date:
            head = f"в ближайший рабочий день с {fmt(start_date)}"
        notes = _notes(cal, start_date, due_date - ONE_DAY)
    else:
        unit = plural_ru(days, "рабочий день", "рабочих дня", "рабочих дней")
        head = f"{days} {unit} с {fmt(start_date)}"
        notes = _notes(cal, start_date + ONE_DAY, due_date)
    return "; ".join([head, *notes]) + f" → {_until(cal, due_date)}"


def explain_calendar(
    cal: WorkCalendar,
    start_date: dt.date,
    days: int,
    target: dt.date,
    due_date: dt.date,
    roll: Roll,
) -> str:
    unit = plural_ru(days, "календарный день", "календарных дня", "календарных дней")
    text = f"{days} {unit} с {fmt(start_date)}"
    if target != due_date:
        where = "следующий" if due_date > target else "предыдущий"
        text += f" = {fmt(target)}, нерабочий → переносится на {where} рабочий день"
    return f"{text} → {_until(cal, due_date)}"
