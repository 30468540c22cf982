"""Approval time against the normative, on the hand-counted fixture of conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from bering.reports.filters import Filters
from bering.reports.permissions import Scope, report_scope
from bering.reports.selectors_approval import approval_time
from bering.reports.tests.conftest import FINANCE, LEGAL

PERIOD = Filters(start=dt.date(2025, 12, 1), end=dt.date(2026, 2, 28))
QUERY = {"from": "2025-12-01", "to": "2026-02-28"}


def by_code(data):  # type: ignore[no-untyped-def]
    return {t.code: t for t in data.types}


def test_agreements_against_their_normative(approvals, head):
    data = approval_time(scope=report_scope(head.actor), filters=PERIOD)
    agreement = by_code(data)["agreement"]
    assert sorted(agreement.times) == pytest.approx([4.0, 5.5, 6.5])
    s = agreement.summary
    assert (s.count, s.mean, s.median, s.p90) == (3, 5.3, 5.5, 6.5)  # the mean as shown
    assert agreement.normative == 3
    # Issue 10: within is the same duration against the normative, not the first
    # round's due time (A1 took 4,0 days against 3 and used to count as within).
    assert agreement.within == 0
    assert round(agreement.within_share) == 0
    assert agreement.over


def test_the_bottleneck_stage_and_its_people(approvals, head):
    agreement = by_code(approval_time(scope=report_scope(head.actor), filters=PERIOD))["agreement"]
    stages = {s.name: s for s in agreement.stages}
    legal = stages[LEGAL]
    assert sorted(legal.times) == pytest.approx([1.5, 2.0, 3.0, 5.0])
    assert legal.share_of_time == pytest.approx(100 * 11.5 / 16)
    assert legal.within == 0  # every pass took longer than its normative of 1 day
    assert sorted(stages[FINANCE].times) == pytest.approx([0.5, 1.0, 1.0])
    rework = next(s for s in agreement.stages if s.is_rework)
    assert rework.times == pytest.approx([0.5])
    assert agreement.bottleneck is legal
    (pavel,) = legal.people
    assert pavel.name.startswith("Павлов П.")
    assert (pavel.count, pavel.late) == (4, 2)
    assert pavel.mean == pytest.approx(11.5 / 4)
    with translation.override("en"):
        assert agreement.sentence == (
            "Соглашение: 5,3 working days against the normative 3; "
            "72 % of the time is the stage “Правовое управление”"
        )


def test_a_decree_across_the_new_year_holidays(approvals, head):
    """30.12.2025 09:00 -> 12.01.2026 13:30: 13 calendar days, 1.5 working days."""
    decree = by_code(approval_time(scope=report_scope(head.actor), filters=PERIOD))["decree"]
    assert decree.times == pytest.approx([1.5])
    assert decree.within == 1
    assert decree.normative == 7
    assert not decree.over


def test_trend_by_month(approvals, head):
    data = approval_time(scope=report_scope(head.actor), filters=PERIOD)
    months = {m.label: (m.summary.count, m.summary.mean, m.within_share) for m in data.months}
    assert months == {
        "12.2025": (0, None, None),  # no documents: «—», not 0
        "01.2026": (3, 3.7, pytest.approx(100 / 3)),  # (4,0 + 5,5 + 1,5) / 3; the decree
        "02.2026": (1, 6.5, 0.0),
    }


def test_region_sees_every_organization_head_only_own(approvals, head, outsider):
    region = approval_time(scope=Scope(organization_ids=None), filters=PERIOD)
    assert sorted(by_code(region)["agreement"].times) == pytest.approx([4.0, 4.0, 5.5, 6.5])
    other = approval_time(scope=report_scope(outsider.actor), filters=PERIOD)
    assert [t.code for t in other.types] == ["agreement"]
    assert other.types[0].times == pytest.approx([4.0])


def test_query_count_is_constant(approvals, head, django_assert_max_num_queries):
    scope = report_scope(head.actor)
    approval_time(scope=scope, filters=PERIOD)  # the calendar years, once per process
    with django_assert_max_num_queries(6):
        approval_time(scope=scope, filters=PERIOD)


def test_executor_may_not_see_approval_time(executor):
    assert executor.client().get(reverse("reports:approval-time")).status_code == 403


def test_page_names_the_bottleneck(approvals, head, django_assert_max_num_queries):
    client = head.client()
    with django_assert_max_num_queries(20):
        page = client.get(reverse("reports:approval-time"), {**QUERY, "type": "agreement"})
    body = page.content.decode()
    assert page.status_code == 200
    assert f'data-bottleneck="{LEGAL}"' in body
    assert "Постановление" not in body.split('data-table="approval-types"')[1].split("</table>")[0]
    assert len(page.content) < 50_000
