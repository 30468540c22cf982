"""The prefix-sum arithmetic for many rows gives exactly what ``arithmetic`` gives."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest

from bering.deadlines import arithmetic
from bering.deadlines.bulk import Workdays
from bering.deadlines.selectors import work_calendar

# Kamchatka is 12 hours ahead of UTC, Moscow 3; Berlin changes its clocks (a DST zone:
# the index must take the offset of each moment, not of the first one).
ZONES = ["Asia/Kamchatka", "Europe/Moscow", "Asia/Magadan", "Europe/Berlin"]


def moments(rng: random.Random, n: int) -> list[dt.datetime]:
    base = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    return [
        base
        + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 160), microseconds=rng.randrange(10**6))
        for _ in range(n)
    ]


@pytest.mark.django_db
def test_same_results_as_the_deadlines_app_across_the_new_year():
    rng = random.Random(5)
    cal = work_calendar()
    fast = Workdays(cal)
    k = zoneinfo.ZoneInfo("Asia/Kamchatka")
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    points = [
        *moments(rng, 120),
        dt.datetime(2025, 12, 30, 18, 0, tzinfo=k),
        dt.datetime(2026, 1, 12, 10, 0, tzinfo=k),
        dt.datetime(2026, 5, 8, 16, 30, tzinfo=k),  # short day
        dt.datetime(2026, 3, 29, 1, 59, tzinfo=berlin),  # just before the clocks go forward
        dt.datetime(2026, 3, 30, 9, 30, tzinfo=berlin),
    ]
    checked = 0
    for tz in ZONES:
        for _ in range(600):
            a, b = rng.choice(points), rng.choice(points)
            assert fast.between_at(start=a, end=b, tz=tz) == pytest.approx(
                arithmetic.working_days_between(cal, start=a, end=b, tz=tz), abs=1e-9
            ), (a, b, tz)
            assert fast.overdue_at(due_at=a, now=b, tz=tz) == arithmetic.overdue_working_days(
                cal, due_at=a, now=b, tz=tz
            ), (a, b, tz)
            checked += 1
    assert checked == 2400
    assert (
        fast.overdue_at(
            due_at=dt.datetime(2025, 12, 30, 18, tzinfo=k),
            now=dt.datetime(2026, 1, 12, 10, tzinfo=k),
            tz="Asia/Kamchatka",
        )
        == 1
    )


@pytest.mark.django_db
def test_the_index_grows_backwards_and_forwards():
    """Rows come in any order: a first row in May, then one in December, then one in June."""
    cal = work_calendar()
    fast = Workdays(cal)
    k = zoneinfo.ZoneInfo("Asia/Kamchatka")
    pairs = [
        (dt.datetime(2026, 5, 12, 10, tzinfo=k), dt.datetime(2026, 5, 14, 12, tzinfo=k)),
        (dt.datetime(2025, 12, 25, 17, tzinfo=k), dt.datetime(2026, 1, 13, 9, 30, tzinfo=k)),
        (dt.datetime(2026, 6, 10, 18, tzinfo=k), dt.datetime(2026, 6, 15, 9, tzinfo=k)),
    ]
    for start, end in pairs:
        tz = "Asia/Kamchatka"
        assert fast.between_at(start=start, end=end, tz=tz) == pytest.approx(
            arithmetic.working_days_between(cal, start=start, end=end, tz=tz), abs=1e-9
        )
        assert fast.overdue_at(due_at=start, now=end, tz=tz) == arithmetic.overdue_working_days(
            cal, due_at=start, now=end, tz=tz
        )
    # 25.12 17:00 → 13.01 09:30: 26.12, 29.12, 30.12 and 12.01 whole, 25.12 one hour of nine,
    # 13.01 half an hour (31.12-11.01 are holidays in 2025/2026).
    assert fast.between_at(start=pairs[1][0], end=pairs[1][1], tz="Asia/Kamchatka") == (
        pytest.approx(4 + 1 / 9 + 0.5 / 9)
    )
