"""Every write on documents. Keyword-only, one transaction, an audit event each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import numbering, permissions
from bering.documents.indexing import document_index, document_index_number
from bering.documents.models import Document, DocumentFile, DocumentType, Flow, Journal
from bering.documents.selectors import incoming_duplicates
from bering.files.services import file_store
from bering.orgs.actor import Actor
from bering.orgs.models import Employee

REGISTRABLE = permissions.REGISTRABLE


class PossibleDuplicate(Conflict):
    code = "possible_duplicate"

    def __init__(self, duplicates: list[Document]) -> None:
        numbers = ", ".join(f"№ {d.reg_number or '—'}" for d in duplicates)
        super().__init__(
            _(
                "A letter from this correspondent with the same number and date is "
                "already registered (%(numbers)s). Check it, or confirm to register anyway."
            )
            % {"numbers": numbers}
        )
        self.duplicates = duplicates


@dataclass
class Upload:
    """A file as it arrives from a form or the API."""

    name: str
    stream: IO[bytes]


@dataclass
class Card:
    """The requisites of a registration card, as entered by a clerk."""

    doc_type: DocumentType
    title: str
    access: str = Document.Access.GENERAL
    addressee: str = ""
    pages: int | None = None
    attachments_note: str = ""
    correspondent: str = ""
    correspondent_number: str = ""
    correspondent_date: dt.date | None = None
    signer: Employee | None = None
    executor: Employee | None = None
    in_reply_to: Document | None = None
    allowed: Sequence[Employee] = field(default_factory=list)


def _check_card(actor: Actor, card: Card) -> None:
    if not card.title.strip():
        raise ValidationFailed(_("Enter the summary of the document."), field="title")
    if not card.doc_type.is_active:
        raise ValidationFailed(_("This document type is no longer in use."), field="doc_type")
    org_id = actor.organization_id
    for person, name in ((card.signer, "signer"), (card.executor, "executor")):
        if person is not None and person.organization_id != org_id:
            raise ValidationFailed(_("Choose a person of your organization."), field=name)
    if any(p.organization_id != org_id for p in card.allowed):
        raise ValidationFailed(_("Choose people of your organization."), field="allowed")
    if card.in_reply_to is not None and card.in_reply_to.organization_id != org_id:
        raise ValidationFailed(_("Document not found."), field="in_reply_to")
    local_today = actor.organization.local_today(clock.now())
    if card.correspondent_date and card.correspondent_date > local_today:
        raise ValidationFailed(_("Their date cannot be in the future."), field="correspondent_date")
    if card.access == Document.Access.RESTRICTED and not card.allowed:
        raise ValidationFailed(
            _("Name at least one person who may read a restricted document."), field="allowed"
        )


def _new_document(actor: Actor, card: Card, flow: str) -> Document:
    document = Document.objects.create(
        organization=actor.organization,
        doc_type=card.doc_type,
        flow=flow,
        title=card.title.strip(),
        access=card.access,
        author=actor.employee,
        signer=card.signer,
        executor=card.executor,
        addressee=card.addressee.strip(),
        pages=card.pages,
        attachments_note=card.attachments_note.strip(),
        correspondent=card.correspondent.strip(),
        correspondent_number=card.correspondent_number.strip(),
        correspondent_date=card.correspondent_date,
        in_reply_to=card.in_reply_to,
    )
    if card.allowed:
        document.allowed.set(card.allowed)
    return document


def _attach(
    actor: Actor, document: Document, uploads: Sequence[Upload], *, fresh: bool = False
) -> list[DocumentFile]:
    """Add ``uploads`` to the next free slots (from the first, if the document is
    ``fresh``: made in this transaction)."""
    added: list[DocumentFile] = []
    if not uploads:
        return added
    next_slot = 1 if fresh else (document.files.aggregate(m=Max("slot"))["m"] or 0) + 1
    for upload in uploads:
        stored = file_store(stream=upload.stream, name=upload.name, uploaded_by_id=actor.user.pk)
        role = DocumentFile.Role.MAIN if next_slot == 1 else DocumentFile.Role.ATTACHMENT
        added.append(
            DocumentFile.objects.create(
                document=document,
                slot=next_slot,
                version=1,
                role=role,
                stored=stored,
                added_by=actor.employee,
            )
        )
        next_slot += 1
    return added


def _assign_number(actor: Actor, document: Document, journal: Journal) -> None:
    if journal.organization_id != document.organization_id or not journal.is_active:
        raise ValidationFailed(_("Choose a journal of your organization."), field="journal")
    if journal.flow != document.flow:
        raise ValidationFailed(
            _("This journal is for other documents (%(flow)s).")
            % {"flow": journal.get_flow_display()},
            field="journal",
        )
    moment = clock.now()
    local_day = document.organization.local_today(moment)
    seq = numbering.allocate(journal=journal, year=local_day.year)
    document.journal = journal
    document.reg_year = local_day.year
    document.reg_seq = seq
    document.reg_number = numbering.format_number(
        template=journal.template, index=journal.index, seq=seq, year=local_day.year
    )
    document.reg_date = local_day
    document.registered_at = moment
    document.registered_by = actor.employee
    document.status = Document.Status.REGISTERED
    document.save(
        update_fields=[
            "journal",
            "reg_year",
            "reg_seq",
            "reg_number",
            "reg_date",
            "registered_at",
            "registered_by",
            "status",
            "updated_at",
        ]
    )


def _card_data(document: Document) -> dict[str, object]:
    return {
        "type": document.doc_type.code,
        "title": document.title,
        "access": document.access,
        "correspondent": document.correspondent,
        "correspondent_number": document.correspondent_number,
        "correspondent_date": document.correspondent_date,
    }


def document_register_incoming(
    *,
    actor: Actor,
    card: Card,
    journal: Journal,
    uploads: Sequence[Upload] = (),
    confirm_duplicate: bool = False,
) -> Document:
    """Register an incoming letter in one step: card, scan, number. All or nothing."""
    if not permissions.can_register(actor.employee):
        raise Forbidden(_("Only a registrar may register documents."))
    _check_card(actor, card)
    if not card.correspondent.strip():
        raise ValidationFailed(_("Enter the correspondent."), field="correspondent")
    if not confirm_duplicate:
        duplicates = incoming_duplicates(
            organization_id=actor.organization_id,
            correspondent=card.correspondent,
            number=card.correspondent_number,
            date=card.correspondent_date,
        )
        if duplicates:
            raise PossibleDuplicate(duplicates)
    for upload in uploads:
        upload.stream.seek(0)

    def work() -> Document:
        for upload in uploads:
            upload.stream.seek(0)
        document = _new_document(actor, card, Flow.INCOMING)
        files = _attach(actor, document, uploads, fresh=True)
        entry = document_index(document, fresh=files)  # before the counter is locked
        _assign_number(actor, document, journal)
        document_index_number(document, entry)
        record(
            actor=actor,
            verb="document.registered",
            object_type="document",
            object_id=document.pk,
            data={
                **_card_data(document),
                "number": document.reg_number,
                "files": [f.stored.original_name for f in files],
            },
        )
        return document

    return atomic_with_retry(work)


def document_create(
    *, actor: Actor, card: Card, flow: str, uploads: Sequence[Upload] = ()
) -> Document:
    """Create a draft (outgoing or internal document) with its files."""
    if flow not in Flow.values:
        raise ValidationFailed(_("Unknown document flow."), field="flow")
    _check_card(actor, card)

    def work() -> Document:
        for upload in uploads:
            upload.stream.seek(0)
        document = _new_document(actor, card, flow)
        files = _attach(actor, document, uploads, fresh=True)
        document_index(document, fresh=files)  # before the audit chain's lock
        record(
            actor=actor,
            verb="document.created",
            object_type="document",
            object_id=document.pk,
            data={**_card_data(document), "files": [f.stored.original_name for f in files]},
        )
        return document

    return atomic_with_retry(work)


def document_register(*, actor: Actor, document: Document, journal: Journal) -> Document:
    """Give a draft its number from ``journal``. A document is registered only once."""
    if not permissions.can_register(actor.employee):
        raise Forbidden(_("Only a registrar may register documents."))

    def work() -> Document:
        locked = (
            Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
        )
        if locked.status == Document.Status.REGISTERED:
            raise Conflict(
                _("The document is already registered as № %(number)s.")
                % {"number": locked.reg_number}
            )
        if locked.status not in REGISTRABLE:
            raise Conflict(_("The draft is not signed yet: it can be registered after signing."))
        _assign_number(actor, locked, journal)
        document_index_number(locked)  # the rest of the card was indexed with the draft
        record(
            actor=actor,
            verb="document.registered",
            object_type="document",
            object_id=locked.pk,
            data={"number": locked.reg_number, "journal": journal.name},
        )
        return locked

    return atomic_with_retry(work)


def document_file_add(
    *, actor: Actor, document: Document, upload: Upload, replaces_slot: int | None = None
) -> DocumentFile:
    """Add an attachment, or a new version of the file in ``replaces_slot``."""
    if not permissions.can_edit(actor.employee, document):
        raise Forbidden(_("You may read this document but not change it."))

    def work() -> DocumentFile:
        upload.stream.seek(0)
        locked = Document.objects.select_for_update().filter(pk=document.pk).first()
        if locked is not None and permissions.files_frozen(locked):
            raise Conflict(
                _(
                    "The files of this document cannot change now: it is on approval or "
                    "signing, or already signed. Recall it from approval first."
                )
                if locked.signed_at is None
                else _("The document is signed: its signed files never change.")
            )
        if replaces_slot is None:
            item = _attach(actor, document, [upload])[0]
        else:
            current = (
                DocumentFile.objects.filter(document=document, slot=replaces_slot)
                .order_by("-version")
                .first()
            )
            if current is None:
                raise ValidationFailed(_("File not found."), field="slot")
            stored = file_store(
                stream=upload.stream, name=upload.name, uploaded_by_id=actor.user.pk
            )
            item = DocumentFile.objects.create(
                document=document,
                slot=replaces_slot,
                version=current.version + 1,
                role=current.role,
                stored=stored,
                added_by=actor.employee,
            )
        document_index(document)  # before the audit chain's lock
        record(
            actor=actor,
            verb="document.file_added",
            object_type="document",
            object_id=document.pk,
            data={
                "file": item.stored.original_name,
                "slot": item.slot,
                "version": item.version,
                "sha256": item.stored.sha256,
            },
        )
        return item

    return atomic_with_retry(work)


def document_grant_access(
    *, actor: Actor | None, document: Document, employees: Sequence[Employee], reason: str
) -> None:
    """Name more people on a restricted document (an executor, an approver).

    Called by higher layers inside their own transaction; people of another
    organization are refused. General documents need no grant.
    """
    if document.access != Document.Access.RESTRICTED:
        return
    strangers = [e for e in employees if e.organization_id != document.organization_id]
    if strangers:
        raise ValidationFailed(_("Choose people of your organization."), field="allowed")
    existing = set(document.allowed.values_list("pk", flat=True))
    new = [e for e in employees if e.pk not in existing]
    if not new:
        return
    document.allowed.add(*new)
    record(
        actor=actor,
        verb="document.access_granted",
        object_type="document",
        object_id=document.pk,
        organization_id=document.organization_id,
        data={"employees": [e.pk for e in new], "reason": reason},
    )
