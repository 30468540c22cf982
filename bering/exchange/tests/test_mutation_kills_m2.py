"""Who acts in the exchange, rule by rule (decision 0015: kills the mutants of
``exchange/permissions.py``). Plain unsaved rows: the rules read only fields."""

from __future__ import annotations

import itertools

import pytest

from bering.documents.models import Document, Flow
from bering.exchange import permissions
from bering.exchange.models import Delivery, Dispatch
from bering.orgs.models import Employee

SENDER, ADDRESSEE, THIRD = 1, 2, 3


def person(org: int, *, registrar: bool = True, pk: int = 10) -> Employee:
    return Employee(pk=pk, organization_id=org, is_registrar=registrar)


def delivery(status: str = Delivery.Status.DELIVERED) -> Delivery:
    return Delivery(sender_id=SENDER, addressee_id=ADDRESSEE, status=status)


def outgoing(status: str = Document.Status.REGISTERED, flow: str = Flow.OUTGOING) -> Document:
    return Document(organization_id=SENDER, status=status, flow=flow)


def test_only_registrars_see_the_queue() -> None:
    assert permissions.sees_queue(person(ADDRESSEE))
    assert not permissions.sees_queue(person(ADDRESSEE, registrar=False))


def test_only_a_registered_outgoing_document_is_sent_by_its_own_registrar() -> None:
    registrar = person(SENDER)
    assert permissions.sendable(outgoing())
    assert permissions.can_send(registrar, outgoing())
    for status in Document.Status:
        if status != Document.Status.REGISTERED:
            assert not permissions.sendable(outgoing(status)), status
            assert not permissions.can_send(registrar, outgoing(status)), status
    for flow in (Flow.INCOMING, Flow.INTERNAL):
        assert not permissions.can_send(registrar, outgoing(flow=flow)), flow
    # A clerk who is no registrar, and a registrar of another organization, send nothing.
    assert permissions.may_send(registrar, outgoing())
    assert not permissions.may_send(person(SENDER, registrar=False), outgoing())
    assert not permissions.can_send(person(SENDER, registrar=False), outgoing())
    assert not permissions.may_send(person(ADDRESSEE), outgoing())
    assert not permissions.can_send(person(ADDRESSEE), outgoing())


def test_the_addressee_registrar_registers_or_refuses_a_waiting_delivery_only() -> None:
    mine = person(ADDRESSEE)
    assert permissions.waiting(delivery())
    assert permissions.is_addressee_registrar(mine, delivery())
    assert permissions.can_register(mine, delivery())
    assert permissions.can_refuse(mine, delivery())
    for status in (
        Delivery.Status.REGISTERED,
        Delivery.Status.REFUSED,
        Delivery.Status.WITHDRAWN,
    ):
        assert not permissions.waiting(delivery(status)), status
        assert not permissions.can_register(mine, delivery(status)), status
        assert not permissions.can_refuse(mine, delivery(status)), status
    for other in (person(ADDRESSEE, registrar=False), person(SENDER), person(THIRD)):
        assert not permissions.is_addressee_registrar(other, delivery())
        assert not permissions.can_register(other, delivery())
        assert not permissions.can_refuse(other, delivery())


def test_the_sender_registrar_withdraws_a_waiting_delivery_only() -> None:
    mine = person(SENDER)
    assert permissions.is_sender_registrar(mine, delivery())
    assert permissions.can_withdraw(mine, delivery())
    for status in (
        Delivery.Status.REGISTERED,
        Delivery.Status.REFUSED,
        Delivery.Status.WITHDRAWN,
    ):
        assert not permissions.can_withdraw(mine, delivery(status)), status
    for other in (person(SENDER, registrar=False), person(ADDRESSEE), person(THIRD)):
        assert not permissions.is_sender_registrar(other, delivery())
        assert not permissions.can_withdraw(other, delivery())


def test_the_addressee_reads_the_contents_until_a_refusal_or_withdrawal() -> None:
    assert permissions.addressee_reads_contents(delivery(Delivery.Status.DELIVERED))
    assert permissions.addressee_reads_contents(delivery(Delivery.Status.REGISTERED))
    assert not permissions.addressee_reads_contents(delivery(Delivery.Status.REFUSED))
    assert not permissions.addressee_reads_contents(delivery(Delivery.Status.WITHDRAWN))


def test_the_dispatch_register_is_kept_and_marked_by_its_own_registrars() -> None:
    pending = Dispatch(organization_id=SENDER, status=Dispatch.Status.PENDING)
    sent = Dispatch(organization_id=SENDER, status=Dispatch.Status.SENT)
    mine = person(SENDER)
    assert permissions.keeps_dispatch_register(mine, pending)
    assert permissions.can_mark_sent(mine, pending)
    assert not permissions.can_mark_sent(mine, sent)
    for other in (person(SENDER, registrar=False), person(ADDRESSEE)):
        assert not permissions.keeps_dispatch_register(other, pending)
        assert not permissions.can_mark_sent(other, pending)


@pytest.mark.parametrize(
    ("who", "status"),
    list(itertools.product(("addressee", "sender", "clerk", "third"), list(Delivery.Status))),
)
def test_the_delivery_page_flags_follow_the_rules(who: str, status: str) -> None:
    employee = {
        "addressee": person(ADDRESSEE),
        "sender": person(SENDER),
        "clerk": person(ADDRESSEE, registrar=False),
        "third": person(THIRD),
    }[who]
    waiting = status == Delivery.Status.DELIVERED
    actions = permissions.actions_for(employee, delivery(status))
    assert actions == permissions.DeliveryActions(
        contents=status in (Delivery.Status.DELIVERED, Delivery.Status.REGISTERED),
        register=waiting and who == "addressee",
        refuse=waiting and who == "addressee",
        withdraw=waiting and who == "sender",
    )
