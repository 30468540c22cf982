"""GET /api/v1/calendar/{year} and GET /api/v1/deadlines/compute."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from bering.api.tests.conftest import bearer


@pytest.fixture
def api(executor):
    return bearer(executor.user)


def test_login_required(db):
    assert APIClient().get("/api/v1/calendar/2025").status_code == 401
    assert (
        APIClient().get("/api/v1/deadlines/compute", {"start": "2025-12-30", "days": 3}).status_code
        == 401
    )


def test_calendar_year(api):
    response = api.get("/api/v1/calendar/2025")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025 and body["known"] is True
    assert body["working_days"] == 247 and body["non_working_days"] == 118
    assert body["shortened_days"] == 4 and body["official_working_days"] == 247
    assert "№ 1335" in body["decree"]
    assert len(body["days"]) == 365
    days = {d["date"]: d for d in body["days"]}
    assert days["2025-11-01"]["kind"] == "short" and days["2025-11-01"]["working"] is True
    assert days["2025-12-31"]["kind"] == "day_off" and days["2025-12-31"]["working"] is False
    assert days["2025-01-07"] == {
        "date": "2025-01-07",
        "kind": "holiday",
        "working": False,
        "name": "Рождество Христово",
    }
    assert days["2025-12-06"]["kind"] == "weekend"


@pytest.mark.parametrize("year", ["abc", "99999", "1800", "0", "２０２５"])
def test_calendar_year_out_of_range(api, year):
    response = api.get(f"/api/v1/calendar/{year}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_person_without_a_post_may_read(citizen):
    response = bearer(citizen).get("/api/v1/calendar/2026")
    assert response.status_code == 200
    assert response.json()["working_days"] == 247


def test_compute_working_days(api):
    response = api.get(
        "/api/v1/deadlines/compute",
        {"start": "2025-12-30T10:00:00+12:00", "days": 3, "tz": "Asia/Kamchatka"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["due_at"] == "2026-01-14T18:00:00+12:00"
    assert body["due_date"] == "2026-01-14"
    assert body["explanation"] == (
        "3 рабочих дня с 30.12.2025; 31.12.2025–11.01.2026 нерабочие → до конца дня 14.01.2026"
    )
    assert body["basis"] == "working" and body["roll"] is None and body["shortened"] is False


def test_compute_calendar_days_with_roll(api):
    response = api.get(
        "/api/v1/deadlines/compute",
        {"start": "2026-05-01", "days": 10, "basis": "calendar", "roll": "previous"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["due_at"] == "2026-05-08T17:00:00+12:00"  # the region's zone by default
    assert body["shortened"] is True and body["roll"] == "previous"


def test_compute_in_moscow_ends_nine_hours_later(api):
    query = {"start": "2025-12-01T00:00:00Z", "days": 2}
    kamchatka = api.get("/api/v1/deadlines/compute", {**query, "tz": "Asia/Kamchatka"}).json()
    moscow = api.get("/api/v1/deadlines/compute", {**query, "tz": "Europe/Moscow"}).json()
    assert kamchatka["due_at"] == "2025-12-03T18:00:00+12:00"
    assert moscow["due_at"] == "2025-12-03T18:00:00+03:00"


def test_a_naive_start_is_read_in_the_zone(api):
    body = api.get(
        "/api/v1/deadlines/compute",
        {"start": "2025-12-01T23:30", "days": 1, "tz": "Europe/Moscow"},
    ).json()
    assert body["start_date"] == "2025-12-01" and body["due_date"] == "2025-12-02"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "2025-12-30", "days": -1},
        {"start": "2025-12-30", "days": 100000},
        {"start": "2025-12-30", "days": "x"},
        {"start": "yesterday", "days": 1},
        {"start": "2025-13-45", "days": 1},
        {"start": "0001-01-01T00:00:00+00:00", "days": 1},
        {"start": "2025-12-30", "days": 1, "tz": "Mars/Olympus"},
        {"start": "2025-12-30", "days": 1, "basis": "lunar"},
        {"start": "2025-12-30", "days": 1, "basis": "calendar", "roll": "sideways"},
    ],
)
def test_bad_queries_are_400(api, query):
    response = api.get("/api/v1/deadlines/compute", query)
    assert response.status_code == 400, (query, response.content)
    assert response.json()["detail"]


QUERY_VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.sampled_from(
        ["working", "calendar", "next", "previous", "Asia/Kamchatka", "../etc", "2200-12-31"]
    ),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.dictionaries(
        st.sampled_from(["start", "days", "basis", "tz", "roll"]), QUERY_VALUES, max_size=5
    ),
    year=st.text(max_size=12).filter(lambda s: "/" not in s and "?" not in s and "#" not in s),
)
def test_random_input_is_never_a_server_error(api, query, year):
    clean = {k: v.replace("\x00", "") for k, v in query.items()}
    response = api.get("/api/v1/deadlines/compute", clean)
    assert response.status_code in (200, 400), (clean, response.content)
    response = api.get(f"/api/v1/calendar/{year}")
    assert response.status_code in (200, 404), (year, response.content)
