"""The working-day calendar as a pure object: what each date is and when its business ends.

No database here: ``WorkCalendar`` asks a loader for a year's exceptions (the
cached one in ``selectors`` reads the tables; tests may pass a dict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bering.deadlines.models import WORKING_KINDS, DayKind

# Business hours of the regional bodies (the eight-hour day with an hour's lunch).
# A shortened pre-holiday day ends an hour earlier (Labour Code, art. 95).
OPENS_AT = dt.time(9, 0)
CLOSES_AT = dt.time(18, 0)
SHORT_CLOSES_AT = dt.time(17, 0)

# Non-working public holidays of the Labour Code, art. 112 (month, day). Used for a
# year whose decree is not yet in the calendar: weekends and these days are off.
STATUTORY_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)

MAX_SEARCH_DAYS = 400
"""No stretch of non-working days is longer than this; a longer one is a data error."""


@dataclass(frozen=True)
class YearData:
    """The exceptions of one year. ``known`` is False for a year with no decree entered."""

    year: int
    known: bool
    days: Mapping[dt.date, DayKind] = field(default_factory=dict)
    names: Mapping[dt.date, str] = field(default_factory=dict)
    revision: int = 0
    decree: str = ""
    official_working_days: int | None = None


def statutory_year(year: int) -> YearData:
    """A year without its decree: the statutory holidays only, no transfers."""
    days = {dt.date(year, m, d): DayKind.HOLIDAY for m, d in sorted(STATUTORY_HOLIDAYS)}
    return YearData(year=year, known=False, days=days)


def default_kind(day: dt.date) -> DayKind:
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKING


class WorkCalendar:
    """What each date is, from a year loader (called at most once per year per instance)."""

    def __init__(self, load_year: Callable[[int], YearData]) -> None:
        self._load_year = load_year
        self._years: dict[int, YearData] = {}

    def year(self, year: int) -> YearData:
        data = self._years.get(year)
        if data is None:
            data = self._years[year] = self._load_year(year)
        return data

    def kind(self, day: dt.date) -> DayKind:
        return self.year(day.year).days.get(day) or default_kind(day)

    def name(self, day: dt.date) -> str:
        return self.year(day.year).names.get(day, "")

    def is_working(self, day: dt.date) -> bool:
        return self.kind(day) in WORKING_KINDS

    def is_short(self, day: dt.date) -> bool:
        return self.kind(day) == DayKind.SHORT

    def hours(self, day: dt.date) -> tuple[dt.time, dt.time]:
        """Opening and closing time of a working day."""
        return OPENS_AT, SHORT_CLOSES_AT if self.is_short(day) else CLOSES_AT

    def working_days_in(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last``, both included."""
        count, day = 0, first
        while day <= last:
            count += self.is_working(day)
            day += dt.timedelta(days=1)
        return count
