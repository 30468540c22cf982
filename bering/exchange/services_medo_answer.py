"""Answering a received МЭДО document: register it, refuse it, and the sweep's notices of
its progress (executor assigned, answered). Export and import: ``services_medo``, whose
storage guard (``_Kept``, ``_committed``) and message helpers these writes share."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils.translation import gettext as _

from bering.audit.services import record
from bering.core import clock
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Journal
from bering.exchange import container, permissions
from bering.exchange.container import Party, Passport
from bering.exchange.models import MedoInbound, MedoMessage, RefusalReason
from bering.exchange.selectors import ANSWERED, EXECUTOR_ASSIGNED, REPORT_PREPARED, progress_of
from bering.exchange.selectors_medo import container_bytes
from bering.exchange.services import _incoming_type
from bering.exchange.services_medo import (
    PROGRESS_NOTICES,
    _committed,
    _Kept,
    _message,
    _party,
)
from bering.orgs.actor import Actor
from bering.orgs.models import Employee

NOTICE_FOR = {
    EXECUTOR_ASSIGNED: EXECUTOR_ASSIGNED,
    REPORT_PREPARED: EXECUTOR_ASSIGNED,  # someone works on it: a sweep that came late
    ANSWERED: ANSWERED,
}
"""The notice due for each step of ``selectors._progress``."""


# Register or refuse a received document


def _lock_inbound(inbound: MedoInbound) -> MedoInbound:
    locked = MedoInbound.objects.select_for_update().get(pk=inbound.pk)
    if locked.status == MedoInbound.Status.REGISTERED:
        raise Conflict(
            _("Already registered as № %(number)s.")
            % {"number": locked.incoming.reg_number if locked.incoming else ""}
        )
    if locked.status == MedoInbound.Status.REFUSED:
        raise Conflict(_("This delivery was refused."))
    return locked


def _check_inbound(actor: Actor, inbound: MedoInbound) -> None:
    if not permissions.keeps_medo(actor.employee, inbound.organization_id):
        raise Forbidden(_("Only the addressee's registrar registers or refuses a delivery."))


def _notification(
    actor: Actor, inbound: MedoInbound, note: container.NotificationPart
) -> tuple[Passport, bytes]:
    """A notification for the sender of a received document: its passport and container."""
    passport = Passport(
        uid=container.new_uid(),
        type=container.NOTIFICATION,
        created=clock.now(),
        sender=_party(actor.organization),
        recipient=Party(name=inbound.sender, code=inbound.sender_code, inn=inbound.sender_inn),
        notification=note,
    )
    return passport, container.build(passport, {})


def _notice(
    actor: Actor, inbound: MedoInbound, note: container.NotificationPart, kept: _Kept
) -> MedoMessage:
    """Make and list a notification whose content is known only inside the transaction."""
    passport, data = _notification(actor, inbound, note)
    return _message(inbound, passport, data, kept.keep("out", data))


def _uploads(inbound: MedoInbound) -> list[document_services.Upload]:
    """The received originals (the document first), then the PDF copies."""
    parsed = container.read(container_bytes(inbound.storage_name))
    order = {container.ROLE_DOCUMENT: 0, container.ROLE_ATTACHMENT: 1, container.ROLE_RENDITION: 2}
    files = sorted(
        (f for f in parsed.passport.files if f.role in order),
        key=lambda f: order[f.role],
    )
    return [
        document_services.Upload(
            name=f.original_name or f.name, stream=io.BytesIO(parsed.members[f.name])
        )
        for f in files
    ]


def medo_register(
    *,
    actor: Actor,
    inbound: MedoInbound,
    journal: Journal,
    doc_type: DocumentType | None = None,
    executor: Employee | None = None,
) -> Document:
    """Register a received document as incoming with the sender's number and date; the
    files are the received originals and copies; the sender gets the notice."""
    _check_inbound(actor, inbound)
    kind = _incoming_type(doc_type)
    kept = _Kept()

    def work() -> Document:
        locked = _lock_inbound(inbound)
        incoming = document_services.document_register_incoming(
            actor=actor,
            card=document_services.Card(
                doc_type=kind,
                title=locked.title,
                pages=locked.pages,
                correspondent=locked.sender,
                correspondent_number=locked.number,
                correspondent_date=locked.date,
                executor=executor,
            ),
            journal=journal,
            uploads=_uploads(locked),
            confirm_duplicate=True,
        )
        claimed = MedoInbound.objects.filter(
            pk=locked.pk, status=MedoInbound.Status.DELIVERED
        ).update(
            status=MedoInbound.Status.REGISTERED,
            incoming=incoming,
            registered_at=clock.now(),
            registered_by=actor.employee,
        )
        if claimed != 1:
            raise Conflict(_("This delivery was refused."))
        message = _notice(
            actor,
            locked,
            container.NotificationPart(
                refers_to=locked.uid,
                event=container.REGISTERED,
                number=incoming.reg_number,
                date=incoming.reg_date,
            ),
            kept,
        )
        record(
            actor=actor,
            verb="medo.registered",
            object_type="medo_inbound",
            object_id=locked.pk,
            data={
                "uid": locked.uid,
                "document": incoming.pk,
                "number": incoming.reg_number,
                "date": incoming.reg_date,
                "notification": message.uid,
            },
        )
        return incoming

    result: Document = _committed(kept, work)
    inbound.refresh_from_db()
    return result


def medo_refuse(*, actor: Actor, inbound: MedoInbound, reason: str, note: str = "") -> MedoInbound:
    """Refuse a received document with a reason of the МЭДО list; the sender gets the notice."""
    _check_inbound(actor, inbound)
    if reason not in RefusalReason.values:
        raise ValidationFailed(_("Choose a reason from the list."), field="reason")
    note = note.strip()[:1000]
    notice, notice_data = _notification(
        actor,
        inbound,
        container.NotificationPart(
            refers_to=inbound.uid,
            event=container.REFUSED,
            reason=reason,
            reason_label=str(RefusalReason(reason).label),
            note=note,
        ),
    )
    kept = _Kept()
    notice_name = kept.keep("out", notice_data)

    def work() -> MedoInbound:
        locked = _lock_inbound(inbound)
        MedoInbound.objects.filter(pk=locked.pk).update(
            status=MedoInbound.Status.REFUSED,
            refusal_reason=reason,
            refusal_note=note,
            refused_at=clock.now(),
            refused_by=actor.employee,
        )
        message = _message(locked, notice, notice_data, notice_name)
        record(
            actor=actor,
            verb="medo.refused",
            object_type="medo_inbound",
            object_id=locked.pk,
            data={"uid": locked.uid, "reason": reason, "note": note, "notification": message.uid},
        )
        locked.refresh_from_db()
        return locked

    return _committed(kept, work)


# Progress notices: the sweep job


def medo_progress_sweep(*, batch: int = 500) -> int:
    """Make the notices «executor assigned» and «answered» for registered received
    documents that reached a further step than their sender was told; returns how many.

    Read in batches by id; each notice is made in the transaction that records it as
    told, with the row locked and checked again, so two sweeps at once make it once."""
    made, after = 0, 0
    while True:
        candidates = list(
            MedoInbound.objects.filter(
                status=MedoInbound.Status.REGISTERED, incoming__isnull=False, pk__gt=after
            )
            .exclude(progress_told=ANSWERED)
            .order_by("pk")
            .values_list("pk", "incoming_id", "progress_told")[:batch]
        )
        if not candidates:
            return made
        after = candidates[-1][0]
        reached = progress_of([incoming for _pk, incoming, _told in candidates])
        for pk, incoming_id, told in candidates:
            step = NOTICE_FOR.get(reached.get(incoming_id, ""), "")
            if step in PROGRESS_NOTICES and _rank(step) > _rank(told):
                made += _tell_progress(pk, step)


def _rank(step: str) -> int:
    return PROGRESS_NOTICES.index(step) + 1 if step in PROGRESS_NOTICES else 0


def _tell_progress(pk: int, step: str) -> int:
    kept = _Kept()
    try:
        return _told(pk, step, kept)
    except BaseException:
        kept.drop(kept.names)
        raise


def _told(pk: int, step: str, kept: _Kept) -> int:
    with transaction.atomic():
        inbound = MedoInbound.objects.select_for_update().get(pk=pk)
        if _rank(step) <= _rank(inbound.progress_told):
            return 0
        registrar = inbound.registered_by or inbound.received_by
        actor = Actor(user=registrar.user, post=registrar)
        message = _notice(
            actor, inbound, container.NotificationPart(refers_to=inbound.uid, event=step), kept
        )
        inbound.progress_told = step
        inbound.save(update_fields=["progress_told"])
        record(
            actor=None,
            organization_id=inbound.organization_id,
            verb="medo.progress_notified",
            object_type="medo_inbound",
            object_id=inbound.pk,
            data={"uid": inbound.uid, "event": step, "notification": message.uid},
        )
    return 1
