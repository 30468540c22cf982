"""Changing the calendar: audited, visible at once, refused when it makes no sense."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, ValidationFailed
from bering.deadlines import services
from bering.deadlines.models import CalendarDay, CalendarYear, DayKind
from bering.deadlines.selectors import calendar_year_view, deadline_in_working_days, is_working_day

KAM = "Asia/Kamchatka"


def revision(year):
    return CalendarYear.objects.get(year=year).revision


def test_a_working_saturday_counts_at_once(registrar):
    saturday = dt.date(2025, 11, 8)
    start = dt.datetime(2025, 11, 7, 10, tzinfo=dt.UTC)
    assert deadline_in_working_days(start=start, days=1, tz=KAM).due_date == dt.date(2025, 11, 10)
    before = revision(2025)
    services.calendar_day_set(
        actor=registrar.actor, day=saturday, kind=DayKind.WORKING, name="Проверка"
    )
    assert is_working_day(saturday)
    assert deadline_in_working_days(start=start, days=1, tz=KAM).due_date == saturday
    assert calendar_year_view(year=2025).working_days == 248
    assert revision(2025) == before + 1
    event = AuditEvent.objects.get(verb="calendar.day_set")
    assert event.actor_user == registrar.user
    assert event.object_type == "calendar_year" and event.object_id == 2025
    assert event.data == {
        "date": "2025-11-08",
        "from": "",
        "to": "working",
        "name": "Проверка",
        "via": "page",
    }


def test_an_ordinary_day_needs_no_row(registrar):
    day = dt.date(2025, 12, 31)
    services.calendar_day_set(actor=registrar.actor, day=day, kind=DayKind.WORKING)
    assert not CalendarDay.objects.filter(date=day).exists()
    assert is_working_day(day)
    services.calendar_day_set(actor=registrar.actor, day=day, kind=DayKind.DAY_OFF, name="Снова")
    assert CalendarDay.objects.get(date=day).name == "Снова"
    assert not is_working_day(day)
    services.calendar_day_set(actor=registrar.actor, day=day, kind=None)
    assert not CalendarDay.objects.filter(date=day).exists()
    calendar_events = AuditEvent.objects.filter(verb__startswith="calendar.").order_by("id")
    verbs = list(calendar_events.values_list("data__to", flat=True))
    assert verbs == ["", "day_off", ""]


def test_weekend_kind_means_a_day_off_on_a_weekday(registrar):
    day = dt.date(2026, 7, 1)
    services.calendar_day_set(actor=registrar.actor, day=day, kind=DayKind.WEEKEND)
    assert CalendarDay.objects.get(date=day).kind == DayKind.DAY_OFF


def test_a_year_must_be_filled_in_first(registrar):
    with pytest.raises(ValidationFailed) as info:
        services.calendar_day_set(actor=registrar.actor, day=dt.date(2028, 1, 10), kind=None)
    assert info.value.code == "year_missing"
    assert not AuditEvent.objects.exists()


def test_seed_a_new_year(registrar):
    year = services.calendar_year_seed(actor=registrar.actor, year=2027, decree="Постановление")
    assert year.decree == "Постановление"
    view = calendar_year_view(year=2027)
    assert view.known and view.working_days == 247
    assert CalendarDay.objects.get(date=dt.date(2027, 2, 20)).kind == DayKind.SHORT
    event = AuditEvent.objects.get(verb="calendar.year_seeded")
    assert event.data["working_days"] == 247 and event.data["replaced"] is False
    with pytest.raises(Conflict):
        services.calendar_year_seed(actor=registrar.actor, year=2027)


def test_seed_again_replaces_hand_edits_but_keeps_the_decree(registrar):
    services.calendar_day_set(actor=registrar.actor, day=dt.date(2026, 7, 1), kind=DayKind.DAY_OFF)
    services.calendar_year_seed(actor=registrar.actor, year=2026, replace=True)
    assert is_working_day(dt.date(2026, 7, 1))
    assert "№ 1466" in CalendarYear.objects.get(year=2026).decree
    assert calendar_year_view(year=2026).working_days == 247


def test_describe_a_year(registrar):
    services.calendar_year_describe(
        actor=registrar.actor, year=2026, decree="Другое", official_working_days=246
    )
    view = calendar_year_view(year=2026)
    assert view.decree == "Другое" and view.matches_official is False
    with pytest.raises(ValidationFailed):
        services.calendar_year_describe(
            actor=registrar.actor, year=2029, decree="", official_working_days=None
        )


def test_years_out_of_range_are_refused(registrar):
    with pytest.raises(ValidationFailed):
        services.calendar_year_seed(actor=registrar.actor, year=1900)
