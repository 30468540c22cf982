"""Sending, registering and refusing deliveries, rule by rule (decision 0015: kills the
mutants of ``exchange/services.py`` the story tests let live). Each test asserts what a
user sees: the refusal, the status, who is told, the event."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import weasyprint
from django.utils.translation import gettext as _

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, NotFound, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange import selectors, services
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


def _pdf() -> bytes:
    data: bytes = weasyprint.HTML(string="<p>Ответ</p>").write_pdf()
    return data


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


# --- Selectors ------------------------------------------------------------------------


def test_the_delivery_getters_give_the_asked_delivery_to_its_registrars_only(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    (first,) = _send(registrar, letter, outsider.org)
    (second,) = _send(registrar, outgoing(registrar, title="Второе"), outsider.org)
    assert selectors.delivery_get_for_user(outsider.actor, second.pk).pk == second.pk
    assert selectors.delivery_get_for_sender(registrar.actor, second.pk).pk == second.pk
    assert selectors.delivery_get_for_user(outsider.actor, first.pk).pk == first.pk
    assert selectors.delivery_get_for_sender(registrar.actor, first.pk).pk == first.pk
    clerk = Persona(EmployeeFactory(organization=outsider.org))  # the addressee's, no registrar
    with pytest.raises(NotFound):
        selectors.delivery_get_for_user(clerk.actor, second.pk)


def test_the_sender_sees_this_documents_deliveries_and_dispatches_only(
    letter: Document, registrar: Persona, outsider: Persona
) -> None:
    outside = [services.ExternalAddressee(name="ООО «Камчатэнерго»")]
    services.document_send(
        actor=registrar.actor,
        document=letter,
        addressee_org_ids=[outsider.org.pk],
        external_addressees=outside,
    )
    other = outgoing(registrar, title="Второе")
    later = services.document_send(
        actor=registrar.actor,
        document=other,
        addressee_org_ids=[outsider.org.pk],
        external_addressees=outside,
    )
    statuses = selectors.deliveries_of_document(registrar.actor, letter)
    assert [s.delivery.document_id for s in statuses] == [letter.pk]
    assert [d.document_id for d in selectors.dispatches_of_document(registrar.actor, letter)] == [
        letter.pk
    ]
    (dispatch,) = later.dispatches
    assert selectors.dispatch_get_for_user(registrar.actor, dispatch.pk).pk == dispatch.pk
    earlier = selectors.dispatches_of_document(registrar.actor, letter).get()
    assert selectors.dispatch_get_for_user(registrar.actor, earlier.pk).pk == earlier.pk


def test_the_sender_sees_how_far_each_addressee_got(
    letter: Document, registrar: Persona, outsider: Persona, third: Persona
) -> None:
    _send(registrar, letter, outsider.org, third.org)
    answered = services.delivery_register(
        actor=outsider.actor,
        delivery=Delivery.objects.get(document=letter, addressee=outsider.org),
        journal=JournalFactory(organization=outsider.org),
    )
    services.delivery_register(
        actor=third.actor,
        delivery=Delivery.objects.get(document=letter, addressee=third.org),
        journal=JournalFactory(organization=third.org),
    )

    def progress() -> dict[int, str]:
        return {
            s.delivery.addressee_id: s.progress
            for s in selectors.deliveries_of_document(registrar.actor, letter)
        }

    assert progress() == {outsider.org.pk: "", third.org.pk: ""}
    reply = document_services.document_create(
        actor=outsider.actor,
        card=document_services.Card(
            doc_type=doc_type("outgoing-letter"),
            title="Ответ",
            addressee="Минздрав",
            in_reply_to=answered,
        ),
        flow="outgoing",
        uploads=[document_services.Upload(name="ответ.pdf", stream=io.BytesIO(_pdf()))],
    )
    assert progress() == {outsider.org.pk: "report_prepared", third.org.pk: ""}
    document_services.document_register(
        actor=outsider.actor,
        document=reply,
        journal=JournalFactory(
            organization=outsider.org, flow="outgoing", index="02", template="{index}/{seq}"
        ),
    )
    assert progress() == {outsider.org.pk: "answered", third.org.pk: ""}


def test_addressees_offered_are_the_other_organizations_in_the_system(
    registrar: Persona, outsider: Persona, third: Persona
) -> None:
    Organization.objects.filter(pk=third.org.pk).update(is_active=False)
    assert list(selectors.addressee_choices(registrar.actor)) == [outsider.org]
