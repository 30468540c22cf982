import datetime as dt
import io

import pytest
from django.db import connection

from bering.audit.models import AuditEvent
from bering.core.errors import Forbidden, NotFound
from bering.documents import selectors, services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.files.samples import make_pdf


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
    """54 statements on PostgreSQL before issue 14, 28, then 15 (counted outside a test
    transaction): the card was indexed in three passes and the number twice, then a new
    card's entry was looked for, made, locked and read back before it was written."""
    journal = JournalFactory(organization=health)
    services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    second = card(correspondent_number="126-ОД")
    # With the savepoints of the test's transaction; SQLite also writes its FTS table.
    with django_assert_max_num_queries(19 if connection.vendor == "sqlite" else 15):
        services.document_register_incoming(actor=registrar.actor, card=second, journal=journal)


def test_a_new_cards_entry_is_what_a_rebuild_from_its_parts_gives(registrar, health):
    """The entry of a new document is written whole, and the number added to it in
    hand, without reading the parts back: the same as rebuilding it from them."""
    from bering.search import services as search
    from bering.search.models import SearchEntry

    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(
        actor=registrar.actor,
        card=card(),
        journal=journal,
        uploads=[
            services.Upload(
                name="скан.pdf", stream=io.BytesIO(make_pdf("Письмо", "О ремонте кровли"))
            )
        ],
    )
    written = SearchEntry.objects.values("card", "body").get(object_id=doc.pk)
    assert "0n01151" in written["card"].split() and "ремонт" in written["card"].split()
    search.part_put(  # removes a part that is not there: a rebuild from the parts
        kind="document", object_id=doc.pk, organization_id=health.pk, name="none", text=""
    )
    assert SearchEntry.objects.values("card", "body").get(object_id=doc.pk) == written


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


def test_the_getter_reads_a_cards_people_with_their_users_in_one_query(
    registrar, head, executor, health, django_assert_num_queries
):
    """The four people are not joined to the card (13 tables cost PostgreSQL 5-10 ms
    to plan): two queries in all, and every name is then in hand."""
    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(
        actor=registrar.actor,
        card=card(signer=head.employee, executor=executor.employee),
        journal=journal,
    )
    with django_assert_num_queries(2):
        got = selectors.document_get_for_user(registrar.actor, doc.pk)
    with django_assert_num_queries(0):
        names = [
            p.user.last_name for p in (got.author, got.signer, got.executor, got.registered_by)
        ]
    assert names == ["Алексеева", "Борисов", "Васильева", "Алексеева"]
