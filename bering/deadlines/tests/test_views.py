"""The calendar page: anyone signed in reads it; only a region administrator changes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bering.accounts.models import User
from bering.audit.models import AuditEvent
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.deadlines.selectors import is_working_day

URL = reverse("deadlines:calendar")


@pytest.fixture
def region_admin(registrar):
    User.objects.filter(pk=registrar.user.pk).update(is_region_admin=True)
    return registrar


def test_login_required(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_anyone_signed_in_reads_the_year(executor):
    response = executor.client().get(URL, {"year": "2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<strong class="cal-count">247</strong>' in body
    assert "Январь" in body or "январь" in body
    assert "Постановление Правительства РФ от 04.10.2024 № 1335" in body
    assert 'class="short" title="Рабочий день (выходной перенесён на 03.11.2025)' in body
    assert "deadlines/calendar.css" in body
    assert "style=" not in body  # strict CSP: no inline styles
    assert 'name="action"' not in body  # no forms for a reader
    assert len(response.content) < 50_000


def test_other_organizations_see_the_same_calendar(outsider):
    response = outsider.client().get(URL, {"year": "2026"})
    assert response.status_code == 200
    assert "№ 1466" in response.content.decode()


def test_the_current_year_by_default_and_garbage_ignored(executor):
    this_year = dt.datetime.now(dt.UTC).year
    for query in ({}, {"year": "abc"}, {"year": "99999"}):
        response = executor.client().get(URL, query)
        assert response.status_code == 200
        assert response.context["view"].year in (this_year, this_year + 1)


def test_a_year_without_decree_warns(executor):
    response = executor.client().get(URL, {"year": "2030"})
    assert response.status_code == 200
    assert not response.context["view"].known


def test_a_reader_may_not_change_a_day(executor):
    before = CalendarYear.objects.get(year=2025).revision
    response = executor.client().post(
        URL, {"action": "day", "year": "2025", "date": "2025-11-08", "kind": "working"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=dt.date(2025, 11, 8)).exists()
    assert CalendarYear.objects.get(year=2025).revision == before
    assert not AuditEvent.objects.exists()


def test_region_admin_edits_a_day(region_admin):
    client = region_admin.client()
    page = client.get(URL, {"edit": "2025-11-01"})
    assert page.status_code == 200
    form = page.context["day_form"]
    assert form.initial["kind"] == "short" and form.initial["date"] == dt.date(2025, 11, 1)
    assert 'href="?edit=2025-11-01#edit"' in page.content.decode()
    response = client.post(
        URL,
        {
            "action": "day",
            "year": "2025",
            "date": "2025-11-08",
            "kind": "working",
            "name": "Перенос",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?year=2025")
    assert CalendarDay.objects.get(date=dt.date(2025, 11, 8)).kind == DayKind.WORKING
    assert is_working_day(dt.date(2025, 11, 8))
    event = AuditEvent.objects.get(verb="calendar.day_set")
    assert event.actor_post == region_admin.employee
    # Back to an ordinary Saturday.
    client.post(URL, {"action": "day", "year": "2025", "date": "2025-11-08", "kind": ""})
    assert not is_working_day(dt.date(2025, 11, 8))


def test_region_admin_gets_a_message_for_bad_input(region_admin):
    client = region_admin.client()
    response = client.post(
        URL, {"action": "day", "year": "2028", "date": "2028-01-10", "kind": "holiday"}, follow=True
    )
    assert response.status_code == 200
    assert "2028" in response.content.decode()
    assert not CalendarDay.objects.filter(date=dt.date(2028, 1, 10)).exists()
    response = client.post(URL, {"action": "day", "date": "not a date"}, follow=True)
    assert response.status_code == 200
    response = client.post(URL, {"action": "explode"}, follow=True)
    assert response.status_code == 200


def test_region_admin_fills_in_a_year_and_its_decree(region_admin):
    client = region_admin.client()
    assert 'value="seed"' in client.get(URL, {"year": "2027"}).content.decode()
    client.post(URL, {"action": "seed", "year": "2027"})
    assert CalendarYear.objects.filter(year=2027).exists()
    client.post(
        URL,
        {
            "action": "describe",
            "year": "2027",
            "decree": "Постановление на 2027 год",
            "official_working_days": "247",
        },
    )
    year = CalendarYear.objects.get(year=2027)
    assert year.decree == "Постановление на 2027 год" and year.official_working_days == 247
    page = client.get(URL, {"year": "2027"}).content.decode()
    assert "247 ✓" in page
    verbs = set(
        AuditEvent.objects.exclude(verb="audit.chain_opened").values_list("verb", flat=True)
    )
    assert verbs == {"calendar.year_seeded", "calendar.year_described"}


def test_region_admin_without_a_post_cannot_change(db):
    from bering.orgs.tests.factories import UserFactory

    user = UserFactory(username="root", is_region_admin=True)
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(URL, {"year": "2026"}).status_code == 200
    response = client.post(URL, {"action": "seed", "year": "2027"})
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_django_admin_edits_go_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/deadlines/calendarday/add/",
        {"date": "2026-07-04", "kind": "working", "name": "Через админку"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_working_day(dt.date(2026, 7, 4))
    event = AuditEvent.objects.get(verb="calendar.day_set")
    assert event.data["via"] == "admin" and event.data["username"] == "admin"
    day = CalendarDay.objects.get(date=dt.date(2026, 7, 4))
    response = admin_client.post(f"/admin/deadlines/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not is_working_day(dt.date(2026, 7, 4))
    response = admin_client.post(
        "/admin/deadlines/calendarday/add/", {"date": "2029-07-04", "kind": "working"}
    )
    assert response.status_code == 200  # the year is not filled in: the form says so
    assert not CalendarDay.objects.filter(date=dt.date(2029, 7, 4)).exists()
