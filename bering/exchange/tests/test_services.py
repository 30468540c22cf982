"""Delivery between organizations as stories: send, register, refuse, statuses, isolation."""

from __future__ import annotations

import pytest

from bering.assignments import services as assignment_services
from bering.assignments.tests.factories import spec
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from bering.documents.models import Document
from bering.documents.selectors import document_get_for_user
from bering.documents.tests.factories import JournalFactory
from bering.exchange import selectors, services
from bering.exchange.models import Delivery, Dispatch
from bering.exchange.tests.factories import outgoing
from bering.notifications.models import Notification
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(db):
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    return Persona(
        EmployeeFactory(
            user=UserFactory(username="fedor"), organization=org, is_registrar=True, is_head=True
        )
    )


@pytest.fixture
def letter(registrar):
    return outgoing(registrar)


@pytest.fixture
def sent(letter, registrar, outsider):
    return services.document_send(
        actor=registrar.actor,
        document=letter,
        addressee_org_ids=[outsider.org.pk],
        external_addressees=[
            services.ExternalAddressee(
                name="ООО «Камчатэнерго»", method="email", address="info@example.org"
            ),
            services.ExternalAddressee(name="Администрация с. Никольское", address="ул. Ленина, 1"),
        ],
    )


def test_send_delivers_to_queue_and_lists_outside_addressees(sent, letter, outsider, registrar):
    (delivery,) = sent.deliveries
    assert delivery.status == Delivery.Status.DELIVERED
    assert list(selectors.queue(outsider.actor)) == [delivery]
    assert Notification.objects.filter(recipient=outsider.employee, kind="delivery").exists()
    methods = sorted(d.method for d in sent.dispatches)
    assert methods == [Dispatch.Method.EMAIL, Dispatch.Method.PAPER]
    assert selectors.dispatch_register(registrar.actor).count() == 2
    # Sending again delivers nothing twice.
    again = services.document_send(
        actor=registrar.actor, document=letter, addressee_org_ids=[outsider.org.pk]
    )
    assert again.deliveries == []
    assert Delivery.objects.count() == 1


def test_only_a_registered_outgoing_document_is_sent(registrar, outsider, health):
    draft = outgoing(registrar)
    Document.objects.filter(pk=draft.pk).update(status=Document.Status.DRAFT)
    draft.refresh_from_db()
    with pytest.raises(ValidationFailed):
        services.document_send(
            actor=registrar.actor, document=draft, addressee_org_ids=[outsider.org.pk]
        )
    letter = outgoing(registrar)
    with pytest.raises(ValidationFailed):
        services.document_send(
            actor=registrar.actor, document=letter, addressee_org_ids=[health.pk]
        )


def test_addressee_registers_keeping_senders_number(sent, letter, registrar, outsider):
    delivery = sent.deliveries[0]
    journal = JournalFactory(organization=outsider.org, name="Входящие Минобра")
    incoming = services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    assert incoming.organization == outsider.org
    assert incoming.flow == "incoming" and incoming.status == Document.Status.REGISTERED
    assert incoming.correspondent_number == letter.reg_number
    assert incoming.correspondent_date == letter.reg_date
    sender_sha = {f.stored.sha256 for f in letter.files.all()}
    assert {f.stored.sha256 for f in incoming.files.all()} == sender_sha
    delivery.refresh_from_db()
    assert (delivery.status, delivery.their_number) == ("registered", incoming.reg_number)
    # The sender sees "registered, № ..."
    (status,) = selectors.deliveries_of_document(registrar.actor, letter)
    assert status.delivery.their_number == incoming.reg_number
    assert Notification.objects.filter(recipient=registrar.employee, kind="delivery").exists()
    with pytest.raises(Conflict):
        services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    assert Document.objects.filter(organization=outsider.org).count() == 1


def test_addressee_refuses_with_a_reason(sent, letter, registrar, outsider):
    delivery = sent.deliveries[0]
    with pytest.raises(ValidationFailed):
        services.delivery_refuse(actor=outsider.actor, delivery=delivery, reason="не нравится")
    services.delivery_refuse(
        actor=outsider.actor, delivery=delivery, reason="attachment_missing", note="Нет прил. 2"
    )
    (status,) = selectors.deliveries_of_document(registrar.actor, letter)
    assert status.delivery.status == "refused"
    assert status.delivery.refusal_reason == "attachment_missing"
    assert list(selectors.queue(outsider.actor)) == []
    journal = JournalFactory(organization=outsider.org)
    with pytest.raises(Conflict):
        services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)


def test_sender_sees_the_addressees_progress(sent, letter, registrar, outsider, education):
    journal = JournalFactory(organization=outsider.org)
    incoming = services.delivery_register(
        actor=outsider.actor, delivery=sent.deliveries[0], journal=journal
    )
    worker = EmployeeFactory(user=UserFactory(username="olga"), organization=education)
    assignment_services.resolution_issue(actor=outsider.actor, document=incoming, spec=spec(worker))
    (status,) = selectors.deliveries_of_document(registrar.actor, letter)
    assert status.progress == "executor_assigned"


def test_nothing_delivered_is_visible_to_a_third_organization(sent, letter, third, executor):
    delivery = sent.deliveries[0]
    item = letter.files.get()
    assert list(selectors.queue(third.actor)) == []
    with pytest.raises(NotFound):
        selectors.delivery_get_for_user(third.actor, delivery.pk)
    with pytest.raises(NotFound):
        selectors.delivery_file_get(third.actor, delivery.pk, item.pk)
    with pytest.raises(NotFound):
        document_get_for_user(third.actor, letter.pk)
    with pytest.raises(NotFound):  # the sender's own people reach it through the document
        selectors.delivery_get_for_user(executor.actor, delivery.pk)
    assert selectors.deliveries_of_document(third.actor, letter) == []
    with pytest.raises(Forbidden):
        services.delivery_refuse(actor=third.actor, delivery=delivery, reason="illegible")


def test_addressee_sees_the_card_only_through_the_delivery(sent, letter, outsider):
    delivery = sent.deliveries[0]
    with pytest.raises(NotFound):
        document_get_for_user(outsider.actor, letter.pk)
    assert selectors.delivery_get_for_user(outsider.actor, delivery.pk).document == letter
    assert selectors.delivery_file_get(outsider.actor, delivery.pk, letter.files.get().pk)


def test_dispatch_marked_sent_once(sent, registrar, outsider):
    item = sent.dispatches[0]
    with pytest.raises(Forbidden):
        services.dispatch_mark_sent(actor=outsider.actor, dispatch=item)
    services.dispatch_mark_sent(actor=registrar.actor, dispatch=item, note="Почта России")
    with pytest.raises(Conflict):
        services.dispatch_mark_sent(actor=registrar.actor, dispatch=item)


def test_a_refused_delivery_keeps_only_the_refusal_for_the_addressee(sent, letter, outsider):
    delivery = sent.deliveries[0]
    item = letter.files.get()
    services.delivery_refuse(actor=outsider.actor, delivery=delivery, reason="illegible")
    card = selectors.delivery_get_for_user(outsider.actor, delivery.pk)
    assert card.status == "refused" and card.refusal_reason == "illegible"
    assert selectors.delivery_files(card) == []
    with pytest.raises(NotFound):
        selectors.delivery_file_get(outsider.actor, delivery.pk, item.pk)


def test_sender_withdraws_a_waiting_delivery(sent, letter, registrar, outsider):
    delivery = sent.deliveries[0]
    item = letter.files.get()
    with pytest.raises(ValidationFailed):
        services.delivery_withdraw(actor=registrar.actor, delivery=delivery, reason="  ")
    withdrawn = services.delivery_withdraw(
        actor=registrar.actor, delivery=delivery, reason="Ошибка в приложении"
    )
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_by == registrar.employee
    assert withdrawn.withdrawal_reason == "Ошибка в приложении"
    event = AuditEvent.objects.get(verb="delivery.withdrawn")
    assert event.object_id == letter.pk and event.data["delivery"] == delivery.pk
    notice = Notification.objects.get(recipient=outsider.employee, dedupe_key__contains="withdrawn")
    assert letter.reg_number in notice.title
    assert list(selectors.queue(outsider.actor)) == []
    card = selectors.delivery_get_for_user(outsider.actor, delivery.pk)
    assert card.status == "withdrawn" and selectors.delivery_files(card) == []
    with pytest.raises(NotFound):
        selectors.delivery_file_get(outsider.actor, delivery.pk, item.pk)
    journal = JournalFactory(organization=outsider.org)
    with pytest.raises(Conflict):
        services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    with pytest.raises(Conflict):
        services.delivery_refuse(actor=outsider.actor, delivery=delivery, reason="illegible")
    with pytest.raises(Conflict):
        services.delivery_withdraw(actor=registrar.actor, delivery=delivery, reason="ещё раз")


def test_only_the_senders_registrar_withdraws(sent, registrar, executor, outsider, third):
    delivery = sent.deliveries[0]
    for persona in (executor, outsider, third):
        with pytest.raises(Forbidden):
            services.delivery_withdraw(actor=persona.actor, delivery=delivery, reason="нет")
    assert Delivery.objects.get().status == "delivered"
    assert not AuditEvent.objects.filter(verb="delivery.withdrawn").exists()


def test_a_registered_or_refused_delivery_is_not_withdrawn(sent, registrar, outsider):
    delivery = sent.deliveries[0]
    journal = JournalFactory(organization=outsider.org)
    services.delivery_register(actor=outsider.actor, delivery=delivery, journal=journal)
    with pytest.raises(Conflict, match="№"):
        services.delivery_withdraw(actor=registrar.actor, delivery=delivery, reason="поздно")
    assert Delivery.objects.get().status == "registered"


def test_registration_racing_a_withdrawal_one_wins(sent, registrar, outsider):
    """Both read the delivery as waiting; the later writer gets a 409, nothing half-done."""
    stale = Delivery.objects.get(pk=sent.deliveries[0].pk)
    journal = JournalFactory(organization=outsider.org)
    services.delivery_withdraw(actor=registrar.actor, delivery=stale, reason="Отзываем")
    with pytest.raises(Conflict) as caught:
        services.delivery_register(actor=outsider.actor, delivery=stale, journal=journal)
    assert caught.value.status_code == 409
    assert Document.objects.filter(organization=outsider.org).count() == 0
    assert Delivery.objects.get().status == "withdrawn"


def test_withdrawal_racing_a_registration_one_wins(sent, registrar, outsider):
    stale = Delivery.objects.get(pk=sent.deliveries[0].pk)
    journal = JournalFactory(organization=outsider.org)
    services.delivery_register(actor=outsider.actor, delivery=stale, journal=journal)
    with pytest.raises(Conflict):
        services.delivery_withdraw(actor=registrar.actor, delivery=stale, reason="Отзываем")
    assert Delivery.objects.get().status == "registered"
    assert not AuditEvent.objects.filter(verb="delivery.withdrawn").exists()
