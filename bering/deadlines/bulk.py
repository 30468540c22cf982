"""Working-day arithmetic for many rows at once: prefix sums over the official calendar.

``arithmetic`` walks the days between two moments, which is right for one
deadline and slow for a hundred thousand report rows. Here each time zone gets
an index of its local dates: how many working days come before each date, and
the business hours of the date. Then

- ``between(start, end)`` = F(end) - F(start), where F(t) is the working days
  before t's date plus the share of t's business hours already passed;
- ``overdue(due, now)`` counts the working days whose business hours meet the
  interval (due, now), at least one;

each in O(1) after the index is built, with exactly the results of
``arithmetic.working_days_between`` and ``arithmetic.overdue_working_days``
(asserted against them in ``tests/test_bulk.py``).

Moments are POSIX seconds (floats): report queries fetch them as numbers
(``bering.core.db.EpochSeconds``), which skips building a datetime per row, the
largest cost of a region-wide report. The ``*_at`` methods take datetimes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from bering.deadlines.calendar import WorkCalendar
from bering.deadlines.selectors import work_calendar

DAY = 86_400
OFFSET_BUCKET = 900
"""UTC offsets change on a quarter hour at the finest (every zone since 1970)."""
_EPOCH = dt.date(1970, 1, 1)


class _Zone:
    """The index of one time zone over a growing range of local days (numbered from 1970-01-01):
    working days before the day, whether it is working, its opening and closing moments."""

    def __init__(self, cal: WorkCalendar, tz: str) -> None:
        self.cal = cal
        self.zone = zoneinfo.ZoneInfo(tz)
        self.offsets: dict[int, int] = {}
        self.lo = 0
        self.before: list[int] = []
        self.working: list[bool] = []
        self.opens: list[float] = []
        self.closes: list[float] = []

    def day_of(self, ts: float) -> int:
        """The local day number of the moment ``ts``."""
        bucket = int(ts // OFFSET_BUCKET)
        offset = self.offsets.get(bucket)
        if offset is None:
            moment = dt.datetime.fromtimestamp(bucket * OFFSET_BUCKET, dt.UTC)
            delta = self.zone.utcoffset(moment)
            offset = self.offsets[bucket] = int(delta.total_seconds()) if delta else 0
        return int((ts + offset) // DAY)

    def _facts(self, number: int) -> tuple[bool, float, float]:
        day = _EPOCH + dt.timedelta(days=number)
        opens, closes = self.cal.hours(day)
        return (
            self.cal.is_working(day),
            dt.datetime.combine(day, opens, tzinfo=self.zone).timestamp(),
            dt.datetime.combine(day, closes, tzinfo=self.zone).timestamp(),
        )

    def _cover(self, number: int) -> int:
        """The list index of day ``number``, extending the index to reach it."""
        if not self.before:
            working, opens, closes = self._facts(number)
            self.lo = number
            self.before, self.working = [0], [working]
            self.opens, self.closes = [opens], [closes]
            return 0
        i = number - self.lo
        if 0 <= i < len(self.before):
            return i
        if i < 0:
            extra = [self._facts(n) for n in range(number, self.lo)]
            running, before = self.before[0], []
            for working, _o, _c in reversed(extra):
                running -= working
                before.append(running)
            self.before[:0] = reversed(before)
            self.working[:0] = [f[0] for f in extra]
            self.opens[:0] = [f[1] for f in extra]
            self.closes[:0] = [f[2] for f in extra]
            self.lo = number
            return 0
        while len(self.before) <= i:
            working, opens, closes = self._facts(self.lo + len(self.before))
            self.before.append(self.before[-1] + self.working[-1])
            self.working.append(working)
            self.opens.append(opens)
            self.closes.append(closes)
        return i

    def elapsed(self, ts: float) -> float:
        """F(t): working days from the index's origin to the moment ``ts``."""
        # The hot path of a region-wide report: day_of() and _cover() inlined.
        offset = self.offsets.get(int(ts // OFFSET_BUCKET))
        number = self.day_of(ts) if offset is None else int((ts + offset) // DAY)
        i = number - self.lo
        if i < 0 or i >= len(self.before):
            i = self._cover(number)
        before = self.before[i]
        if not self.working[i]:
            return float(before)
        opens = self.opens[i]
        passed = (ts - opens) / (self.closes[i] - opens)
        return before + (0.0 if passed < 0 else 1.0 if passed > 1 else passed)

    def overdue(self, due: float, now: float) -> int:
        first, last = self._cover(self.day_of(due)), self._cover(self.day_of(now))
        if first == last:
            return 1
        # ``last`` is a later day than ``first``: covering it only extends the index forwards,
        # so ``first`` keeps its list index.
        meets_first = int(self.working[first] and self.closes[first] > due)
        meets_last = int(self.working[last] and self.opens[last] < now)
        whole = self.before[last] - self.before[first + 1]
        return max(meets_first + whole + meets_last, 1)


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

    def between(self, start: float, end: float, tz: str) -> float:
        """As ``arithmetic.working_days_between``, over POSIX seconds."""
        if end <= start:
            return 0.0
        zone = self._zone(tz)
        return max(zone.elapsed(end) - zone.elapsed(start), 0.0)

    def overdue(self, due: float, now: float, tz: str) -> int:
        """As ``arithmetic.overdue_working_days``, over POSIX seconds."""
        if now <= due:
            return 0
        return self._zone(tz).overdue(due, now)

    def between_at(self, *, start: dt.datetime, end: dt.datetime, tz: str) -> float:
        return self.between(start.timestamp(), end.timestamp(), tz)

    def overdue_at(self, *, due_at: dt.datetime, now: dt.datetime, tz: str) -> int:
        return self.overdue(due_at.timestamp(), now.timestamp(), tz)
