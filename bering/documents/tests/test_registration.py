import datetime as dt
import io

import pytest

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
