"""A year's exceptional days from the ``holidays`` package (python-holidays, country RU).

The package knows the public holidays of the Labour Code (art. 112), the days off
transferred by each year's government decree, the days off that follow a holiday
falling on a weekend, and the weekend days made working by a transfer. It does
not know the shortened pre-holiday days (art. 95), so they are derived here:

* the working day right before a public holiday is an hour shorter;
* a weekend day made working in exchange for a day off that stands right before a
  holiday works as that day would have, so it is shortened too (Saturday
  01.11.2025 for Monday 03.11.2025, before 04.11.2025).

This reproduces the official production calendars of 2025 (7 March, 30 April,
11 June, 1 November) and 2026 (30 April, 8 May, 11 June, 3 November).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import holidays
from holidays.countries.russia import RussiaStaticHolidays

from bering.deadlines.calendar import default_kind
from bering.deadlines.models import WORKING_KINDS, DayKind

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class SeedDay:
    date: dt.date
    kind: DayKind
    name: str


@dataclass(frozen=True)
class SeedYear:
    year: int
    days: tuple[SeedDay, ...]
    source: str
    knows_decree: bool
    """The package holds this year's transfers (the decree is out and it was updated)."""

    @property
    def working_days(self) -> int:
        kinds = {d.date: d.kind for d in self.days}
        day, count = dt.date(self.year, 1, 1), 0
        while day.year == self.year:
            count += kinds.get(day, default_kind(day)) in WORKING_KINDS
            day += ONE_DAY
        return count


def _transfers(year: int) -> list[tuple[dt.date, dt.date]]:
    """(day off, the day it came from) pairs of the decree for ``year``."""
    raw: tuple[Any, ...] = RussiaStaticHolidays.special_public_holidays.get(year, ())
    entries: list[tuple[Any, ...]] = [raw] if raw and isinstance(raw[0], int) else list(raw)
    pairs = []
    for entry in entries:
        if len(entry) < 4:
            continue
        to_month, to_day, from_month, from_day = (int(v) for v in entry[:4])
        source_year = int(entry[4]) if len(entry) > 4 else year
        pairs.append((dt.date(year, to_month, to_day), dt.date(source_year, from_month, from_day)))
    return pairs


def seed_year(year: int) -> SeedYear:
    both = holidays.country_holidays("RU", years=[year, year + 1], language="ru")
    plain = holidays.country_holidays("RU", years=[year, year + 1], observed=False)
    transfers = _transfers(year) + _transfers(year + 1)
    transferred_to = {to for to, _from in transfers}
    # Public holidays proper: not a transferred day off and not a day off after a
    # holiday on a weekend.
    public = {d for d in plain if d not in transferred_to}
    days: dict[dt.date, SeedDay] = {}
    for date, name in sorted(both.items()):
        if date.year != year:
            continue
        kind = DayKind.HOLIDAY if date in public else DayKind.DAY_OFF
        days[date] = SeedDay(date, kind, str(name))
    for to, source in transfers:
        if source.year == year and source in both.weekend_workdays:
            days[source] = SeedDay(
                source, DayKind.WORKING, f"Рабочий день (выходной перенесён на {to:%d.%m.%Y})"
            )

    def working(day: dt.date) -> bool:
        found = days.get(day)
        kind = found.kind if found else default_kind(day)
        return kind in WORKING_KINDS

    short: dict[dt.date, str] = {}
    for holiday in sorted(public):
        before = holiday - ONE_DAY
        if before.year == year and working(before):
            short[before] = "Предпраздничный день (на час короче)"
    for to, source in transfers:
        if source.year == year and source in both.weekend_workdays and to + ONE_DAY in public:
            short[source] = "Предпраздничный день (на час короче)"
    for date, note in short.items():
        found = days.get(date)
        name = f"{found.name}; {note[0].lower()}{note[1:]}" if found else note
        days[date] = SeedDay(date, DayKind.SHORT, name)
    return SeedYear(
        year=year,
        days=tuple(days[d] for d in sorted(days)),
        source=f"holidays {version('holidays')}",
        knows_decree=year in RussiaStaticHolidays.special_public_holidays
        or year in RussiaStaticHolidays.special_public_holidays_observed,
    )
