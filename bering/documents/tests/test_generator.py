"""The region-scale generator (bench/generate.py) at a tiny size: coherent data.

The app must keep working on generated data: numbers without gaps with counters
that continue them, the audit chains intact (and continued by the app), the
approval rounds, resolutions and assignments in states the services could have
left them in, search cards as ``documents.indexing`` makes them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import Count, Max, Min

from bench.generate import generate
from bering.approvals.models import ApprovalRun, Stage, Visa
from bering.assignments.models import Assignment, Report, Resolution
from bering.audit.models import AuditChainHead, AuditEvent
from bering.audit.selectors import chain_verify
from bering.core import clock
from bering.documents import services
from bering.documents.indexing import card_text
from bering.documents.models import Document, DocumentType, Journal, JournalCounter
from bering.documents.numbering import format_number
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.search.models import SearchEntry
from bering.search.text import index_tokens, organization_token

DOCUMENTS = 300
BIG = 100


@pytest.fixture
def generated(db):  # type: ignore[no-untyped-def]
    return generate(organizations=4, employees=24, documents=DOCUMENTS, big=BIG, quiet=True)


def _ours() -> list[Organization]:
    return list(Organization.objects.filter(code__startswith="B").order_by("pk"))


def test_counts_and_the_big_organization(generated):
    assert Document.objects.count() == DOCUMENTS
    assert Document.objects.filter(organization=_ours()[0]).count() == BIG
    assert Employee.objects.filter(organization__in=_ours()).count() == 24
    assert SearchEntry.objects.filter(kind="document").count() == DOCUMENTS
    assert generated.rows["documents_document"] == DOCUMENTS
    span = Document.objects.aggregate(first=Min("registered_at"), last=Max("registered_at"))
    assert span["first"].year == 2022
    assert span["last"] <= clock.now()


def test_numbers_have_no_gaps_follow_time_and_counters_hold_the_last(generated):
    counters = list(JournalCounter.objects.all())
    assert counters
    for counter in counters:
        numbered = Document.objects.filter(journal_id=counter.journal_id, reg_year=counter.year)
        agg = numbered.aggregate(n=Count("id"), low=Min("reg_seq"), high=Max("reg_seq"))
        assert agg == {"n": counter.last_seq, "low": 1, "high": counter.last_seq}, counter
        by_time = list(numbered.order_by("registered_at").values_list("reg_seq", flat=True))
        assert by_time == list(range(1, counter.last_seq + 1))
    registered = Document.objects.filter(status="registered").select_related(
        "journal", "organization"
    )
    assert {d.journal.flow for d in registered} == {"incoming", "outgoing", "internal"}
    for doc in registered:
        local = doc.registered_at.astimezone(doc.organization.tz)
        assert (doc.reg_year, doc.reg_date) == (local.year, local.date())
        assert doc.journal.organization_id == doc.organization_id
        assert doc.journal.flow == doc.flow
        assert doc.created_at <= doc.registered_at
        assert doc.reg_number == format_number(
            template=doc.journal.template,
            index=doc.journal.index,
            seq=doc.reg_seq,
            year=doc.reg_year,
        )


def test_the_app_registers_the_next_number_and_continues_the_chain(generated):
    org = _ours()[0]
    journal = Journal.objects.get(organization=org, flow="incoming")
    post = Employee.objects.select_related("user", "organization").get(
        organization=org, is_registrar=True
    )
    year = org.local_today(clock.now()).year
    before = JournalCounter.objects.filter(journal=journal, year=year).first()
    doc = services.document_register_incoming(
        actor=Actor(user=post.user, post=post),
        card=services.Card(
            doc_type=DocumentType.objects.get(code="incoming-letter"),
            title="О завозе топлива",
            correspondent="Прокуратура района",
            correspondent_number="7-15/2026",
        ),
        journal=journal,
    )
    assert doc.reg_seq == (before.last_seq if before else 0) + 1
    assert Document.objects.filter(journal=journal, reg_year=year, reg_seq=doc.reg_seq).count() == 1
    event = AuditEvent.objects.get(object_id=doc.pk, verb="document.registered")
    assert event.chain == org.pk
    assert event.seq == AuditChainHead.objects.get(pk=org.pk).length
    assert chain_verify() is None


def test_audit_chains_verify_and_every_document_has_its_events(generated):
    assert chain_verify() is None
    events = AuditEvent.objects.filter(object_type="document")
    verbs = defaultdict(set)
    for object_id, verb in events.values_list("object_id", "verb"):
        verbs[object_id].add(verb)
    for doc in Document.objects.all():
        assert ("document.registered" in verbs[doc.pk]) == (doc.status == "registered"), doc.pk
        if doc.flow != "incoming":
            assert "document.created" in verbs[doc.pk]
    opened = AuditEvent.objects.filter(chain=0, verb="audit.chain_opened")
    assert set(opened.values_list("object_id", flat=True)) == {o.pk for o in _ours()}
    for org in _ours():
        chain = AuditEvent.objects.filter(chain=org.pk).order_by("id")
        assert list(chain.values_list("seq", flat=True)) == list(range(1, chain.count() + 1))
        times = list(chain.values_list("occurred_at", flat=True))
        assert times == sorted(times)
        assert chain.first().verb == "journal.created"


def test_approval_rounds_are_in_states_the_services_leave(generated):
    runs = ApprovalRun.objects.all()
    assert runs.filter(status="signed").exists() and runs.filter(status="returned").exists()
    for doc in Document.objects.exclude(flow="incoming").prefetch_related("approval_runs"):
        rounds = sorted(doc.approval_runs.all(), key=lambda r: r.round)
        assert [r.round for r in rounds] == list(range(1, len(rounds) + 1))
        assert all(r.status == "returned" for r in rounds[:-1])
        if doc.status == "registered":
            last = rounds[-1]
            assert last.status == "signed"
            assert doc.signed_at == last.finished_at <= doc.registered_at
            sign = Visa.objects.get(run=last, kind="sign")
            assert (sign.status, sign.approver_id, sign.decided_at) == (
                "signed",
                doc.signer_id,
                doc.signed_at,
            )
            assert set(Stage.objects.filter(run=last).values_list("status", flat=True)) == {"done"}
        if rounds:
            assert rounds[0].started_at >= doc.created_at
    for run in runs.filter(status="returned"):
        refused = Visa.objects.filter(run=run, status="rejected").get()
        assert refused.comment and refused.decided_at == run.finished_at
        assert not Visa.objects.filter(run=run, status__in=["pending", "waiting"]).exists()
        assert set(Stage.objects.filter(run=run).values_list("status", flat=True)) == {"cancelled"}
    for visa in Visa.objects.select_related("stage"):
        assert (visa.decided_at is not None) == (visa.status in Visa.DECIDED)
        if visa.status == "pending":
            assert visa.stage.status == "active" and visa.run.status == "active"
        if visa.status == "waiting":
            assert visa.stage.status == "waiting"
        if visa.decided_at is not None:
            assert visa.decided_in_post_id == visa.approver_id
            assert visa.stage.started_at <= visa.decided_at


def test_resolutions_and_assignments_are_consistent(generated):
    assert Resolution.objects.filter(status="closed").exists()
    for resolution in Resolution.objects.select_related("document"):
        doc = resolution.document
        assert doc.status == "registered" and doc.flow in ("incoming", "internal")
        assert resolution.issued_at >= doc.registered_at
        assignments = list(resolution.assignments.all())
        assert [a.role for a in assignments].count("responsible") == 1
        for a in assignments:
            assert a.organization_id == doc.organization_id == resolution.organization_id
            assert a.due_at == a.first_due_at == resolution.due_at
            if resolution.status == "closed":
                assert a.status == "done" and a.done_at == resolution.closed_at
            if a.reported_at is not None:
                report = Report.objects.get(assignment=a)
                assert report.created_at == a.reported_at
            else:
                assert not Report.objects.filter(assignment=a).exists()
        responsible = next(a for a in assignments if a.role == "responsible")
        if resolution.status == "closed":
            assert Report.objects.get(assignment=responsible).decision == "accepted"
    assert not Assignment.objects.filter(status="done", done_at__isnull=True).exists()


def test_search_cards_are_the_cards_the_app_makes(generated):
    docs = Document.objects.select_related("signer__user", "executor__user")
    entries = dict(SearchEntry.objects.values_list("object_id", "card"))
    for doc in docs:
        wanted = index_tokens([card_text(doc)]) | {organization_token(doc.organization_id)}
        assert set(entries[doc.pk].split()) == wanted, doc.pk


def test_restricted_documents_name_their_readers(generated):
    restricted = Document.objects.filter(access="restricted")
    assert restricted.exists()
    for doc in restricted:
        assert doc.allowed.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuild")
def test_the_fast_path_rebuilds_every_index(db):
    def indexes() -> set[tuple[str, str, bool]]:
        # Names, not definitions: a partial index's condition is printed anew when rebuilt.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname, indexdef LIKE 'CREATE UNIQUE%%' FROM pg_indexes "
                "WHERE schemaname = current_schema()"
            )
            return set(cursor.fetchall())

    before = indexes()
    generate(organizations=3, employees=12, documents=60, fast=True, quiet=True)
    assert indexes() == before
    assert chain_verify() is None
    assert Document.objects.count() == 60
    assert dt.datetime.now(dt.UTC) >= Document.objects.aggregate(m=Max("created_at"))["m"]
