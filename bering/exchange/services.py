"""Every write of the exchange: send, register, refuse or withdraw a delivery, mark a
dispatch sent.

Keyword-only, one transaction, an audit event each, notifications in the same
transaction. A delivery changes state once: the row is locked and its status
checked, and the change itself is a conditional UPDATE from "delivered", so
two registrars pressing "register" at once give one incoming document, not two,
and a registration racing the sender's withdrawal ends in exactly one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry, retried_atomic
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow, Journal
from bering.exchange import permissions
from bering.exchange.models import Delivery, Dispatch, RefusalReason
from bering.files.services import file_open
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization

MAX_ADDRESSEES = 500


@dataclass(frozen=True)
class ExternalAddressee:
    """An addressee outside the system, for the dispatch register."""

    name: str
    method: str = Dispatch.Method.PAPER
    address: str = ""


@dataclass
class SendResult:
    deliveries: list[Delivery]
    dispatches: list[Dispatch]


def _registrar_ids(organization_id: int) -> list[int]:
    return list(
        Employee.objects.filter(
            organization_id=organization_id, is_registrar=True, is_active=True
        ).values_list("pk", flat=True)
    )


def document_send(
    *,
    actor: Actor,
    document: Document,
    addressee_org_ids: Sequence[int],
    external_addressees: Sequence[ExternalAddressee] = (),
) -> SendResult:
    """Send a registered outgoing document: to the queues of organizations in the
    system, and to the dispatch register for the others. Sending twice to the
    same organization delivers once."""
    ids = list(dict.fromkeys(int(i) for i in addressee_org_ids))
    orgs = _check_send(actor, document, ids, external_addressees)

    def work() -> SendResult:
        now = clock.now()
        locked = Document.objects.select_for_update().get(pk=document.pk)
        existing = set(
            Delivery.objects.filter(document=locked).values_list("addressee_id", flat=True)
        )
        deliveries = [
            _deliver(actor, locked, org_id, now) for org_id in ids if org_id not in existing
        ]
        dispatches = [_list_for_dispatch(actor, locked, item) for item in external_addressees]
        _record_sent(actor, locked, orgs, deliveries, dispatches)
        return SendResult(deliveries=deliveries, dispatches=dispatches)

    return atomic_with_retry(work)


def _check_send(
    actor: Actor,
    document: Document,
    ids: list[int],
    external_addressees: Sequence[ExternalAddressee],
) -> dict[int, Organization]:
    """Who sends what to whom: the organizations in the system, by id."""
    if not permissions.sees_queue(actor.employee):
        raise Forbidden(_("Only a registrar sends documents."))
    if not permissions.may_send(actor.employee, document):
        raise Forbidden(_("Only the sender's registrar sends the document."))
    if not permissions.sendable(document):
        raise ValidationFailed(_("Only a registered outgoing document is sent."))
    if not ids and not external_addressees:
        raise ValidationFailed(_("Choose at least one addressee."), field="addressees")
    if len(ids) + len(external_addressees) > MAX_ADDRESSEES:
        raise ValidationFailed(_("Too many addressees."), field="addressees")
    if actor.organization_id in ids:
        raise ValidationFailed(_("A document is not sent to its own organization."))
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=ids, is_active=True)}
    if len(orgs) != len(ids):
        raise ValidationFailed(_("Choose organizations that use the system."), field="addressees")
    for item in external_addressees:
        if not item.name.strip():
            raise ValidationFailed(_("Enter the addressee's name."), field="external")
        if item.method not in Dispatch.Method.values:
            raise ValidationFailed(_("Choose post or e-mail."), field="external")
    return orgs


def _deliver(actor: Actor, document: Document, org_id: int, now: dt.datetime) -> Delivery:
    """Put the document into one organization's queue and tell its registrars."""
    delivery = Delivery.objects.create(
        document=document,
        sender_id=document.organization_id,
        addressee_id=org_id,
        sent_by=actor.employee,
        delivered_at=now,
    )
    notify(
        recipient_ids=_registrar_ids(org_id),
        kind="delivery",
        title=_("To register: %(number)s from %(sender)s")
        % {"number": document.reg_number, "sender": actor.organization.short_name},
        url=reverse("exchange:delivery", args=[delivery.pk]),
        object_type="delivery",
        object_id=delivery.pk,
        dedupe_key=f"delivery-{delivery.pk}",
    )
    return delivery


def _list_for_dispatch(actor: Actor, document: Document, item: ExternalAddressee) -> Dispatch:
    """An addressee outside the system goes into the dispatch register."""
    return Dispatch.objects.create(
        document=document,
        organization_id=document.organization_id,
        addressee=item.name.strip()[:500],
        method=item.method,
        address=item.address.strip()[:500],
        created_by=actor.employee,
    )


def _record_sent(
    actor: Actor,
    document: Document,
    orgs: dict[int, Organization],
    deliveries: list[Delivery],
    dispatches: list[Dispatch],
) -> None:
    record(
        actor=actor,
        verb="document.sent",
        object_type="document",
        object_id=document.pk,
        data={
            "deliveries": [
                {"delivery": d.pk, "addressee": orgs[d.addressee_id].short_name} for d in deliveries
            ],
            "dispatches": [{"addressee": d.addressee, "method": d.method} for d in dispatches],
        },
    )


def _check_addressee(actor: Actor, delivery: Delivery) -> None:
    if not permissions.is_addressee_registrar(actor.employee, delivery):
        raise Forbidden(_("Only the addressee's registrar registers or refuses a delivery."))


def _answered(delivery: Delivery) -> Conflict:
    """The delivery no longer waits: say what happened to it."""
    if delivery.status == Delivery.Status.REGISTERED:
        return Conflict(
            _("Already registered as № %(number)s.") % {"number": delivery.their_number}
        )
    if delivery.status == Delivery.Status.WITHDRAWN:
        return Conflict(_("The sender has withdrawn this delivery."))
    return Conflict(_("This delivery was refused."))


def _lock(delivery: Delivery) -> Delivery:
    locked = (
        Delivery.objects.select_for_update()
        .select_related("document__organization", "document__doc_type", "sender")
        .get(pk=delivery.pk)
    )
    if not permissions.waiting(locked):
        raise _answered(locked)
    return locked


def _claim(delivery: Delivery, **changes: object) -> None:
    """Change a waiting delivery's state once: a conditional UPDATE, so of a registration,
    a refusal and a withdrawal racing each other exactly one wins; the others get 409."""
    claimed = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.DELIVERED).update(
        **changes
    )
    if claimed != 1:
        raise _answered(Delivery.objects.get(pk=delivery.pk))
    for name, value in changes.items():
        setattr(delivery, name, value)


def _tell_sender(delivery: Delivery, title: str) -> None:
    document = delivery.document
    people = {document.author_id, document.registered_by_id, delivery.sent_by_id}
    notify(
        recipient_ids=[p for p in people if p is not None],
        kind="delivery",
        title=title,
        url=reverse("exchange:document", args=[document.pk]),
        object_type="delivery",
        object_id=delivery.pk,
        dedupe_key=f"delivery-answer-{delivery.pk}",
    )


def delivery_register(
    *,
    actor: Actor,
    delivery: Delivery,
    journal: Journal,
    doc_type: DocumentType | None = None,
    executor: Employee | None = None,
) -> Document:
    """Register a delivered document as incoming, keeping the sender's number and date.

    The files are the sender's current versions, stored again for the addressee
    (same bytes, same SHA-256).
    """
    _check_addressee(actor, delivery)
    kind = _incoming_type(doc_type)

    def work() -> Document:
        locked = _lock(delivery)
        incoming = _register_copy(actor, locked, kind, journal, executor)
        _mark_registered(actor, locked, incoming)
        _tell_sender(
            locked,
            _("%(org)s registered your № %(sent)s as № %(number)s")
            % {
                "org": actor.organization.short_name,
                "sent": locked.document.reg_number,
                "number": incoming.reg_number,
            },
        )
        record(
            actor=actor,
            verb="delivery.registered",
            object_type="document",
            object_id=locked.document_id,
            data={
                "delivery": locked.pk,
                "addressee": actor.organization.short_name,
                "number": incoming.reg_number,
                "date": incoming.reg_date,
            },
        )
        return incoming

    return atomic_with_retry(work)


def _incoming_type(doc_type: DocumentType | None) -> DocumentType:
    """The chosen incoming type, or the first one."""
    kind = doc_type or document_selectors.document_types(flow=Flow.INCOMING).first()
    if kind is None or kind.flow != Flow.INCOMING:
        raise ValidationFailed(_("Choose an incoming document type."), field="doc_type")
    return kind


def _register_copy(
    actor: Actor,
    delivery: Delivery,
    kind: DocumentType,
    journal: Journal,
    executor: Employee | None,
) -> Document:
    """The addressee's incoming document: the sender's card and current files."""
    sent = delivery.document
    uploads = [
        document_services.Upload(name=f.stored.original_name, stream=file_open(f.stored))
        for f in document_selectors.current_files(sent)
    ]
    restricted = sent.access == Document.Access.RESTRICTED
    try:
        return document_services.document_register_incoming(
            actor=actor,
            card=document_services.Card(
                doc_type=kind,
                title=sent.title,
                access=sent.access,
                pages=sent.pages,
                attachments_note=sent.attachments_note,
                correspondent=delivery.sender.name,
                correspondent_number=sent.reg_number,
                correspondent_date=sent.reg_date,
                executor=executor,
                allowed=[actor.employee] if restricted else [],
            ),
            journal=journal,
            uploads=uploads,
            confirm_duplicate=True,
        )
    finally:
        for upload in uploads:
            upload.stream.close()


def _mark_registered(actor: Actor, delivery: Delivery, incoming: Document) -> None:
    _claim(
        delivery,
        status=Delivery.Status.REGISTERED,
        incoming=incoming,
        their_number=incoming.reg_number,
        their_date=incoming.reg_date,
        registered_at=clock.now(),
        registered_by=actor.employee,
    )


def delivery_refuse(*, actor: Actor, delivery: Delivery, reason: str, note: str = "") -> Delivery:
    """Refuse to register, with a reason from the interagency exchange's list."""
    _check_addressee(actor, delivery)
    if reason not in RefusalReason.values:
        raise ValidationFailed(_("Choose a reason from the list."), field="reason")
    note = note.strip()[:1000]

    def work() -> Delivery:
        locked = _lock(delivery)
        _claim(
            locked,
            status=Delivery.Status.REFUSED,
            refusal_reason=reason,
            refusal_note=note,
            refused_at=clock.now(),
            refused_by=actor.employee,
        )
        _tell_sender(
            locked,
            _("%(org)s refused your № %(sent)s: %(reason)s")
            % {
                "org": actor.organization.short_name,
                "sent": locked.document.reg_number,
                "reason": RefusalReason(reason).label,
            },
        )
        record(
            actor=actor,
            verb="delivery.refused",
            object_type="document",
            object_id=locked.document_id,
            data={
                "delivery": locked.pk,
                "addressee": actor.organization.short_name,
                "reason": reason,
                "note": note,
            },
        )
        return locked

    return atomic_with_retry(work)


def delivery_withdraw(*, actor: Actor, delivery: Delivery, reason: str) -> Delivery:
    """The sender takes back a delivery the addressee has not registered or refused yet.

    The addressee keeps the card «withdrawn by the sender» with the reason, without
    the text and files; its registrars are told."""
    if not permissions.is_sender_registrar(actor.employee, delivery):
        raise Forbidden(_("Only the sender's registrar withdraws a delivery."))
    reason = reason.strip()[:1000]
    if not reason:
        raise ValidationFailed(_("Say why the delivery is withdrawn."), field="reason")

    @retried_atomic
    def work() -> Delivery:
        _claim(
            delivery,
            status=Delivery.Status.WITHDRAWN,
            withdrawal_reason=reason,
            withdrawn_at=clock.now(),
            withdrawn_by=actor.employee,
        )
        withdrawn = Delivery.objects.select_related("document", "addressee").get(pk=delivery.pk)
        notify(
            recipient_ids=_registrar_ids(withdrawn.addressee_id),
            kind="delivery",
            title=_("%(sender)s withdrew № %(number)s: %(reason)s")
            % {
                "sender": actor.organization.short_name,
                "number": withdrawn.document.reg_number,
                "reason": reason,
            },
            url=reverse("exchange:delivery", args=[withdrawn.pk]),
            object_type="delivery",
            object_id=withdrawn.pk,
            dedupe_key=f"delivery-withdrawn-{withdrawn.pk}",
        )
        record(
            actor=actor,
            verb="delivery.withdrawn",
            object_type="document",
            object_id=withdrawn.document_id,
            data={
                "delivery": withdrawn.pk,
                "addressee": withdrawn.addressee.short_name,
                "reason": reason,
            },
        )
        return withdrawn

    return work()


def dispatch_mark_sent(*, actor: Actor, dispatch: Dispatch, note: str = "") -> Dispatch:
    """The clerk posted or e-mailed the letter: the dispatch register says so, once."""
    if not permissions.keeps_dispatch_register(actor.employee, dispatch):
        raise Forbidden(_("Only the sender's registrar keeps the dispatch register."))
    note = note.strip()[:1000]

    def work() -> Dispatch:
        now = clock.now()
        claimed = Dispatch.objects.filter(pk=dispatch.pk, status=Dispatch.Status.PENDING).update(
            status=Dispatch.Status.SENT, sent_at=now, sent_by=actor.employee, note=note
        )
        if claimed != 1:
            raise Conflict(_("Already marked as sent."))
        record(
            actor=actor,
            verb="dispatch.sent",
            object_type="document",
            object_id=dispatch.document_id,
            data={"dispatch": dispatch.pk, "addressee": dispatch.addressee, "note": note},
        )
        dispatch.refresh_from_db()
        return dispatch

    return atomic_with_retry(work)
