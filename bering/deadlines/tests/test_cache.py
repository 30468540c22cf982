"""The calendar is read once per process: deadlines cost no queries once warm, and
a change made elsewhere is noticed by its revision."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.deadlines import cache
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.deadlines.selectors import (
    deadline_in_working_days,
    is_working_day,
    overdue_working_days,
)

pytestmark = pytest.mark.django_db
KAM = "Asia/Kamchatka"
START = dt.datetime(2025, 12, 30, 10, tzinfo=dt.UTC)


def test_a_cold_deadline_reads_each_year_once(django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # two years: the row and the days of each
        deadline_in_working_days(start=START, days=3, tz=KAM)


def test_a_warm_deadline_costs_no_query(django_assert_num_queries):
    deadline_in_working_days(start=START, days=3, tz=KAM)
    with django_assert_num_queries(0):
        for days in range(1, 40):
            due = deadline_in_working_days(start=START, days=days, tz=KAM)
            overdue_working_days(due_at=due.due_at, now=due.due_at + dt.timedelta(days=3), tz=KAM)


def test_a_change_elsewhere_is_noticed_by_revision(monkeypatch, django_assert_max_num_queries):
    saturday = dt.date(2026, 7, 4)
    assert not is_working_day(saturday)
    # Another process changes the day (it bumps the revision; our cache is not told).
    CalendarDay.objects.create(year_id=2026, date=saturday, kind=DayKind.WORKING)
    CalendarYear.objects.filter(year=2026).update(revision=99)
    assert not is_working_day(saturday)  # still the cached year, until the next check
    clock = cache.monotonic() + cache.CHECK_SECONDS + 1
    monkeypatch.setattr(cache, "monotonic", lambda: clock)
    with django_assert_max_num_queries(3):  # the revisions, then the year again
        assert is_working_day(saturday)


def test_an_unchanged_year_survives_the_check(monkeypatch, django_assert_num_queries):
    assert is_working_day(dt.date(2026, 7, 3))
    clock = cache.monotonic() + cache.CHECK_SECONDS + 1
    monkeypatch.setattr(cache, "monotonic", lambda: clock)
    with django_assert_num_queries(1):  # only the revisions
        assert is_working_day(dt.date(2026, 7, 3))
