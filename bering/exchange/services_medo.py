"""Every write of the МЭДО containers: import here; export in ``services_medo_export``;
register, refuse and the progress notices of a received document in ``services_medo_answer``.

Keyword-only, one transaction, an audit event each. The messages back to a sender
(the acknowledgement of a received document, the notifications of its registration
or refusal) are made inside the transaction of the change they tell; the notices of
an executor assigned and of an answer come from other parts of the system and are
made by the sweep job ``exchange_medo_progress`` (``medo_progress_sweep``).

A container is checked whole before anything is written: a refused one leaves no
row and no file. Containers are kept in storage byte for byte (``medo/...``), so a
package or a message is downloaded again with the same SHA-256. Each is written under a
generated name before the row that names it, once (before the transaction whenever its
bytes are known then), and deleted again if the change does not commit (``_Kept``): a
duplicate lost to another registrar, a refusal, a rolled-back attempt leave nothing in
``medo/``, which the orphan sweep of ``files/`` never walks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden
from bering.exchange import container, permissions
from bering.exchange.container import ContainerRefused, Party, Passport
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage, RefusalReason
from bering.exchange.selectors import ANSWERED, EXECUTOR_ASSIGNED
from bering.exchange.services import _registrar_ids
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Organization
from bering.signatures.cms import verify_detached
from bering.signatures.trust import TrustStore

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")

PROGRESS_NOTICES = (EXECUTOR_ASSIGNED, ANSWERED)
"""The progress steps a sender is notified of, in order (МЭДО has no «report prepared»)."""


def _party(org: Organization) -> Party:
    return Party(name=org.name, code=org.code or "", inn=org.inn)


class _Kept:
    """The containers one change writes to storage, deleted again unless it commits.

    ``keep`` writes the bytes under a generated name (never a name another change may
    want). ``_committed`` runs the change: what an attempt wrote is deleted when the
    attempt is rolled back (whether ``work`` raised or the commit failed and the change
    runs again), and everything when the change fails."""

    def __init__(self) -> None:
        self.names: list[str] = []
        """Written before the transaction, then by the attempt running now."""
        self.lost: list[str] = []
        """Written by attempts that were rolled back."""
        self._before: int | None = None

    def keep(self, folder: str, data: bytes) -> str:
        token = uuid.uuid4().hex
        name = default_storage.save(f"medo/{folder}/{token[:2]}/{token}.zip", ContentFile(data))
        self.names.append(name)
        return name

    def attempt(self) -> None:
        """An attempt begins: what an earlier one wrote was rolled back with it."""
        if self._before is None:
            self._before = len(self.names)
        self.lost.extend(self.names[self._before :])
        del self.names[self._before :]

    def drop(self, names: list[str]) -> None:
        for name in names:
            default_storage.delete(name)


def _committed(kept: _Kept, work: Callable[[], T]) -> T:
    """``atomic_with_retry(work)``, and no container left in storage that no row names."""

    def attempt() -> T:
        kept.attempt()
        return work()

    try:
        result = atomic_with_retry(attempt)
    except BaseException:
        kept.drop(kept.lost + kept.names)
        raise
    kept.drop(kept.lost)
    return result


def _check_registrar(actor: Actor) -> None:
    if not permissions.keeps_medo(actor.employee, actor.organization_id):
        raise Forbidden(_("Only a registrar exchanges МЭДО containers."))


# Import


@dataclass
class ImportResult:
    kind: str
    """The message type: ``документ``, ``уведомление`` or ``квитанция``."""
    inbound: MedoInbound | None = None
    package: MedoPackage | None = None
    acknowledgement: MedoMessage | None = None


def _addressed_to(passport: Passport, org: Organization) -> bool:
    recipient = passport.recipient
    if recipient.code and org.code and recipient.code == org.code:
        return True
    if recipient.inn and org.inn and recipient.inn == org.inn:
        return True
    return recipient.name.strip().casefold() == org.name.strip().casefold()


def _verify_signatures(parsed: container.Container, at: dt.datetime) -> list[dict[str, object]]:
    """Each detached signature against the file it signs; the first that fails refuses all."""
    trust = TrustStore.from_settings()
    checks: list[dict[str, object]] = []
    for item in parsed.passport.files:
        if item.role != container.ROLE_SIGNATURE:
            continue
        verification = verify_detached(
            parsed.members[item.name], parsed.members[item.signs], trust=trust, at=at
        )
        if not verification.ok:
            raise ContainerRefused(
                _("The signature %(signature)s of the file %(name)s does not hold: %(why)s")
                % {"signature": item.name, "name": item.signs, "why": verification.message},
                field="container",
            )
        certificate = verification.certificate
        checks.append(
            {
                "file": item.signs,
                "signature": item.name,
                "owner": certificate.owner if certificate else "",
                "organization": certificate.organization if certificate else "",
                "serial": certificate.serial if certificate else "",
                "algorithm": certificate.algorithm if certificate else "",
                "signed_at": verification.signed_at.isoformat() if verification.signed_at else "",
            }
        )
    return checks


def medo_import(*, actor: Actor, data: bytes) -> ImportResult:
    """Take a container from the МЭДО gateway: a document goes to «На регистрацию» and an
    acknowledgement is made for its sender; a notification or an acknowledgement moves
    the status of the package it answers. Anything wrong refuses the whole container."""
    _check_registrar(actor)
    if len(data) > settings.BERING_MAX_UPLOAD_BYTES:
        raise ContainerRefused(
            _("The container is larger than %(mb)s MB.")
            % {"mb": settings.BERING_MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="container",
        )
    parsed = container.read(data)
    passport = parsed.passport
    org = actor.organization
    if not _addressed_to(passport, org):
        raise ContainerRefused(
            _("The container is addressed to «%(name)s», not to this organization.")
            % {"name": passport.recipient.name},
            field="container",
        )
    if passport.type == container.DOCUMENT:
        return _import_document(actor, parsed, data)
    return _import_answer(actor, parsed, data)


def _duplicate(uid: str) -> Conflict:
    return Conflict(_("This container was already received (duplicate): %(uid)s.") % {"uid": uid})


def _create_once(model: type[M], message_uid: str, **fields: object) -> M:
    """The row of a received message; the same uid received at the same moment by another
    registrar hits the unique constraint: a duplicate, 409, not a 500."""
    try:
        with transaction.atomic():
            row: M = model._default_manager.create(**fields)
    except IntegrityError as exc:
        raise _duplicate(message_uid) from exc
    return row


def _import_document(actor: Actor, parsed: container.Container, data: bytes) -> ImportResult:
    passport = parsed.passport
    doc = passport.document
    assert doc is not None  # container.read checks it
    if MedoInbound.objects.filter(organization_id=actor.organization_id, uid=passport.uid).exists():
        raise _duplicate(passport.uid)
    now = clock.now()
    checks = _verify_signatures(parsed, now)
    receipt = Passport(
        uid=container.new_uid(),
        type=container.ACKNOWLEDGEMENT,
        created=now,
        sender=_party(actor.organization),
        recipient=passport.sender,
        refers_to=passport.uid,
        files=list(passport.files),
    )
    receipt_data = container.build(receipt, {})
    kept = _Kept()
    storage_name = kept.keep("in", data)
    receipt_name = kept.keep("out", receipt_data)

    def work() -> ImportResult:
        if MedoInbound.objects.filter(
            organization_id=actor.organization_id, uid=passport.uid
        ).exists():
            raise _duplicate(passport.uid)
        inbound = _create_once(
            MedoInbound,
            passport.uid,
            uid=passport.uid,
            organization_id=actor.organization_id,
            sender=passport.sender.name[:500],
            sender_code=passport.sender.code[:40],
            sender_inn=passport.sender.inn[:12],
            kind=doc.kind[:200],
            title=doc.title,
            number=doc.number,
            date=doc.date,
            signer=doc.signer_name,
            signer_post=doc.signer_post,
            pages=doc.pages,
            files=[
                {
                    "name": f.name,
                    "role": f.role,
                    "size": f.size,
                    "sha256": f.sha256,
                    "original_name": f.original_name,
                    "signs": f.signs,
                    "of": f.of,
                }
                for f in passport.files
            ],
            signatures=checks,
            storage_name=storage_name,
            sha256=container.sha256(data),
            received_at=now,
            received_by=actor.employee,
        )
        acknowledgement = _message(inbound, receipt, receipt_data, receipt_name)
        notify(
            recipient_ids=_registrar_ids(actor.organization_id),
            kind="delivery",
            title=_("To register: %(number)s from %(sender)s")
            % {"number": inbound.number, "sender": inbound.sender},
            url=reverse("exchange:medo-inbound", args=[inbound.pk]),
            object_type="medo_inbound",
            object_id=inbound.pk,
            dedupe_key=f"medo-inbound-{inbound.pk}",
        )
        record(
            actor=actor,
            verb="medo.received",
            object_type="medo_inbound",
            object_id=inbound.pk,
            data={
                "uid": inbound.uid,
                "sender": inbound.sender,
                "number": inbound.number,
                "date": inbound.date,
                "sha256": inbound.sha256,
                "files": [{"name": f.name, "sha256": f.sha256} for f in passport.files],
                "acknowledgement": acknowledgement.uid,
            },
        )
        return ImportResult(
            kind=container.DOCUMENT, inbound=inbound, acknowledgement=acknowledgement
        )

    return _committed(kept, work)


def _message(inbound: MedoInbound, passport: Passport, data: bytes, name: str) -> MedoMessage:
    """List a message made for the sender of a received document (its container ``data``
    kept as ``name``) for the gateway."""
    return MedoMessage.objects.create(
        uid=passport.uid,
        organization_id=inbound.organization_id,
        direction=MedoMessage.Direction.OUT,
        kind=passport.type,
        event=passport.notification.event if passport.notification else "",
        counterpart=inbound.sender,
        refers_to=inbound.uid,
        inbound=inbound,
        storage_name=name,
        sha256=container.sha256(data),
        size=len(data),
        created_at=passport.created,
    )


def _import_answer(actor: Actor, parsed: container.Container, data: bytes) -> ImportResult:
    """A notification or an acknowledgement of one of our packages."""
    passport = parsed.passport
    refers_to = passport.notification.refers_to if passport.notification else passport.refers_to
    kept = _Kept()
    storage_name = kept.keep("in", data)

    def work() -> ImportResult:
        package = (
            MedoPackage.objects.select_for_update()
            .filter(uid=refers_to, organization_id=actor.organization_id)
            .first()
        )
        if package is None:
            raise ContainerRefused(
                _("The message answers a container this organization did not send: %(uid)s.")
                % {"uid": refers_to[:36]},
                field="container",
            )
        if MedoMessage.objects.filter(
            organization_id=actor.organization_id,
            direction=MedoMessage.Direction.IN,
            uid=passport.uid,
        ).exists():
            raise _duplicate(passport.uid)
        message = _create_once(
            MedoMessage,
            passport.uid,
            uid=passport.uid,
            organization_id=actor.organization_id,
            direction=MedoMessage.Direction.IN,
            kind=passport.type,
            event=passport.notification.event if passport.notification else "",
            counterpart=passport.sender.name[:500],
            refers_to=package.uid,
            package=package,
            storage_name=storage_name,
            sha256=container.sha256(data),
            size=len(data),
            created_at=clock.now(),
        )
        if passport.type == container.ACKNOWLEDGEMENT:
            _acknowledged(package, passport)
        else:
            _notified(package, passport)
        package.updated_at = clock.now()
        package.save()
        _tell_sender(package, message)
        record(
            actor=actor,
            verb="medo.answer_received",
            object_type="document",
            object_id=package.document_id,
            data={
                "package": package.pk,
                "uid": message.uid,
                "kind": message.kind,
                "event": message.event,
                "status": package.status,
                "their_number": package.their_number,
                "refusal_reason": package.refusal_reason,
                "receipt_mismatch": package.receipt_mismatch,
            },
        )
        return ImportResult(kind=passport.type, package=package)

    return _committed(kept, work)


def _acknowledged(package: MedoPackage, passport: Passport) -> None:
    """The receipt lists what the addressee received; any difference is flagged."""
    sent = {f["name"]: f["sha256"] for f in package.files}
    received = {f.name: f.sha256 for f in passport.files}
    differ = sorted(n for n in sent.keys() | received.keys() if sent.get(n) != received.get(n))
    package.receipt_mismatch = (
        (
            _("The receipt's hashes differ from what was sent: %(names)s")
            % {"names": ", ".join(differ)}
        )[:1000]
        if differ
        else ""
    )
    package.acknowledged_at = passport.created
    if package.status == MedoPackage.Status.SENT:
        package.status = MedoPackage.Status.ACKNOWLEDGED


def _notified(package: MedoPackage, passport: Passport) -> None:
    note = passport.notification
    assert note is not None  # container.read checks it
    if note.event == container.REGISTERED:
        package.status = MedoPackage.Status.REGISTERED
        package.their_number = note.number
        package.their_date = note.date
    elif note.event == container.REFUSED:
        package.status = MedoPackage.Status.REFUSED
        package.refusal_reason = (
            note.reason if note.reason in RefusalReason.values else RefusalReason.INCOMPLETE
        )
        package.refusal_note = (note.note or note.reason_label)[:1000]
    else:
        order = ["", *list(PROGRESS_NOTICES)]
        if order.index(note.event) > order.index(package.progress or ""):
            package.progress = note.event


def _tell_sender(package: MedoPackage, message: MedoMessage) -> None:
    document = package.document
    people = {document.author_id, document.registered_by_id, package.created_by_id}
    notify(
        recipient_ids=[p for p in people if p is not None],
        kind="delivery",
        title=_("%(org)s: %(kind)s on № %(number)s")
        % {
            "org": message.counterpart,
            "kind": message.get_kind_display(),
            "number": document.reg_number,
        },
        url=reverse("exchange:document", args=[document.pk]),
        object_type="medo_package",
        object_id=package.pk,
        dedupe_key=f"medo-answer-{message.pk}",
    )
