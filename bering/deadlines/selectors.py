"""Reading the calendar and computing deadlines: what the other apps call.

Every function works on the process-wide cached calendar (``cache``): a call
costs O(1) queries, usually none. Times are aware; ``tz`` is an IANA zone name,
normally the organization's ``time_zone`` (Kamchatka is UTC+12, so its close of
business comes 9 hours before Moscow's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bering.deadlines import arithmetic
from bering.deadlines.arithmetic import Deadline
from bering.deadlines.cache import calendar
from bering.deadlines.calendar import WorkCalendar
from bering.deadlines.models import WORKING_KINDS, Basis, DayKind, Roll
from bering.deadlines.rules import KindRule, rule_for

__all__ = [
    "Basis",
    "DayKind",
    "Deadline",
    "Roll",
    "YearView",
    "calendar_year_view",
    "deadline_compute",
    "deadline_for_kind",
    "deadline_in_calendar_days",
    "deadline_in_working_days",
    "is_working_day",
    "overdue_label",
    "overdue_working_days",
    "work_calendar",
    "working_days_between",
]


def work_calendar() -> WorkCalendar:
    return calendar()


def deadline_in_working_days(*, start: dt.datetime, days: int, tz: str) -> Deadline:
    """The close of business (local to ``tz``) of the ``days``-th working day after
    the start's local date; the start day does not count. 0 days: the start day
    itself if working, else the next working day."""
    return arithmetic.deadline_in_working_days(calendar(), start=start, days=days, tz=tz)


def deadline_in_calendar_days(*, start: dt.datetime, days: int, tz: str, roll: Roll) -> Deadline:
    """The close of business of the start's local date + ``days``, moved by ``roll``
    to a working day when that date is not one."""
    return arithmetic.deadline_in_calendar_days(
        calendar(), start=start, days=days, tz=tz, roll=roll
    )


def deadline_compute(
    *, start: dt.datetime, days: int, basis: Basis, tz: str, roll: Roll = Roll.NEXT
) -> Deadline:
    """Either basis by name (for the API and stored regulations)."""
    if Basis(basis) == Basis.WORKING:
        return deadline_in_working_days(start=start, days=days, tz=tz)
    return deadline_in_calendar_days(start=start, days=days, tz=tz, roll=roll)


def deadline_for_kind(*, kind: str, start: dt.datetime, days: int, tz: str) -> Deadline:
    """A deadline counted the way its kind is counted (see ``rules.KIND_RULES``)."""
    rule: KindRule = rule_for(kind)
    return deadline_compute(start=start, days=days, basis=rule.basis, tz=tz, roll=rule.roll)


def overdue_working_days(*, due_at: dt.datetime, now: dt.datetime, tz: str) -> int:
    """0 when ``now`` is not past ``due_at``; otherwise how many working days late,
    a partly passed working day counting as one."""
    return arithmetic.overdue_working_days(calendar(), due_at=due_at, now=now, tz=tz)


def overdue_label(*, due_at: dt.datetime, now: dt.datetime, tz: str) -> str:
    """The mark for lists and cards, "просрочено на N раб. дн.", or "" when on time."""
    return arithmetic.overdue_label(calendar(), due_at=due_at, now=now, tz=tz)


def working_days_between(*, start: dt.datetime, end: dt.datetime, tz: str) -> float:
    """Elapsed business time in working days (fractional, by business hours)."""
    return arithmetic.working_days_between(calendar(), start=start, end=end, tz=tz)


def is_working_day(day: dt.date) -> bool:
    return calendar().is_working(day)


# --- the year as a whole: for the calendar page and the API --------------------------


@dataclass(frozen=True)
class DayView:
    date: dt.date
    kind: DayKind
    name: str
    is_exception: bool

    @property
    def is_working(self) -> bool:
        return self.kind in WORKING_KINDS


@dataclass(frozen=True)
class YearView:
    year: int
    known: bool
    """The year's decree is entered (otherwise only the statutory holidays count)."""
    decree: str
    official_working_days: int | None
    days: tuple[DayView, ...]

    @property
    def working_days(self) -> int:
        return sum(day.is_working for day in self.days)

    @property
    def shortened_days(self) -> int:
        return sum(day.kind == DayKind.SHORT for day in self.days)

    @property
    def non_working_days(self) -> int:
        return len(self.days) - self.working_days

    @property
    def matches_official(self) -> bool | None:
        if self.official_working_days is None:
            return None
        return self.official_working_days == self.working_days

    def months(self) -> list[list[DayView]]:
        result: list[list[DayView]] = [[] for _ in range(12)]
        for day in self.days:
            result[day.date.month - 1].append(day)
        return result


def calendar_year_view(*, year: int) -> YearView:
    cal = calendar()
    data = cal.year(year)
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        days.append(
            DayView(date=day, kind=cal.kind(day), name=cal.name(day), is_exception=day in data.days)
        )
        day += dt.timedelta(days=1)
    return YearView(
        year=year,
        known=data.known,
        decree=data.decree,
        official_working_days=data.official_working_days,
        days=tuple(days),
    )
