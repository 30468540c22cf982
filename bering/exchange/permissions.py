"""Who may do what in the exchange: pure predicates over plain rows.

The sender's registrars send a registered outgoing document and withdraw a
delivery the addressee has not answered yet; the addressee's registrars
register or refuse it. The addressee reads the delivered card and files only
while the delivery waits or once it is registered: after a refusal or a
withdrawal it keeps the short card of that answer, without the text, files or
signatures.
"""

from __future__ import annotations

from dataclasses import dataclass

from bering.documents import permissions as document_permissions
from bering.documents.models import Document
from bering.exchange.models import Delivery, Dispatch, MedoInbound
from bering.orgs.models import Employee


def sees_queue(employee: Employee) -> bool:
    """The «На регистрацию» queue and the dispatch register: the registrars."""
    return employee.is_registrar


def sendable(document: Document) -> bool:
    """Only a registered outgoing document is sent."""
    return document_permissions.is_sendable(document)


def may_send(employee: Employee, document: Document) -> bool:
    """The sender's registrars send the organization's documents."""
    return employee.is_registrar and document.organization_id == employee.organization_id


def can_send(employee: Employee, document: Document) -> bool:
    return sendable(document) and may_send(employee, document)


def is_addressee_registrar(employee: Employee, delivery: Delivery) -> bool:
    return employee.is_registrar and delivery.addressee_id == employee.organization_id


def is_sender_registrar(employee: Employee, delivery: Delivery) -> bool:
    """The same people who may send: the sending organization's registrars."""
    return employee.is_registrar and delivery.sender_id == employee.organization_id


def waiting(delivery: Delivery) -> bool:
    """Delivered and not yet registered, refused or withdrawn."""
    return delivery.status == Delivery.Status.DELIVERED


def can_register(employee: Employee, delivery: Delivery) -> bool:
    return waiting(delivery) and is_addressee_registrar(employee, delivery)


def can_refuse(employee: Employee, delivery: Delivery) -> bool:
    return waiting(delivery) and is_addressee_registrar(employee, delivery)


def can_withdraw(employee: Employee, delivery: Delivery) -> bool:
    return waiting(delivery) and is_sender_registrar(employee, delivery)


CONTENTS_SHOWN = (Delivery.Status.DELIVERED, Delivery.Status.REGISTERED)
"""Statuses in which the addressee reads the delivered text, files and signatures."""


def addressee_reads_contents(delivery: Delivery) -> bool:
    """False after a refusal or a withdrawal: the addressee keeps the answer's card only."""
    return delivery.status in CONTENTS_SHOWN


def keeps_dispatch_register(employee: Employee, dispatch: Dispatch) -> bool:
    """The sender's registrars keep the dispatch register."""
    return employee.is_registrar and dispatch.organization_id == employee.organization_id


def can_mark_sent(employee: Employee, dispatch: Dispatch) -> bool:
    """A letter still to send is marked sent, once."""
    return dispatch.status == Dispatch.Status.PENDING and keeps_dispatch_register(
        employee, dispatch
    )


@dataclass(frozen=True)
class DeliveryActions:
    """What the person may do with a delivery now, and what they read: the page's flags."""

    contents: bool
    register: bool
    refuse: bool
    withdraw: bool


def actions_for(employee: Employee, delivery: Delivery) -> DeliveryActions:
    return DeliveryActions(
        contents=addressee_reads_contents(delivery),
        register=can_register(employee, delivery),
        refuse=can_refuse(employee, delivery),
        withdraw=can_withdraw(employee, delivery),
    )


# The interagency exchange's containers (МЭДО): the organization's registrars export,
# import, register or refuse, and pass the produced messages to the gateway.


def keeps_medo(employee: Employee, organization_id: int) -> bool:
    return employee.is_registrar and employee.organization_id == organization_id


def can_export(employee: Employee, document: Document) -> bool:
    """The same rule as sending: a registered outgoing document, by its registrars."""
    return can_send(employee, document)


def inbound_waiting(inbound: MedoInbound) -> bool:
    return inbound.status == MedoInbound.Status.DELIVERED


def can_answer_inbound(employee: Employee, inbound: MedoInbound) -> bool:
    """Register or refuse a received container's document: once, by the addressee's registrars."""
    return inbound_waiting(inbound) and keeps_medo(employee, inbound.organization_id)
