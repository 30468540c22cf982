"""The calendar's years, read once per process and kept.

A year is loaded with one query for its row and one for its days. Edits go
through ``services``, which bump the year's ``revision`` and call ``invalidate``
(at once and again after commit). Other processes notice the new revision at
their next check: the revisions of all years are compared at most every
``CHECK_SECONDS``, with one small query. So a deadline costs O(1) queries,
usually none.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from bering.deadlines.calendar import WorkCalendar, YearData, statutory_year
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind

CHECK_SECONDS = 30.0
monotonic = time.monotonic  # tests move it

_years: dict[int, YearData] = {}
_checked_at = 0.0
_lock = threading.Lock()


def load_year(year: int) -> YearData:
    """A year from the database (no cache)."""
    row = CalendarYear.objects.filter(year=year).first()
    if row is None:
        return statutory_year(year)
    days: dict[dt.date, DayKind] = {}
    names: dict[dt.date, str] = {}
    for date, kind, name in CalendarDay.objects.filter(year=row).values_list(
        "date", "kind", "name"
    ):
        days[date] = DayKind(kind)
        if name:
            names[date] = name
    return YearData(
        year=year,
        known=True,
        days=days,
        names=names,
        revision=row.revision,
        decree=row.decree,
        official_working_days=row.official_working_days,
    )


def _revalidate() -> None:
    """Drop the years whose revision changed in the database since they were read."""
    global _checked_at
    now = monotonic()
    if now - _checked_at < CHECK_SECONDS:
        return
    _checked_at = now
    if not _years:
        return
    revisions = dict(CalendarYear.objects.values_list("year", "revision"))
    with _lock:
        for year, data in list(_years.items()):
            if revisions.get(year) != (data.revision if data.known else None):
                _years.pop(year, None)


def cached_year(year: int) -> YearData:
    _revalidate()
    data = _years.get(year)
    if data is None:
        data = load_year(year)
        with _lock:
            _years[year] = data
    return data


def invalidate(year: int | None = None) -> None:
    """Forget one year (or all); the next lookup reads it again."""
    global _checked_at
    with _lock:
        if year is None:
            _years.clear()
            _checked_at = 0.0
        else:
            _years.pop(year, None)


def calendar() -> WorkCalendar:
    """The calendar over the cached years."""
    return WorkCalendar(cached_year)
