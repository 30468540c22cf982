"""Working-day arithmetic for many rows at once: prefix sums over the official calendar.

``deadlines.arithmetic`` walks the days between two moments, which is right for
one deadline and slow for a hundred thousand report rows. Here each time zone
gets an index of its local dates: how many working days come before each date,
and the business hours of the date. Then

- ``between(start, end)`` = F(end) - F(start), where F(t) is the working days
  before t's date plus the share of t's business hours already passed;
- ``overdue(due, now)`` counts the working days whose business hours meet the
  interval (due, now), at least one;

each in O(1) after the index is built, with exactly the results of
``deadlines.arithmetic.working_days_between`` and ``overdue_working_days``
(asserted against them in ``tests/test_workdays.py``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bering.deadlines.calendar import WorkCalendar
from bering.deadlines.selectors import work_calendar

ONE_DAY = dt.timedelta(days=1)


class _Zone:
    """The index of one time zone: for each local date (before, working, opens, closes)."""

    def __init__(self, cal: WorkCalendar, tz: str) -> None:
        self.cal = cal
        self.zone = zoneinfo.ZoneInfo(tz)
        self.days: dict[dt.date, tuple[int, bool, float, float]] = {}
        self.lo: dt.date | None = None
        self.hi: dt.date | None = None

    def _facts(self, day: dt.date) -> tuple[bool, float, float]:
        working = self.cal.is_working(day)
        opens, closes = self.cal.hours(day)
        return (
            working,
            dt.datetime.combine(day, opens, tzinfo=self.zone).timestamp(),
            dt.datetime.combine(day, closes, tzinfo=self.zone).timestamp(),
        )

    def entry(self, day: dt.date) -> tuple[int, bool, float, float]:
        found = self.days.get(day)
        if found is not None:
            return found
        if self.lo is None or self.hi is None:
            working, opens, closes = self._facts(day)
            self.days[day] = (0, working, opens, closes)
            self.lo = self.hi = day
        while self.hi < day:
            before, working, _o, _c = self.days[self.hi]
            self.hi += ONE_DAY
            self.days[self.hi] = (before + working, *self._facts(self.hi))
        while self.lo > day:
            before = self.days[self.lo][0]
            self.lo -= ONE_DAY
            facts = self._facts(self.lo)
            self.days[self.lo] = (before - facts[0], *facts)
        return self.days[day]

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.zone).date()

    def elapsed(self, moment: dt.datetime) -> float:
        """F(t): working days from the index's origin to ``moment``."""
        before, working, opens, closes = self.entry(self.local_date(moment))
        if not working:
            return float(before)
        ts = moment.timestamp()
        return before + min(max((ts - opens) / (closes - opens), 0.0), 1.0)


class Workdays:
    """Working-day figures over one calendar, for any number of rows and time zones."""

    def __init__(self, cal: WorkCalendar | None = None) -> None:
        self.cal = cal or work_calendar()
        self.zones: dict[str, _Zone] = {}

    def _zone(self, tz: str) -> _Zone:
        zone = self.zones.get(tz)
        if zone is None:
            zone = self.zones[tz] = _Zone(self.cal, tz)
        return zone

    def between(self, *, start: dt.datetime, end: dt.datetime, tz: str) -> float:
        """As ``deadlines.arithmetic.working_days_between``."""
        if end <= start:
            return 0.0
        zone = self._zone(tz)
        return max(zone.elapsed(end) - zone.elapsed(start), 0.0)

    def overdue(self, *, due_at: dt.datetime, now: dt.datetime, tz: str) -> int:
        """As ``deadlines.arithmetic.overdue_working_days``."""
        if now <= due_at:
            return 0
        zone = self._zone(tz)
        first, last = zone.local_date(due_at), zone.local_date(now)
        due_ts, now_ts = due_at.timestamp(), now.timestamp()

        def meets(day: dt.date) -> int:
            _before, working, opens, closes = zone.entry(day)
            return int(working and opens < now_ts and closes > due_ts)

        if first == last:
            return max(meets(first), 1)
        # The days strictly between are whole working days inside (due, now).
        between = zone.entry(last)[0] - zone.entry(first + ONE_DAY)[0]
        return max(meets(first) + between + meets(last), 1)
