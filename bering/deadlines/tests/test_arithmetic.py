"""Deadline arithmetic against the official calendars of 2025 and 2026."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bering.core.errors import ValidationFailed
from bering.deadlines.arithmetic import MAX_TERM_DAYS, plural_ru
from bering.deadlines.models import Basis, Roll
from bering.deadlines.selectors import (
    deadline_compute,
    deadline_for_kind,
    deadline_in_calendar_days,
    deadline_in_working_days,
    overdue_label,
    overdue_working_days,
    working_days_between,
)

pytestmark = pytest.mark.django_db

KAM = "Asia/Kamchatka"
MSK = "Europe/Moscow"
K = zoneinfo.ZoneInfo(KAM)
M = zoneinfo.ZoneInfo(MSK)


def at(y, m, d, h=10, minute=0, tz=K):
    return dt.datetime(y, m, d, h, minute, tzinfo=tz)


def working(start, days, tz=KAM):
    return deadline_in_working_days(start=start, days=days, tz=tz)


# --- working days ------------------------------------------------------------------


def test_new_year_run():
    deadline = working(at(2025, 12, 30), 3)
    assert deadline.due_at == at(2026, 1, 14, 18)
    assert deadline.explanation == (
        "3 рабочих дня с 30.12.2025; 31.12.2025–11.01.2026 нерабочие → до конца дня 14.01.2026"
    )
    assert deadline.due_date == dt.date(2026, 1, 14)
    assert deadline.start_date == dt.date(2025, 12, 30)
    assert deadline.basis == Basis.WORKING and deadline.roll is None and deadline.tz == KAM
    assert not deadline.shortened


def test_the_start_day_does_not_count_even_late_at_night():
    assert working(at(2025, 12, 30, 23, 59), 1).due_date == dt.date(2026, 1, 12)
    assert working(at(2025, 12, 30, 0, 0), 1).due_date == dt.date(2026, 1, 12)


def test_start_on_a_holiday():
    assert working(at(2026, 1, 5), 1).due_at == at(2026, 1, 12, 18)
    assert working(at(2026, 1, 5), 2).due_at == at(2026, 1, 13, 18)


def test_local_date_decides_not_utc():
    # 29.12.2025 20:00 UTC is already 30.12.2025 08:00 in Kamchatka.
    start = dt.datetime(2025, 12, 29, 20, 0, tzinfo=dt.UTC)
    assert working(start, 1).due_date == dt.date(2026, 1, 12)
    assert working(start, 1, MSK).due_date == dt.date(2025, 12, 30)


def test_may_holidays_2025():
    one = working(at(2025, 4, 30), 1)
    assert one.due_at == at(2025, 5, 5, 18)
    assert one.explanation == (
        "1 рабочий день с 30.04.2025; 01.05.2025–04.05.2025 нерабочие → до конца дня 05.05.2025"
    )
    four = working(at(2025, 4, 30), 4)
    assert four.due_date == dt.date(2025, 5, 12)
    assert four.explanation == (
        "4 рабочих дня с 30.04.2025; 01.05.2025–04.05.2025 нерабочие; "
        "08.05.2025–11.05.2025 нерабочие → до конца дня 12.05.2025"
    )


def test_june_transfer_2025():
    # 12 June a holiday, 13 June the day off moved from Saturday 8 March.
    deadline = working(at(2025, 6, 11), 1)
    assert deadline.due_date == dt.date(2025, 6, 16)
    assert "12.06.2025–15.06.2025 нерабочие" in deadline.explanation


def test_working_saturday_1_november_2025_is_short():
    deadline = working(at(2025, 10, 31), 1)
    assert deadline.due_at == at(2025, 11, 1, 17)
    assert deadline.shortened
    assert deadline.explanation == (
        "1 рабочий день с 31.10.2025; 01.11.2025 рабочая суббота "
        "→ до конца дня 01.11.2025 (сокращённый день, до 17:00)"
    )
    after = working(at(2025, 10, 31), 2)
    assert after.due_at == at(2025, 11, 5, 18)
    assert after.explanation == (
        "2 рабочих дня с 31.10.2025; 01.11.2025 рабочая суббота; "
        "02.11.2025–04.11.2025 нерабочие → до конца дня 05.11.2025"
    )


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (dt.date(2026, 4, 29), dt.date(2026, 4, 30)),
        (dt.date(2026, 5, 7), dt.date(2026, 5, 8)),
        (dt.date(2026, 6, 10), dt.date(2026, 6, 11)),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 3)),
        (dt.date(2025, 3, 6), dt.date(2025, 3, 7)),
    ],
)
def test_shortened_days_end_at_17(start, due):
    deadline = working(at(start.year, start.month, start.day), 1)
    assert deadline.due_at == at(due.year, due.month, due.day, 17)
    assert deadline.explanation.endswith("(сокращённый день, до 17:00)")


def test_plain_weekends_go_unsaid():
    deadline = working(at(2025, 12, 5), 1)  # Friday
    assert deadline.explanation == "1 рабочий день с 05.12.2025 → до конца дня 08.12.2025"


def test_february_and_march_2026_runs():
    assert working(at(2026, 2, 20), 1).due_date == dt.date(2026, 2, 24)
    assert working(at(2026, 3, 6), 1).due_date == dt.date(2026, 3, 10)
    assert "07.03.2026–09.03.2026 нерабочие" in working(at(2026, 3, 6), 1).explanation


def test_end_of_2026_into_a_year_without_decree():
    # 31.12.2026 is the day off moved from 04.01.2026; 2027 falls back to the
    # statutory holidays 1-8 January, then the weekend.
    assert working(at(2026, 12, 30), 1).due_date == dt.date(2027, 1, 11)


def test_zero_days_means_the_same_working_day():
    same = working(at(2025, 12, 30), 0)
    assert same.due_at == at(2025, 12, 30, 18)
    assert same.explanation == "в день начала 30.12.2025 → до конца дня 30.12.2025"
    next_one = working(at(2025, 12, 31), 0)
    assert next_one.due_date == dt.date(2026, 1, 12)
    assert next_one.explanation == (
        "в ближайший рабочий день с 31.12.2025; 31.12.2025–11.01.2026 нерабочие "
        "→ до конца дня 12.01.2026"
    )


def test_twenty_one_working_days_wording():
    assert working(at(2025, 12, 1), 21).explanation.startswith("21 рабочий день с 01.12.2025")
    assert working(at(2025, 12, 1), 11).explanation.startswith("11 рабочих дней с ")


# --- time zones --------------------------------------------------------------------


def test_kamchatka_ends_nine_hours_before_moscow():
    start = dt.datetime(2025, 12, 1, 0, 0, tzinfo=dt.UTC)  # Monday in both zones
    kamchatka = working(start, 2, KAM)
    moscow = working(start, 2, MSK)
    assert kamchatka.due_date == moscow.due_date == dt.date(2025, 12, 3)
    assert moscow.due_at - kamchatka.due_at == dt.timedelta(hours=9)
    assert kamchatka.due_at == dt.datetime(2025, 12, 3, 6, 0, tzinfo=dt.UTC)
    assert moscow.due_at == dt.datetime(2025, 12, 3, 15, 0, tzinfo=dt.UTC)
    assert kamchatka.due_at.utcoffset() == dt.timedelta(hours=12)


def test_the_same_moment_can_be_different_days():
    start = dt.datetime(2025, 12, 1, 13, 0, tzinfo=dt.UTC)  # Tue 01:00 Kamchatka, Mon 16:00 MSK
    assert working(start, 1, KAM).due_date == dt.date(2025, 12, 3)
    assert working(start, 1, MSK).due_date == dt.date(2025, 12, 2)


# --- calendar days -----------------------------------------------------------------


def test_calendar_days_roll_both_ways():
    start = at(2026, 5, 1)
    later = deadline_in_calendar_days(start=start, days=10, tz=KAM, roll=Roll.NEXT)
    assert later.due_at == at(2026, 5, 12, 18)
    assert later.explanation == (
        "10 календарных дней с 01.05.2026 = 11.05.2026, нерабочий → переносится на следующий "
        "рабочий день → до конца дня 12.05.2026"
    )
    earlier = deadline_in_calendar_days(start=start, days=10, tz=KAM, roll=Roll.PREVIOUS)
    assert earlier.due_at == at(2026, 5, 8, 17)  # Friday before Victory Day: shortened
    assert earlier.roll == Roll.PREVIOUS and earlier.basis == Basis.CALENDAR
    assert earlier.explanation == (
        "10 календарных дней с 01.05.2026 = 11.05.2026, нерабочий → переносится на "
        "предыдущий рабочий день → до конца дня 08.05.2026 (сокращённый день, до 17:00)"
    )


def test_calendar_days_on_a_working_day_do_not_move():
    for roll in Roll:
        deadline = deadline_in_calendar_days(start=at(2025, 12, 1), days=10, tz=KAM, roll=roll)
        assert deadline.due_at == at(2025, 12, 11, 18)
        assert deadline.explanation == "10 календарных дней с 01.12.2025 → до конца дня 11.12.2025"


def test_calendar_days_across_the_new_year():
    start = at(2025, 12, 1)
    assert deadline_in_calendar_days(
        start=start, days=31, tz=KAM, roll=Roll.NEXT
    ).due_date == dt.date(2026, 1, 12)
    assert deadline_in_calendar_days(
        start=start, days=31, tz=KAM, roll=Roll.PREVIOUS
    ).due_date == dt.date(2025, 12, 30)
    assert deadline_in_calendar_days(
        start=start, days=30, tz=KAM, roll=Roll.PREVIOUS
    ).explanation.startswith("30 календарных дней с 01.12.2025 = 31.12.2025, нерабочий")


def test_kinds_choose_basis_and_roll():
    start = at(2026, 5, 1)
    assert deadline_for_kind(kind="assignment", start=start, days=10, tz=KAM).due_date == (
        dt.date(2026, 5, 8)
    )
    assert deadline_for_kind(kind="request", start=start, days=10, tz=KAM).due_date == (
        dt.date(2026, 5, 12)
    )
    assert deadline_for_kind(kind="approval", start=start, days=2, tz=KAM).basis == Basis.WORKING
    with pytest.raises(ValidationFailed):
        deadline_for_kind(kind="nonsense", start=start, days=2, tz=KAM)


def test_compute_by_basis_name():
    assert deadline_compute(
        start=at(2025, 12, 30), days=3, basis=Basis.WORKING, tz=KAM
    ).due_date == (dt.date(2026, 1, 14))
    assert deadline_compute(
        start=at(2025, 12, 30), days=3, basis=Basis.CALENDAR, tz=KAM, roll=Roll.PREVIOUS
    ).due_date == dt.date(2025, 12, 30)


# --- overdue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "late"),
    [
        (at(2026, 1, 14, 17, 59), 0),
        (at(2026, 1, 14, 18, 0), 0),
        (at(2026, 1, 14, 18, 30), 1),  # overdue already, within the same evening
        (at(2026, 1, 15, 10), 1),
        (at(2026, 1, 15, 19), 1),
        (at(2026, 1, 16, 8, 59), 1),  # business has not begun on Friday yet
        (at(2026, 1, 16, 9, 30), 2),
        (at(2026, 1, 18, 12), 2),  # Sunday
        (at(2026, 1, 19, 9, 1), 3),
    ],
)
def test_overdue_working_days(now, late):
    due_at = at(2026, 1, 14, 18)
    assert overdue_working_days(due_at=due_at, now=now, tz=KAM) == late


def test_overdue_over_the_holidays_counts_working_days_only():
    due_at = at(2025, 12, 30, 18)
    assert overdue_working_days(due_at=due_at, now=at(2026, 1, 11, 23), tz=KAM) == 1
    assert overdue_working_days(due_at=due_at, now=at(2026, 1, 13, 12), tz=KAM) == 2


def test_overdue_label():
    due_at = at(2026, 1, 14, 18)
    assert overdue_label(due_at=due_at, now=at(2026, 1, 14, 12), tz=KAM) == ""
    assert overdue_label(due_at=due_at, now=at(2026, 1, 16, 12), tz=KAM) == (
        "просрочено на 2 раб. дн."
    )


def test_overdue_is_counted_in_the_given_zone():
    due_at = at(2026, 1, 14, 18)  # 06:00 UTC = 09:00 in Moscow, when Moscow opens
    now = dt.datetime(2026, 1, 14, 10, 0, tzinfo=M)
    assert overdue_working_days(due_at=due_at, now=now, tz=MSK) == 1
    assert overdue_working_days(due_at=due_at, now=now, tz=KAM) == 1


# --- elapsed working time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (at(2026, 1, 14, 9), at(2026, 1, 14, 13, 30), 0.5),
        (at(2026, 1, 12, 9), at(2026, 1, 13, 18), 2.0),
        (at(2026, 1, 12, 7), at(2026, 1, 13, 23), 2.0),
        (at(2025, 12, 30, 9), at(2026, 1, 12, 18), 2.0),  # the holidays do not count
        (at(2026, 4, 30, 9), at(2026, 4, 30, 17), 1.0),  # a shortened day is a whole day
        (at(2026, 4, 30, 13), at(2026, 4, 30, 17), 0.5),
        (at(2026, 1, 14, 12), at(2026, 1, 14, 12), 0.0),
        (at(2026, 1, 14, 12), at(2026, 1, 13, 12), 0.0),
    ],
)
def test_working_days_between(start, end, days):
    assert working_days_between(start=start, end=end, tz=KAM) == pytest.approx(days)


# --- bad input ---------------------------------------------------------------------


def test_bad_input_is_a_domain_error():
    with pytest.raises(ValidationFailed):
        working(dt.datetime(2025, 12, 30, 10), 1)  # naive
    with pytest.raises(ValidationFailed):
        working(at(2025, 12, 30), -1)
    with pytest.raises(ValidationFailed):
        working(at(2025, 12, 30), MAX_TERM_DAYS + 1)
    with pytest.raises(ValidationFailed):
        working(at(2025, 12, 30), 1, "Mars/Olympus")
    with pytest.raises(ValidationFailed):
        overdue_working_days(due_at=at(2025, 12, 30), now=dt.datetime(2026, 1, 1), tz=KAM)


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "день"),
        (2, "дня"),
        (4, "дня"),
        (5, "дней"),
        (11, "дней"),
        (12, "дней"),
        (21, "день"),
        (22, "дня"),
        (111, "дней"),
        (114, "дней"),
        (101, "день"),
    ],
)
def test_russian_plurals(n, word):
    assert plural_ru(n, "день", "дня", "дней") == word
