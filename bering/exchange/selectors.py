"""Reads of the exchange, scoped by organization.

The addressee reaches a delivered document (card and files) only through
``delivery_get_for_user``: its registrars, nobody else; any other organization
gets the same 404 as for a missing delivery. After a refusal or a withdrawal
the addressee keeps the card of that answer only: no files, no signatures.
The sender sees the statuses of its own document's deliveries through the
document's getter (``delivery_get_for_sender`` for one of them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bering.audit.models import AuditEvent
from bering.core.errors import NotFound
from bering.documents import selectors as document_selectors
from bering.documents.models import Document, DocumentFile
from bering.exchange import permissions
from bering.exchange.models import Delivery, Dispatch
from bering.orgs.actor import Actor
from bering.orgs.models import Organization
from bering.signatures.selectors import SignatureCheck, signature_verify, signatures_for_files


def delivery_get_for_user(actor: Actor, delivery_id: int) -> Delivery:
    """The addressee's registrars see a delivery; anyone else gets 404."""
    delivery = (
        Delivery.objects.select_related(
            "document__doc_type", "document__organization", "sender", "addressee", "incoming"
        )
        .filter(pk=delivery_id, addressee_id=actor.organization_id)
        .first()
    )
    if delivery is None or not permissions.is_addressee_registrar(actor.employee, delivery):
        raise NotFound(_("Delivery not found."))
    return delivery


def delivery_get_for_sender(actor: Actor, delivery_id: int) -> Delivery:
    """One delivery of a document the actor may see, of the actor's organization; else 404."""
    delivery = (
        Delivery.objects.select_related("addressee", "sender")
        .filter(pk=delivery_id, sender_id=actor.organization_id)
        .first()
    )
    if delivery is None:
        raise NotFound(_("Delivery not found."))
    delivery.document = document_selectors.document_get_for_user(actor, delivery.document_id)
    return delivery


def delivery_files(delivery: Delivery) -> list[DocumentFile]:
    """The sender's current file versions, as delivered; none after a refusal or withdrawal."""
    if not permissions.addressee_reads_contents(delivery):
        return []
    return document_selectors.current_files(delivery.document)


def delivery_file_get(actor: Actor, delivery_id: int, file_id: int) -> DocumentFile:
    delivery = delivery_get_for_user(actor, delivery_id)
    item = next((f for f in delivery_files(delivery) if f.pk == file_id), None)
    if item is None:
        raise NotFound(_("File not found."))
    return item


def queue(actor: Actor) -> QuerySet[Delivery]:
    """ "На регистрацию": deliveries to the actor's organization awaiting registration."""
    if not permissions.sees_queue(actor.employee):
        return Delivery.objects.none()
    return (
        Delivery.objects.filter(
            addressee_id=actor.organization_id, status=Delivery.Status.DELIVERED
        )
        .select_related("document__doc_type", "sender")
        .order_by("delivered_at", "id")
    )


# The interagency exchange's notification vocabulary, beyond delivered/registered/refused:
EXECUTOR_ASSIGNED = "executor_assigned"
REPORT_PREPARED = "report_prepared"
ANSWERED = "answered"
PROGRESS_LABELS = {
    EXECUTOR_ASSIGNED: _("executor assigned"),
    REPORT_PREPARED: _("report prepared"),
    ANSWERED: _("answered"),
}
_PROGRESS_VERBS = {
    "resolution.issued": EXECUTOR_ASSIGNED,
    "assignment.reported": REPORT_PREPARED,
    "assignment.reply_drafted": REPORT_PREPARED,
}
_ORDER = [EXECUTOR_ASSIGNED, REPORT_PREPARED, ANSWERED]


@dataclass
class DeliveryStatus:
    delivery: Delivery
    progress: str
    """The furthest step the addressee reached with the registered document, or ""."""
    actions: permissions.DeliveryActions
    """What the reader may do with this delivery (withdraw it): the page's flags."""

    @property
    def progress_label(self) -> str:
        return str(PROGRESS_LABELS.get(self.progress, ""))


def _progress(incoming_ids: list[int]) -> dict[int, str]:
    """How far each registered incoming got: read from its history and its replies."""
    reached: dict[int, int] = {}

    def mark(doc_id: int, step: str) -> None:
        reached[doc_id] = max(reached.get(doc_id, -1), _ORDER.index(step))

    events = AuditEvent.objects.filter(
        object_type="document", object_id__in=incoming_ids, verb__in=list(_PROGRESS_VERBS)
    ).values_list("object_id", "verb")
    for doc_id, verb in events:
        if doc_id is not None:
            mark(int(doc_id), _PROGRESS_VERBS[verb])
    replies = Document.objects.filter(in_reply_to_id__in=incoming_ids).values_list(
        "in_reply_to_id", "status"
    )
    for doc_id, status in replies:
        if doc_id is None:
            continue
        mark(doc_id, ANSWERED if status == Document.Status.REGISTERED else REPORT_PREPARED)
    return {doc_id: _ORDER[i] for doc_id, i in reached.items()}


def deliveries_of_document(actor: Actor, document: Document) -> list[DeliveryStatus]:
    """The sender's view: each addressee's status. ``document`` comes from its getter."""
    if document.organization_id != actor.organization_id:
        return []
    deliveries = list(
        Delivery.objects.filter(document=document)
        .select_related("addressee")
        .order_by("addressee__short_name", "id")
    )
    progress = _progress([d.incoming_id for d in deliveries if d.incoming_id is not None])
    return [
        DeliveryStatus(
            delivery=d,
            progress=progress.get(d.incoming_id or 0, ""),
            actions=permissions.actions_for(actor.employee, d),
        )
        for d in deliveries
    ]


def dispatches_of_document(actor: Actor, document: Document) -> QuerySet[Dispatch]:
    return Dispatch.objects.filter(document=document, organization_id=actor.organization_id)


def dispatch_register(actor: Actor) -> QuerySet[Dispatch]:
    """The organization's dispatch register: letters for addressees outside the system."""
    return (
        Dispatch.objects.filter(organization_id=actor.organization_id)
        .select_related("document", "created_by__user", "sent_by__user")
        .order_by("status", "-created_at", "-id")
    )


def dispatch_get_for_user(actor: Actor, dispatch_id: int) -> Dispatch:
    item = (
        Dispatch.objects.select_related("document")
        .filter(pk=dispatch_id, organization_id=actor.organization_id)
        .first()
    )
    if item is None:
        raise NotFound(_("Not found."))
    return item


def addressee_choices(actor: Actor) -> QuerySet[Organization]:
    """Organizations of the region that use the system, other than the actor's."""
    return (
        Organization.objects.filter(is_active=True)
        .exclude(pk=actor.organization_id)
        .order_by("short_name")
    )


def delivery_signatures(files: list[DocumentFile]) -> list[SignatureCheck]:
    """The sender's signatures of the delivered file versions, each checked now (the
    bytes in storage, the version, the signer): the addressee sees who signed what,
    when, over which bytes, and whether it still holds, before registering it."""
    return [signature_verify(s) for s in signatures_for_files(f.pk for f in files)]


def progress_of(incoming_ids: list[int]) -> dict[int, str]:
    """How far each registered incoming got (the МЭДО notices use the same steps)."""
    return _progress(incoming_ids)
