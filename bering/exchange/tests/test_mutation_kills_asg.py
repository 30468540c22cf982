"""Sending, registering and refusing deliveries, rule by rule (decision 0015: kills the
mutants of ``exchange/services.py`` the story tests let live). Each test asserts what a
user sees: the refusal, the status, who is told, the event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange import services
from bering.exchange.models import Delivery
from bering.exchange.tests.factories import outgoing
from bering.notifications.models import Notification
from bering.orgs.models import Organization
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(registrar: Persona) -> Document:
    return outgoing(registrar)


@pytest.fixture
def third(db: None) -> Persona:
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    return Persona(EmployeeFactory(organization=org, is_registrar=True))


def _send(registrar: Persona, letter: Document, *orgs: Organization) -> list[Delivery]:
    return services.document_send(
        actor=registrar.actor, document=letter, addressee_org_ids=[o.pk for o in orgs]
    ).deliveries


def test_sending_is_recorded_with_each_addressee(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    (delivery,) = _send(registrar, letter, outsider.org)
    event = AuditEvent.objects.get(verb="document.sent", object_id=letter.pk)
    assert event.data["deliveries"] == [
        {"delivery": delivery.pk, "addressee": outsider.org.short_name}
    ]


def test_a_document_goes_to_outside_addressees_only_or_to_nobody_is_refused(
    letter: Document, registrar: Persona
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.document_send(actor=registrar.actor, document=letter, addressee_org_ids=[])
    assert exc.value.field == "addressees"
    result = services.document_send(
        actor=registrar.actor,
        document=letter,
        addressee_org_ids=[],
        external_addressees=[services.ExternalAddressee(name="ООО «Камчатэнерго»")],
    )
    assert (len(result.deliveries), len(result.dispatches)) == (0, 1)


def test_an_organization_no_longer_in_the_system_gets_nothing(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    Organization.objects.filter(pk=outsider.org.pk).update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        _send(registrar, letter, outsider.org)
    assert exc.value.field == "addressees"
    assert not Delivery.objects.exists()


def test_only_the_addressees_active_registrars_are_told(
    letter: Document, registrar: Persona, outsider: Persona, third: Persona
) -> None:
    clerk = EmployeeFactory(organization=outsider.org)
    gone = EmployeeFactory(organization=outsider.org, is_registrar=True, is_active=False)
    _send(registrar, letter, outsider.org)
    told = set(Notification.objects.filter(kind="delivery").values_list("recipient", flat=True))
    assert told == {outsider.employee.pk}
    assert clerk.pk not in told and gone.pk not in told and third.employee.pk not in told


def test_another_document_to_the_same_organization_is_delivered_too(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    _send(registrar, letter, outsider.org)
    assert len(_send(registrar, outgoing(registrar, title="Второе письмо"), outsider.org)) == 1


def test_registering_one_delivery_leaves_the_others_waiting_and_a_second_try_names_the_number(
    letter: Document, registrar: Persona, outsider: Persona, third: Persona
) -> None:
    _send(registrar, letter, outsider.org, third.org)
    mine = Delivery.objects.get(document=letter, addressee=outsider.org)
    theirs = Delivery.objects.get(document=letter, addressee=third.org)
    journal = JournalFactory(organization=outsider.org)
    incoming = services.delivery_register(actor=outsider.actor, delivery=mine, journal=journal)
    theirs.refresh_from_db()
    assert theirs.status == Delivery.Status.DELIVERED
    with pytest.raises(Conflict) as exc:
        services.delivery_register(actor=outsider.actor, delivery=mine, journal=journal)
    assert incoming.reg_number in str(exc.value)


def test_the_chosen_incoming_type_is_kept_and_an_outgoing_type_refused(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    (delivery,) = _send(registrar, letter, outsider.org)
    journal = JournalFactory(organization=outsider.org)
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_register(
            actor=outsider.actor,
            delivery=delivery,
            journal=journal,
            doc_type=doc_type("outgoing-letter"),
        )
    assert exc.value.field == "doc_type"
    default = document_selectors.document_types(flow=Flow.INCOMING).first()
    chosen = document_selectors.document_types(flow=Flow.INCOMING).exclude(pk=default.pk).first()
    assert chosen is not None
    incoming = services.delivery_register(
        actor=outsider.actor, delivery=delivery, journal=journal, doc_type=chosen
    )
    assert incoming.doc_type_id == chosen.pk


def test_a_restricted_document_stays_restricted_and_open_to_the_registrar_who_took_it(
    registrar: Persona, outsider: Persona, executor: Persona
) -> None:
    secret = outgoing(registrar)
    Document.objects.filter(pk=secret.pk).update(access=Document.Access.RESTRICTED)
    secret.refresh_from_db()
    (delivery,) = _send(registrar, secret, outsider.org)
    journal = JournalFactory(organization=outsider.org)
    incoming = services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    assert incoming.access == Document.Access.RESTRICTED
    assert list(incoming.allowed.all()) == [outsider.employee]
    (general,) = _send(registrar, outgoing(registrar, title="Открытое"), outsider.org)
    open_copy = services.delivery_register(actor=outsider.actor, delivery=general, journal=journal)
    assert open_copy.access == Document.Access.GENERAL
    assert not open_copy.allowed.exists()


def test_a_delivery_registers_even_if_the_paper_copy_was_registered_first(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    (delivery,) = _send(registrar, letter, outsider.org)
    journal = JournalFactory(organization=outsider.org)
    paper = document_services.document_register_incoming(
        actor=outsider.actor,
        card=document_services.Card(
            doc_type=doc_type("incoming-letter"),
            title=letter.title,
            correspondent=registrar.org.name,
            correspondent_number=letter.reg_number,
            correspondent_date=letter.reg_date or dt.date.today(),
        ),
        journal=journal,
    )
    incoming = services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    assert incoming.pk != paper.pk
    assert incoming.correspondent_number == paper.correspondent_number


def test_with_every_incoming_type_switched_off_the_registrar_is_asked_to_choose_one(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    (delivery,) = _send(registrar, letter, outsider.org)
    DocumentType.objects.filter(flow=Flow.INCOMING).update(is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.delivery_register(
            actor=outsider.actor,
            delivery=delivery,
            journal=JournalFactory(organization=outsider.org),
        )
    assert exc.value.field == "doc_type"


def test_a_refused_delivery_says_refused_and_a_withdrawn_one_withdrawn(
    letter: Document, registrar: Persona, outsider: Persona, third: Persona
) -> None:
    _send(registrar, letter, outsider.org, third.org)
    refused = Delivery.objects.get(document=letter, addressee=outsider.org)
    withdrawn = Delivery.objects.get(document=letter, addressee=third.org)
    services.delivery_refuse(actor=outsider.actor, delivery=refused, reason="attachment_missing")
    services.delivery_withdraw(actor=registrar.actor, delivery=withdrawn, reason="Ошибка адреса")
    for who, delivery, message in (
        (outsider, refused, _("This delivery was refused.")),
        (third, withdrawn, _("The sender has withdrawn this delivery.")),
    ):
        with pytest.raises(Conflict) as exc:
            services.delivery_register(
                actor=who.actor, delivery=delivery, journal=JournalFactory(organization=who.org)
            )
        assert str(exc.value) == message
