"""The seeded calendars of 2025 and 2026 against the decrees and the official
production calendars (247 working days each)."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.deadlines.seeding import seed_year
from bering.deadlines.selectors import calendar_year_view, is_working_day

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize("year", [2025, 2026])
def test_official_count_of_working_days(year):
    view = calendar_year_view(year=year)
    assert view.known
    assert view.working_days == 247
    assert view.non_working_days == 118
    assert view.official_working_days == 247
    assert view.matches_official


def test_decrees_are_named():
    assert "№ 1335" in CalendarYear.objects.get(year=2025).decree
    assert "№ 1466" in CalendarYear.objects.get(year=2026).decree


@pytest.mark.parametrize(
    ("year", "shortened"),
    [
        (2025, [D(2025, 3, 7), D(2025, 4, 30), D(2025, 6, 11), D(2025, 11, 1)]),
        (2026, [D(2026, 4, 30), D(2026, 5, 8), D(2026, 6, 11), D(2026, 11, 3)]),
    ],
)
def test_shortened_pre_holiday_days(year, shortened):
    found = CalendarDay.objects.filter(year=year, kind=DayKind.SHORT).values_list("date", flat=True)
    assert sorted(found) == shortened
    # 40-hour week: 247 * 8 - 4 = 1972 hours, as the official calendars say.
    assert 247 * 8 - len(shortened) == 1972


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 12, 30), True),  # the last working day of 2025
        (D(2025, 12, 31), False),  # the day off from 05.01.2025
        (D(2026, 1, 9), False),  # the day off from 03.01.2026
        (D(2026, 1, 11), False),
        (D(2026, 1, 12), True),
        (D(2025, 11, 1), True),  # working Saturday
        (D(2025, 11, 3), False),  # its day off
        (D(2025, 5, 2), False),
        (D(2025, 5, 8), False),
        (D(2025, 6, 13), False),
        (D(2026, 3, 9), False),  # 8 March on a Sunday moves to Monday
        (D(2026, 5, 11), False),  # 9 May on a Saturday moves to Monday
        (D(2026, 2, 23), False),
        (D(2026, 12, 31), False),  # the day off from 04.01.2026
        (D(2026, 12, 30), True),
        (D(2025, 2, 24), True),  # 23 February 2025 was a Sunday: moved to 8 May instead
    ],
)
def test_known_days(day, working):
    assert is_working_day(day) is working


def test_migration_agrees_with_the_holidays_package():
    """If a newer ``holidays`` changes its mind about a seeded year, say so."""
    for year in (2025, 2026):
        stored = {(d.date, d.kind, d.name) for d in CalendarDay.objects.filter(year=year)}
        fresh = {(d.date, d.kind.value, d.name) for d in seed_year(year).days}
        assert stored == fresh, year


def test_a_year_without_decree_counts_statutory_holidays_only():
    view = calendar_year_view(year=2031)
    assert not view.known
    kinds = {d.date: d.kind for d in view.days}
    assert kinds[D(2031, 1, 1)] == DayKind.HOLIDAY
    assert kinds[D(2031, 11, 4)] == DayKind.HOLIDAY
    assert kinds[D(2031, 11, 1)] == DayKind.WEEKEND  # Saturday
    assert kinds[D(2031, 11, 3)] == DayKind.WORKING
