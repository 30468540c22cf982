import datetime as dt
import io

import pytest
from django.db import connection

from bering.audit.models import AuditEvent
from bering.core.errors import Forbidden, NotFound
from bering.documents import selectors, services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type


def card(**kw):
    base = dict(
        doc_type=doc_type("incoming-letter"),
        title="О ремонте фельдшерско-акушерского пункта в с. Никольское",
        correspondent="Администрация Алеутского муниципального округа",
        correspondent_number="125-ОД",
        correspondent_date=dt.date(2026, 11, 20),
    )
    base.update(kw)
    return services.Card(**base)


def test_registrar_registers_incoming_with_number(registrar, health):
    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    assert doc.status == Document.Status.REGISTERED
    assert doc.reg_number == "01-15/1"
    second = services.document_register_incoming(
        actor=registrar.actor, card=card(correspondent_number="126-ОД"), journal=journal
    )
    assert second.reg_number == "01-15/2"
    event = AuditEvent.objects.filter(object_type="document", object_id=doc.pk).get()
    assert event.verb == "document.registered"
    assert event.actor_user_id == registrar.user.pk


def test_executor_cannot_register(executor, health):
    journal = JournalFactory(organization=health)
    with pytest.raises(Forbidden):
        services.document_register_incoming(actor=executor.actor, card=card(), journal=journal)
    assert not Document.objects.exists()


def test_duplicate_warns_then_registers_when_confirmed(registrar, health):
    journal = JournalFactory(organization=health)
    services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    again = card(correspondent="  администрация алеутского   муниципального округа ")
    with pytest.raises(services.PossibleDuplicate):
        services.document_register_incoming(actor=registrar.actor, card=again, journal=journal)
    doc = services.document_register_incoming(
        actor=registrar.actor, card=again, journal=journal, confirm_duplicate=True
    )
    assert doc.reg_number == "01-15/2"


def test_outsider_gets_404(registrar, outsider, health):
    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    with pytest.raises(NotFound):
        selectors.document_get_for_user(outsider.actor, doc.pk)


def test_bad_upload_leaves_nothing(registrar, health):
    journal = JournalFactory(organization=health)
    fake = services.Upload(name="scan.pdf", stream=io.BytesIO(b"<html><script>1</script></html>"))
    with pytest.raises(services.ValidationFailed):
        services.document_register_incoming(
            actor=registrar.actor, card=card(), journal=journal, uploads=[fake]
        )
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_registration_takes_a_bounded_number_of_queries(
    registrar, health, django_assert_max_num_queries
):
    """54 statements on PostgreSQL before issue 14, 28 after (counted outside a test
    transaction): the card was indexed in three passes and the number twice."""
    journal = JournalFactory(organization=health)
    services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    second = card(correspondent_number="126-ОД")
    # With the savepoints of the test's transaction; SQLite also writes its FTS table.
    with django_assert_max_num_queries(33 if connection.vendor == "sqlite" else 30):
        services.document_register_incoming(actor=registrar.actor, card=second, journal=journal)


def test_the_number_is_indexed_as_a_part_of_its_own(registrar, health):
    """The card is indexed before the journal's counter is taken; the number after."""
    from bering.search.models import SearchPart

    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    parts = dict(SearchPart.objects.filter(entry__object_id=doc.pk).values_list("name", "tokens"))
    assert "0n01151" in parts["number"].split()  # «01-15/1» as one exact token
    assert "0n01151" not in parts["card"].split()
    assert "ремонт" in parts["card"].split()
    page = selectors.document_search(registrar.actor, selectors.SearchQuery(text="01-15/1"))
    assert [hit.document.pk for hit in page.hits] == [doc.pk]
