"""The sweep's facts (reports.models, services.rollup_advance): a wide report that adds
them up and computes the rest says exactly what the direct computation says, wherever
the watermark falls, and after visas are decided, reports returned and the calendar
edited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from bering.approvals.models import ApprovalRun, Visa
from bering.assignments.models import Assignment
from bering.deadlines.models import CalendarYear
from bering.documents.models import Document
from bering.documents.tests.factories import DocumentFactory, JournalFactory, doc_type
from bering.orgs.models import Organization
from bering.reports import cache, selectors
from bering.reports.filters import Filters
from bering.reports.models import ApprovalFact, DisciplineFact, RollupState
from bering.reports.permissions import Scope
from bering.reports.selectors_approval import ApprovalTime, approval_time
from bering.reports.selectors_discipline import Discipline, Group, Kind, discipline, source
from bering.reports.selectors_rollup import PARTS, rollup_watermarks
from bering.reports.services import MARGIN, rollup_advance
from bering.reports.tests.conftest import LEGAL, NOW, SIGNING, at, document, signed_round

REGION = Scope(organization_ids=None)
PERIODS = [
    Filters(start=dt.date(2025, 12, 1), end=dt.date(2026, 2, 28)),
    Filters(start=dt.date(2026, 1, 13), end=dt.date(2026, 1, 15)),
    Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)),
]
# Before everything, in the middle of the fixtures' work, after all of it.
WATERMARKS = [
    at("01.11.2025"),
    at("14.01.2026", "12:00"),
    at("20.01.2026", "11:00"),
    at("01.03.2026"),
]


def advance(to: dt.datetime) -> dict[str, int]:
    return rollup_advance(now=to + MARGIN)


def discipline_figures(data: Discipline) -> list[tuple[Any, ...]]:
    rows = [
        (r.key, r.name, r.organization, r.department, r.due, r.on_time, r.overdue, r.days_late)
        for r in data.rows
    ]
    rows += [(r.key, r.current) for r in data.rows]
    t = data.total
    return [*rows, (t.due, t.on_time, t.overdue, t.days_late, t.current)]


def approval_figures(data: ApprovalTime) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = [(data.summary, data.within, len(data.times))]
    for t in data.types:
        found.append((t.code, t.normative, t.summary, t.within, t.over, t.sentence))
        for s in t.stages:
            people = [(p.name, p.count, round(p.total, 9), p.late) for p in s.people]
            found.append((s.name, s.summary, s.within_share, s.normative, people))
            found.append((round(s.share_of_time, 9), s.over, sorted(s.times)))
        found.append((t.bottleneck.name if t.bottleneck else None,))
    found += [(m.label, m.summary, m.within) for m in data.months]
    return found


def assert_same(now: dt.datetime) -> None:
    """Every report the rollup serves, rolled and direct, for several periods and filters."""
    marks = rollup_watermarks()
    assert set(marks) == {"visas", "assignments", "approval", "coverage"}
    filters = [
        *PERIODS,
        Filters(start=PERIODS[0].start, end=PERIODS[0].end, doc_type=doc_type("memo")),
    ]
    # The region (whole months from the monthly sums) and a wide subset (facts only).
    subset = Scope(organization_ids=frozenset(Organization.objects.values_list("pk", flat=True)))
    for f, scope in [(f, s) for f in filters for s in (REGION, subset)]:
        for kind in Kind:
            for group in Group:
                args = {"kind": kind, "group": group, "scope": scope, "filters": f, "now": now}
                rolled = discipline(**args, watermark=marks[kind.value])
                assert discipline_figures(rolled) == discipline_figures(discipline(**args)), (
                    kind,
                    group,
                    f,
                )
        rolled_time = approval_time(scope=scope, filters=f, watermark=marks["approval"])
        direct_time = approval_time(scope=scope, filters=f)
        assert approval_figures(rolled_time) == approval_figures(direct_time), (f, scope)


@pytest.mark.parametrize("mark", WATERMARKS)
def test_rolled_figures_equal_the_direct_ones(visas, assignments, approvals, now, mark):
    added = advance(mark)
    assert rollup_watermarks() == {p: mark for p in PARTS}
    if mark > NOW:  # every decided visa and done assignment (a reported one may come back)
        assert added["assignments"] == 2
        assert added["visas"] == Visa.objects.filter(status__in=Visa.DECIDED).count()
    assert_same(NOW)


def test_each_item_is_a_fact_or_live_never_both(visas, assignments, approvals, now):
    mark = at("14.01.2026", "12:00")
    advance(mark)
    for kind in Kind:
        src = source(kind)
        live = set(src.qs.filter(src.live(mark)).values_list("pk", flat=True))
        facts = set(DisciplineFact.objects.filter(kind=kind).values_list("item_id", flat=True))
        assert facts and live
        assert not live & facts
        assert live | facts == set(src.qs.values_list("pk", flat=True))
    signed = ApprovalRun.objects.filter(status=ApprovalRun.Status.SIGNED)
    before = set(signed.filter(finished_at__lt=mark).values_list("document_id", flat=True))
    kept = ApprovalFact.objects.filter(part=ApprovalFact.Part.DOCUMENT)
    assert set(kept.values_list("source_id", flat=True)) == before


def test_changes_after_the_rollup_are_live_until_the_next_sweep(
    visas, assignments, approvals, now, lawyer, head, executor
):
    advance(at("19.01.2026"))
    assert_same(NOW)
    # Pavel decides his overdue visa, Vera's report is returned, a round is signed,
    # a new visa waits: all after the watermark.
    Visa.objects.filter(pk=visas["v3"].pk).update(
        status=Visa.Status.AGREED, decided_at=at("20.01.2026", "10:00")
    )
    Assignment.objects.filter(pk=assignments["a2"].pk).update(
        status=Assignment.Status.IN_PROGRESS, reported_at=None
    )
    late_signed = document(executor, code="agreement", title="Соглашение А4")
    signed_round(
        late_signed,
        number=1,
        start=at("19.01.2026", "10:00"),
        due=at("21.01.2026"),
        stages=[
            (LEGAL, lawyer, at("19.01.2026", "10:00"), at("20.01.2026", "10:00"), at("20.01.2026")),
            (SIGNING, head, at("20.01.2026", "10:00"), at("20.01.2026", "11:00"), at("21.01.2026")),
        ],
    )
    later = at("20.01.2026", "11:30")
    assert_same(later)
    # The next sweep takes them in (the returned report stays live: it may change again).
    advance(later)
    assert DisciplineFact.objects.filter(kind="visas", item_id=visas["v3"].pk).exists()
    assert not DisciplineFact.objects.filter(
        kind="assignments", item_id=assignments["a2"].pk
    ).exists()
    assert_same(later)


def test_a_returned_report_is_never_a_fact(assignments, now):
    advance(at("01.03.2026"))
    reported = DisciplineFact.objects.filter(kind="assignments", item_id=assignments["a2"].pk)
    assert not reported.exists()  # reported, not accepted: it may come back
    assert DisciplineFact.objects.filter(kind="assignments", item_id=assignments["a1"].pk).exists()


def test_a_calendar_edit_drops_the_facts_until_they_are_built_again(
    visas, assignments, approvals, now
):
    advance(at("01.03.2026"))
    assert DisciplineFact.objects.exists()
    year, _ = CalendarYear.objects.get_or_create(year=2026)
    CalendarYear.objects.filter(pk=year.pk).update(revision=year.revision + 1)
    assert rollup_watermarks() == {}  # reports compute directly meanwhile
    advance(at("01.03.2026"))
    assert set(RollupState.objects.values_list("stamp", flat=True)) != {""}
    assert rollup_watermarks() and DisciplineFact.objects.exists()
    assert_same(NOW)


def test_the_sweep_builds_the_facts_and_the_cache_uses_them(visas, assignments, approvals, now):
    call_command("sweep", verbosity=0)
    marks = rollup_watermarks()
    assert marks == {p: NOW - MARGIN for p in PARTS}
    decided = Visa.objects.filter(status__in=Visa.DECIDED, decided_at__lt=NOW - MARGIN)
    assert DisciplineFact.objects.filter(kind="visas").count() == decided.count() > 0
    wide = cache.discipline_figures(
        kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=PERIODS[0], refresh=True
    )
    direct = discipline(
        kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=PERIODS[0], now=NOW
    )
    assert discipline_figures(wide.value) == discipline_figures(direct)
    # A narrow scope never reads the facts.
    assert cache.watermark("visas", Scope(organization_ids=frozenset({1}))) is None


def test_a_first_sweep_with_nothing_final_sets_the_watermark(db, now):
    assert advance(NOW) == dict.fromkeys(PARTS, 0)
    assert rollup_watermarks() == {p: NOW for p in PARTS}


def test_a_short_budget_builds_in_several_runs(visas, assignments, approvals, now):
    rollup_advance(now=NOW + MARGIN, budget=0)
    assert not DisciplineFact.objects.exists()
    assert set(rollup_watermarks()) <= {"coverage"}  # begun, not reached (no documents)
    rollup_advance(now=NOW + MARGIN)
    assert_same(NOW)


@pytest.fixture
def registered(registrar, outsider):  # type: ignore[no-untyped-def]
    """Documents registered around "now" minus 30 days and around the watermarks."""
    moments = [
        at("01.12.2025", "10:00"),
        at("21.12.2025", "09:00"),  # the day 30 days before now: before its moment...
        at("21.12.2025", "13:00"),  # ...and after it
        at("22.12.2025", "10:00"),
        at("14.01.2026", "10:00"),
        at("14.01.2026", "15:00"),
        at("20.01.2026", "10:00"),
    ]
    for person in (registrar, outsider):
        journal = JournalFactory(organization=person.org)
        for i, moment in enumerate(moments):
            DocumentFactory(
                organization=person.org,
                author=person.employee,
                status=Document.Status.REGISTERED,
                registered_at=moment,
                journal=journal,
                reg_year=moment.year,
                reg_seq=i + 1,
                reg_number=str(i + 1),
                reg_date=moment.date(),
            )
    DocumentFactory(organization=registrar.org, author=registrar.employee)  # a draft


def coverage_figures(data: selectors.Coverage) -> tuple[Any, ...]:
    return (data.documents_registered, data.documents_registered_30d, data.organizations)


@pytest.mark.parametrize("mark", [*WATERMARKS, at("21.12.2025", "11:00")])
def test_registered_documents_from_the_day_counts_equal_the_direct_ones(registered, now, mark):
    advance(mark)
    rolled = selectors.coverage(scope=REGION, now=NOW, watermark=rollup_watermarks()["coverage"])
    direct = selectors.coverage(scope=REGION, now=NOW)
    assert coverage_figures(rolled) == coverage_figures(direct)
    assert direct.documents_registered == 14 and direct.documents_registered_30d == 10


def test_parts_may_be_built_by_separate_runs(visas, assignments, now):
    call_command("reports_rollup", "--part", "visas", verbosity=0)
    assert set(RollupState.objects.values_list("part", flat=True)) == {"visas"}
    assert not DisciplineFact.objects.filter(kind="assignments").exists()
    call_command("reports_rollup", "--part", "assignments", "--part", "approval", verbosity=0)
    assert set(RollupState.objects.values_list("part", flat=True)) == {
        "visas",
        "assignments",
        "approval",
    }
