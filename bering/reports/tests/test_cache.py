"""Figures over many organizations are kept a few minutes; narrow ones are always fresh."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bering.approvals.models import Visa
from bering.core import clock
from bering.reports import cache
from bering.reports.filters import Filters, parse_filters
from bering.reports.permissions import Scope
from bering.reports.selectors_discipline import Group, Kind
from bering.reports.tests.conftest import NOW, at

PERIOD = Filters(start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 31))
QUERY = {"from": "2025-12-01", "to": "2026-01-31"}
REGION = Scope(organization_ids=None)


def pavel(data):  # type: ignore[no-untyped-def]
    row = next(r for r in data.rows if r.name.startswith("Павлов"))
    return (row.due, row.on_time, row.overdue, row.days_late, row.current)


def visas_of(scope: Scope, *, refresh: bool = False):  # type: ignore[no-untyped-def]
    return cache.discipline_figures(
        kind=Kind.VISAS, group=Group.EXECUTOR, scope=scope, filters=PERIOD, refresh=refresh
    )


def test_region_figures_are_kept_until_refreshed(visas, now, django_assert_num_queries):
    first = visas_of(REGION)
    assert not first.cached and first.as_of == NOW
    assert pavel(first.value) == (3, 1, 2, 3, 1)
    # Pavel decides his overdue visa: the kept figures do not move...
    Visa.objects.filter(pk=visas["v3"].pk).update(
        status=Visa.Status.AGREED, decided_at=at("19.01.2026", "10:00")
    )
    with django_assert_num_queries(0):
        again = visas_of(REGION)
    assert again.cached and again.as_of == NOW
    assert pavel(again.value) == (3, 1, 2, 3, 1)
    # ...until they are computed anew (the sweep does it for the dashboard).
    fresh = visas_of(REGION, refresh=True)
    assert not fresh.cached
    assert pavel(fresh.value) == (3, 1, 2, 2, 0)
    assert pavel(visas_of(REGION).value) == (3, 1, 2, 2, 0)


def test_narrow_scopes_are_always_fresh(visas, health, now):
    one = Scope(organization_ids=frozenset({health.pk}))
    assert not cache.is_wide(one)
    assert pavel(visas_of(one).value) == (3, 1, 2, 3, 1)
    Visa.objects.filter(pk=visas["v3"].pk).update(
        status=Visa.Status.AGREED, decided_at=at("19.01.2026", "10:00")
    )
    second = visas_of(one)
    assert not second.cached
    assert pavel(second.value) == (3, 1, 2, 2, 0)


def test_what_counts_as_wide():
    many = frozenset(range(1, cache.WIDE_SCOPE_ORGANIZATIONS + 2))
    assert cache.is_wide(REGION)
    assert cache.is_wide(Scope(organization_ids=many))
    assert not cache.is_wide(Scope(organization_ids=frozenset(range(1, 5))))
    assert not cache.is_wide(Scope(organization_ids=many, employee_id=7))  # own figures


def test_keys_differ_by_report_scope_filters_and_language():
    other_period = Filters(start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 30))
    keys = {
        cache.key("a", REGION, PERIOD),
        cache.key("b", REGION, PERIOD),
        cache.key("a", Scope(organization_ids=frozenset(range(30))), PERIOD),
        cache.key("a", REGION, other_period),
    }
    with translation.override("en"):
        keys.add(cache.key("a", REGION, PERIOD))
    assert len(keys) == 5
    # The same scope however its ids were collected.
    assert cache.key("a", Scope(organization_ids=frozenset([3, 1, 2] * 10)), PERIOD) == cache.key(
        "a", Scope(organization_ids=frozenset([1, 2, 3])), PERIOD
    )


def test_a_broken_cache_only_costs_time(visas, now, settings):
    settings.CACHES = {"default": {"BACKEND": "bering.reports.tests.test_cache.BrokenCache"}}
    result = visas_of(REGION)
    assert pavel(result.value) == (3, 1, 2, 3, 1)
    assert not visas_of(REGION).cached


def test_zero_seconds_turns_the_cache_off(visas, now, settings):
    settings.BERING_REPORT_CACHE_SECONDS = 0
    visas_of(REGION)
    assert not visas_of(REGION).cached


def test_sweep_warms_the_region_dashboard(visas, assignments, registrar, now):
    """After the sweep, the governor's office opens the dashboard without computing."""
    registrar.user.is_region_admin = True
    registrar.user.save()
    call_command("sweep", verbosity=0)
    filters = parse_filters({}, now=clock.now())
    with translation.override("ru"):
        names = (
            "coverage",
            "discipline:visas:executor",
            "discipline:assignments:organization",
            "discipline:assignments:executor",
            "approval",
        )
        for name in names:
            found = cache._get(cache.key(name, REGION, None if name == "coverage" else filters))
            assert found is not None and found.as_of == NOW, name
    from django.db import connection

    client = registrar.client()
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert not [q for q in ctx.captured_queries if "approvals_visa" in q["sql"]]
    assert "20.01.2026 12:00" in page.content.decode()  # "figures as of", Kamchatka time


def test_pages_and_api_say_as_of_when(visas, registrar, now):
    registrar.user.is_region_admin = True
    registrar.user.save()
    client = registrar.client()
    for name in ("reports:visas", "reports:approval-time", "reports:coverage"):
        body = client.get(reverse(name), QUERY).content.decode()
        assert 'data-test="as-of"' in body and "20.01.2026 12:00" in body, name
    for name in ("api-report-visas", "api-report-approval-time", "api-report-coverage"):
        data = client.get(reverse(name), QUERY).json()
        assert dt.datetime.fromisoformat(data["as_of"]) == NOW, name


class BrokenCache:
    """A cache backend whose server is down."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def get(self, *args: object, **kwargs: object) -> object:
        raise ConnectionError("cache server down")

    set = get

    def close(self, **kwargs: object) -> None:
        pass
