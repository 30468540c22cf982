"""Properties of the arithmetic over any start, term and zone (hypothesis)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bering.deadlines.models import Roll
from bering.deadlines.selectors import (
    deadline_in_calendar_days,
    deadline_in_working_days,
    is_working_day,
    overdue_working_days,
    work_calendar,
    working_days_between,
)

ZONES = ["Asia/Kamchatka", "Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad", "UTC"]
STARTS = st.datetimes(
    min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2026, 12, 31, 23, 59)
).map(lambda moment: moment.replace(tzinfo=dt.UTC))
TERMS = st.integers(min_value=0, max_value=70)
RELAXED = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@RELAXED
@given(start=STARTS, days=TERMS, tz=st.sampled_from(ZONES))
def test_working_day_deadline_properties(db, start, days, tz):
    deadline = deadline_in_working_days(start=start, days=days, tz=tz)
    local = deadline.due_at.astimezone(zoneinfo.ZoneInfo(tz))
    # It ends on a working day, at that day's close of business, in the zone asked.
    assert is_working_day(deadline.due_date)
    assert local.date() == deadline.due_date
    assert local.time() == (dt.time(17) if deadline.shortened else dt.time(18))
    assert deadline.due_at.utcoffset() == local.utcoffset()
    # Exactly ``days`` working days after the start's local date, the start not counted.
    start_date = start.astimezone(zoneinfo.ZoneInfo(tz)).date()
    assert deadline.start_date == start_date
    if days:
        between = work_calendar().working_days_in(start_date + dt.timedelta(days=1), local.date())
        assert between == days
    # One more day never comes earlier, and from one on always later.
    longer = deadline_in_working_days(start=start, days=days + 1, tz=tz)
    assert longer.due_at > deadline.due_at or (days == 0 and not is_working_day(start_date))
    assert longer.due_at >= deadline.due_at
    # The explanation is one line that ends with the due date.
    assert "\n" not in deadline.explanation
    assert f"{deadline.due_date:%d.%m.%Y}" in deadline.explanation.rsplit("→", 1)[1]


@RELAXED
@given(start=STARTS, days=TERMS, tz=st.sampled_from(ZONES))
def test_elapsed_working_time_to_the_deadline(db, start, days, tz):
    """From the end of the start day to the deadline lie exactly ``days`` working days."""
    zone = zoneinfo.ZoneInfo(tz)
    deadline = deadline_in_working_days(start=start, days=days, tz=tz)
    midnight = dt.datetime.combine(deadline.start_date + dt.timedelta(days=1), dt.time(0), zone)
    if days:
        elapsed = working_days_between(start=midnight, end=deadline.due_at, tz=tz)
        assert abs(elapsed - days) < 1e-9


@RELAXED
@given(start=STARTS, days=TERMS, tz=st.sampled_from(ZONES))
def test_calendar_day_deadline_properties(db, start, days, tz):
    later = deadline_in_calendar_days(start=start, days=days, tz=tz, roll=Roll.NEXT)
    earlier = deadline_in_calendar_days(start=start, days=days, tz=tz, roll=Roll.PREVIOUS)
    target = later.start_date + dt.timedelta(days=days)
    assert is_working_day(later.due_date) and is_working_day(earlier.due_date)
    assert target <= later.due_date
    # The roll stops at the nearest working day.
    cal = work_calendar()
    assert cal.working_days_in(target, later.due_date - dt.timedelta(days=1)) == 0
    # A term never ends before it starts: with no working day from the start to the
    # target, "previous" gives way to the next working day.
    assert earlier.due_date >= earlier.start_date
    if cal.working_days_in(earlier.start_date, target):
        assert earlier.due_date <= target
        assert cal.working_days_in(earlier.due_date + dt.timedelta(days=1), target) == 0
    else:
        assert earlier.due_date == later.due_date


@RELAXED
@given(
    start=STARTS,
    days=TERMS,
    tz=st.sampled_from(ZONES),
    late=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=40)),
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=5)),
)
def test_overdue_grows_with_time(db, start, days, tz, late, later):
    due_at = deadline_in_working_days(start=start, days=days, tz=tz).due_at
    now = due_at + late
    count = overdue_working_days(due_at=due_at, now=now, tz=tz)
    assert (count == 0) == (now <= due_at)
    assert overdue_working_days(due_at=due_at, now=now + later, tz=tz) >= count
    # Never more than the working days from the due date to now (at least one when late).
    assert count <= max(1, work_calendar().working_days_in(due_at.date(), now.date()))
