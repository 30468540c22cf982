"""The reports' prefix-sum arithmetic gives exactly what the deadlines app gives."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest

from bering.deadlines import arithmetic
from bering.deadlines.selectors import work_calendar
from bering.reports.workdays import Workdays

ZONES = ["Asia/Kamchatka", "Europe/Moscow", "Asia/Magadan"]


def moments(rng: random.Random, n: int) -> list[dt.datetime]:
    base = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    return [base + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 160)) for _ in range(n)]


@pytest.mark.django_db
def test_same_results_as_the_deadlines_app_across_the_new_year():
    rng = random.Random(5)
    cal = work_calendar()
    fast = Workdays(cal)
    k = zoneinfo.ZoneInfo("Asia/Kamchatka")
    points = [
        *moments(rng, 120),
        dt.datetime(2025, 12, 30, 18, 0, tzinfo=k),
        dt.datetime(2026, 1, 12, 10, 0, tzinfo=k),
        dt.datetime(2026, 5, 8, 16, 30, tzinfo=k),  # short day
    ]
    checked = 0
    for tz in ZONES:
        for _ in range(600):
            a, b = rng.choice(points), rng.choice(points)
            assert fast.between(start=a, end=b, tz=tz) == pytest.approx(
                arithmetic.working_days_between(cal, start=a, end=b, tz=tz), abs=1e-9
            ), (a, b, tz)
            assert fast.overdue(due_at=a, now=b, tz=tz) == arithmetic.overdue_working_days(
                cal, due_at=a, now=b, tz=tz
            ), (a, b, tz)
            checked += 1
    assert checked == 1800
    assert (
        fast.overdue(
            due_at=dt.datetime(2025, 12, 30, 18, tzinfo=k),
            now=dt.datetime(2026, 1, 12, 10, tzinfo=k),
            tz="Asia/Kamchatka",
        )
        == 1
    )
