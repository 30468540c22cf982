"""Writing audit events: inside the action's transaction, or not at all (QUALITY.md item 8).

These tests commit for real (``transaction=True``): the rules are about what a
committed transaction leaves behind, and about appends from many connections.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from bering.audit import services as audit_services
from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.selectors import ChainBreak, chain_verify
from bering.audit.services import GENESIS, record
from bering.core.db import atomic_with_retry
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, JournalCounter
from bering.documents.tests.factories import JournalFactory
from bering.orgs.actor import Actor
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory

APPENDERS = 10
EVENTS_EACH = 20

# serialized_rollback: the flush after each test then leaves the tables empty
# (no post_migrate), so the snapshot below goes back in without clashes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _card(number: str = "125-ОД") -> document_services.Card:
    letter, _ = DocumentType.objects.get_or_create(
        code="incoming-letter", defaults={"name": "Входящее письмо", "flow": "incoming"}
    )
    return document_services.Card(
        doc_type=letter,
        title="О ремонте фельдшерско-акушерского пункта в с. Никольское",
        correspondent="Администрация Алеутского муниципального округа",
        correspondent_number=number,
        correspondent_date=dt.date(2026, 11, 20),
    )


def test_record_outside_a_transaction_is_refused(registrar: Any) -> None:
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match="inside a transaction"):
        record(
            actor=registrar.actor, verb="document.file_added", object_type="document", object_id=1
        )
    assert not AuditEvent.objects.exists()


def test_record_inside_a_transaction_commits_with_it(registrar: Any) -> None:
    with transaction.atomic():
        event = record(
            actor=registrar.actor, verb="document.file_added", object_type="document", object_id=1
        )
    assert AuditEvent.objects.get(chain=registrar.org.pk).pk == event.pk
    head = AuditChainHead.objects.get(pk=registrar.org.pk)
    assert (head.length, head.last_event_id) == (1, event.pk)
    # The organization's first event opened its chain in the root chain.
    opening = AuditEvent.objects.get(chain=ROOT_CHAIN)
    assert (opening.verb, opening.object_id, opening.seq) == (
        "audit.chain_opened",
        registrar.org.pk,
        1,
    )


def test_an_event_rolled_back_with_its_action_leaves_the_chain_intact(registrar: Any) -> None:
    with transaction.atomic():
        kept = record(
            actor=registrar.actor, verb="document.created", object_type="document", object_id=1
        )
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record(
            actor=registrar.actor, verb="document.file_added", object_type="document", object_id=2
        )
        _ = 1 / 0
    with transaction.atomic():
        after = record(
            actor=registrar.actor, verb="document.registered", object_type="document", object_id=3
        )
    assert after.prev_hash == kept.hash
    in_chain = AuditEvent.objects.filter(chain=registrar.org.pk)
    assert list(in_chain.values_list("verb", flat=True).order_by("pk")) == [
        "document.created",
        "document.registered",
    ]
    assert chain_verify() is None


@pytest.mark.parametrize("where", ["at the start", "at the end"])
def test_if_the_audit_event_cannot_be_written_the_registration_fails(
    monkeypatch: pytest.MonkeyPatch, registrar: Any, health: Any, where: str
) -> None:
    """No action without its event: the document, its number and its files all go."""
    journal = JournalFactory(organization=health)
    real_record = audit_services.record

    def failing_record(**kwargs: Any) -> AuditEvent:
        if where == "at the end":
            real_record(**kwargs)
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(document_services, "record", failing_record)
    with pytest.raises(DatabaseError):
        document_services.document_register_incoming(
            actor=registrar.actor, card=_card(), journal=journal
        )
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not JournalCounter.objects.filter(last_seq__gt=0).exists()

    monkeypatch.setattr(document_services, "record", real_record)
    doc = document_services.document_register_incoming(
        actor=registrar.actor, card=_card(), journal=journal
    )
    assert doc.reg_seq == 1, "the failed registration must not have used up number 1"
    assert AuditEvent.objects.get(chain=health.pk).object_id == doc.pk
    assert chain_verify() is None


@pytest.mark.concurrency
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises every write at BEGIN IMMEDIATE"
)
def test_the_chain_head_lock_serialises_appends(registrar: Any) -> None:
    """A second writer waits for the head until the first one commits."""
    first_locked = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        try:
            with transaction.atomic():
                record(
                    actor=None, verb="calendar.year_seeded", object_type="system", object_id=None
                )
                first_locked.set()
                release.wait(timeout=10)
                order.append("first commits")
        finally:
            connection.close()

    def second() -> None:
        try:
            first_locked.wait(timeout=10)
            with transaction.atomic():
                record(actor=None, verb="calendar.day_set", object_type="system", object_id=None)
                order.append("second appended")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_locked.wait(timeout=10)
    time.sleep(0.3)
    assert order == [], "the second append did not wait for the chain head"
    release.set()
    for thread in threads:
        thread.join(timeout=20)
    assert order == ["first commits", "second appended"]
    assert chain_verify() is None


@pytest.mark.concurrency
def test_concurrent_appends_keep_one_valid_chain(health: Any, education: Any) -> None:
    """Many connections append at once, from an empty log (only the migration's
    genesis head), while an auditor verifies the chain again and again."""
    actors = []
    for i in range(APPENDERS):
        org = (health, education, OrganizationFactory())[i % 3]
        employee = EmployeeFactory(organization=org, is_registrar=True)
        actors.append(Actor(user=employee.user, post=employee))
    barrier = threading.Barrier(APPENDERS + 1)
    errors: list[BaseException] = []
    verdicts: list[ChainBreak | None] = []
    done = threading.Event()

    def appender(actor: Actor) -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(EVENTS_EACH):

                def append(k: int = k) -> AuditEvent:
                    return record(
                        actor=actor,
                        verb="document.file_added",
                        object_type="document",
                        object_id=k,
                        data={"k": k, "who": actor.user.username},
                    )

                atomic_with_retry(append)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def auditor() -> None:
        try:
            barrier.wait(timeout=30)
            while not done.is_set():
                verdicts.append(chain_verify(batch=7))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(a,)) for a in actors]
    watcher = threading.Thread(target=auditor)
    for thread in [*threads, watcher]:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    watcher.join(timeout=60)

    assert errors == []
    assert verdicts, "the auditor never ran"
    assert [v for v in verdicts if v is not None] == [], "verification cried wolf mid-append"
    organizations = {a.organization_id for a in actors}
    assert AuditEvent.objects.exclude(chain=ROOT_CHAIN).count() == APPENDERS * EVENTS_EACH
    for chain in organizations:
        events = list(AuditEvent.objects.filter(chain=chain).order_by("pk"))
        assert events[0].prev_hash == GENESIS
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        # One chain per organization, no fork: every event follows exactly one other.
        assert len({e.prev_hash for e in events}) == len(events)
        assert all(after.prev_hash == before.hash for before, after in itertools.pairwise(events))
        head = AuditChainHead.objects.get(pk=chain)
        assert (head.last_event_id, head.last_hash) == (events[-1].pk, events[-1].hash)
    opened = AuditEvent.objects.filter(chain=ROOT_CHAIN, verb="audit.chain_opened")
    assert sorted(opened.values_list("object_id", flat=True)) == sorted(organizations)
    assert chain_verify() is None


@pytest.mark.concurrency
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises every write at BEGIN IMMEDIATE"
)
def test_registrations_in_two_organizations_do_not_wait_on_each_other(
    registrar: Any, outsider: Any
) -> None:
    """One ministry's registration holds its journal and its chain; another's goes through.

    With one chain for the region the second registration queued on the chain head
    until the first committed (issue 14)."""
    health_journal = JournalFactory(organization=registrar.org)
    education_journal = JournalFactory(organization=outsider.org)
    for actor, journal in ((registrar.actor, health_journal), (outsider.actor, education_journal)):
        document_services.document_register_incoming(actor=actor, card=_card(), journal=journal)
    first_holds = threading.Event()
    release = threading.Event()
    order: list[str] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                document_services.document_register_incoming(
                    actor=registrar.actor, card=_card("01-2"), journal=health_journal
                )
                first_holds.set()
                release.wait(timeout=20)
                order.append("health commits")
        except BaseException as exc:
            errors.append(exc)
        finally:
            first_holds.set()
            connection.close()

    def second() -> None:
        try:
            first_holds.wait(timeout=20)
            with transaction.atomic():
                with connection.cursor() as cursor:  # fail instead of waiting
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                document_services.document_register_incoming(
                    actor=outsider.actor, card=_card("01-3"), journal=education_journal
                )
            order.append("education committed")
        except BaseException as exc:
            errors.append(exc)
        finally:
            release.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=40)
    assert errors == []
    assert order == ["education committed", "health commits"]
    assert chain_verify() is None


def test_record_refuses_an_unknown_verb(registrar: Any) -> None:
    with transaction.atomic(), pytest.raises(ValueError, match="Unknown audit verb"):
        record(actor=registrar.actor, verb="document.vanished", object_type="document", object_id=1)
    assert not AuditEvent.objects.exists()


def test_record_refuses_to_start_a_new_chain_without_the_head(registrar: Any) -> None:
    """A wiped log with its head deleted must not quietly start again from genesis."""
    AuditChainHead.objects.all().delete()
    with transaction.atomic(), pytest.raises(audit_services.ChainHeadMissing):
        record(actor=registrar.actor, verb="document.created", object_type="document", object_id=1)
    assert not AuditEvent.objects.exists()
    assert chain_verify() is not None
