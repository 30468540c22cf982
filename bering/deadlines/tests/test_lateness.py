"""The one vocabulary of lateness: a missing date, due today, overdue, done."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bering.approvals import timing
from bering.assignments import terms
from bering.deadlines.lateness import ON_TIME, Due, Lateness, lateness
from bering.deadlines.selectors import deadline_in_working_days

pytestmark = pytest.mark.django_db

KAM = "Asia/Kamchatka"
K = zoneinfo.ZoneInfo(KAM)


def close_of(day: dt.date) -> dt.datetime:
    """The close of business of ``day``: a term of 0 working days from that day."""
    start = dt.datetime.combine(day, dt.time(9), tzinfo=K)
    return deadline_in_working_days(start=start, days=0, tz=KAM).due_at


def test_a_missing_due_date_is_never_overdue():
    now = dt.datetime(2026, 12, 10, 12, tzinfo=K)
    assert lateness(due_at=None, done=False, now=now, tz=KAM) == ON_TIME
    assert lateness(due_at=None, done=True, now=now, tz=KAM) == ON_TIME


def test_due_today_is_on_time_until_the_close_of_business():
    due = close_of(dt.date(2026, 12, 1))  # a Tuesday
    morning = dt.datetime(2026, 12, 1, 10, tzinfo=K)
    assert lateness(due_at=due, done=False, now=morning, tz=KAM) == ON_TIME
    assert lateness(due_at=due, done=False, now=due, tz=KAM) == ON_TIME
    later = due + dt.timedelta(minutes=1)
    assert lateness(due_at=due, done=False, now=later, tz=KAM).overdue


def test_overdue_counts_working_days_lost():
    due = close_of(dt.date(2026, 12, 1))  # Tuesday
    thursday_noon = dt.datetime(2026, 12, 3, 12, tzinfo=K)
    late = lateness(due_at=due, done=False, now=thursday_noon, tz=KAM)
    assert late == Lateness(overdue=True, days=2, label="просрочено на 2 раб. дн.")
    # The weekend loses no working time: Friday's due is one day late on Monday.
    friday = close_of(dt.date(2026, 12, 4))
    monday_noon = dt.datetime(2026, 12, 7, 12, tzinfo=K)
    assert lateness(due_at=friday, done=False, now=monday_noon, tz=KAM).days == 1


def test_a_few_minutes_late_is_one_day_late():
    due = dt.datetime(2026, 12, 1, 12, tzinfo=K)
    late = lateness(due_at=due, done=False, now=due + dt.timedelta(minutes=5), tz=KAM)
    assert late.overdue and late.days == 1


def test_done_is_never_overdue_whether_late_or_on_time():
    due = close_of(dt.date(2026, 12, 1))
    on_time = dt.datetime(2026, 12, 1, 10, tzinfo=K)
    late = dt.datetime(2026, 12, 8, 10, tzinfo=K)
    assert lateness(due_at=due, done=True, now=on_time, tz=KAM) == ON_TIME
    assert lateness(due_at=due, done=True, now=late, tz=KAM) == ON_TIME
    assert lateness(due_at=due, done=False, now=late, tz=KAM).overdue


def test_both_apps_speak_the_one_vocabulary():
    assert timing.Due is Due
    assert not hasattr(terms, "lateness") and not hasattr(terms, "Lateness")
    start = dt.datetime(2026, 12, 1, 10, tzinfo=K)
    assert isinstance(timing.due_in_working_days(start=start, days=1, tz=KAM), Due)
    assert isinstance(
        terms.due_for(term=terms.Term(kind="working", days=1), start=start, tz=KAM), Due
    )
