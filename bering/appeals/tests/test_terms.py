"""The 59-ФЗ terms on holiday-heavy dates, in Kamchatka's time (UTC+12).

Facts of the official calendar used here: 31.12.2025 is a day off (transferred
from Sunday 05.01.2025, decree № 1335 of 04.10.2024); 01.01–11.01.2026 are
holidays and days off (decree № 1466 of 24.09.2025); Saturday 09.05.2026 is
Victory Day and 08.05.2026 a shortened pre-holiday day. A term in calendar days
that ends on a non-working day ends on the previous working day; when there is
no working day from the start to the end of the term, on the next one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bering.appeals import terms

pytestmark = pytest.mark.django_db
KAM = "Asia/Kamchatka"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(KAM))


@pytest.mark.parametrize(
    ("received", "due", "moved"),
    [
        ("2025-12-30T10:00", "2025-12-30", "предыдущий"),  # 02.01 is a holiday, 31.12 off
        ("2025-12-31T08:30", "2026-01-12", "следующий"),  # no working day till 03.01
        ("2026-01-05T10:00", "2026-01-12", "следующий"),  # received during the holidays
        ("2026-04-09T10:00", "2026-04-10", "предыдущий"),  # Sunday 12.04 → Friday
        ("2026-03-02T10:00", "2026-03-05", ""),  # an ordinary week
    ],
)
def test_registration_within_3_days(received, due, moved):
    deadline = terms.registration_due(received_at=at(received), tz=KAM)
    assert deadline.due_date == dt.date.fromisoformat(due)
    assert deadline.explanation.startswith("3 календарных дня с ")
    if moved:
        assert f"переносится на {moved} рабочий день" in deadline.explanation
    assert deadline.due_date >= at(received).date()


def test_answer_within_30_days_ends_on_the_shortened_friday():
    deadline = terms.answer_due(registered_at=at("2026-04-09T10:00"), tz=KAM)
    assert deadline.due_date == dt.date(2026, 5, 8)
    assert deadline.shortened and "до 17:00" in deadline.explanation
    assert deadline.due_at == at("2026-05-08T17:00")


def test_answer_across_new_year():
    deadline = terms.answer_due(registered_at=at("2025-12-30T10:00"), tz=KAM)
    assert deadline.due_date == dt.date(2026, 1, 29)
    assert deadline.due_at == at("2026-01-29T18:00")


def test_redirect_within_7_days():
    deadline = terms.redirect_due(registered_at=at("2025-12-29T10:00"), tz=KAM)
    # 29.12 + 7 = 05.01.2026, a holiday; the previous working day is 30.12.2025.
    assert deadline.due_date == dt.date(2025, 12, 30)


def test_the_date_is_kamchatkas_not_moscows():
    # 23:30 in Moscow on 02.03 is already 08:30 of 03.03 in Kamchatka.
    moscow = dt.datetime(2026, 3, 2, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Moscow"))
    assert terms.registration_due(received_at=moscow, tz=KAM).due_date == dt.date(2026, 3, 6)
    assert terms.registration_due(received_at=moscow, tz="Europe/Moscow").due_date == dt.date(
        2026, 3, 5
    )


def test_extension_counts_from_the_old_term():
    old = terms.answer_due(registered_at=at("2026-03-02T10:00"), tz=KAM)  # 01.04.2026
    assert old.due_date == dt.date(2026, 4, 1)
    new = terms.extended_due(answer_due_at=old.due_at, days=30, tz=KAM)
    assert new.due_date == dt.date(2026, 4, 30)  # 01.05 is a holiday: Thursday 30.04
