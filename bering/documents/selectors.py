"""Reads of documents, always scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bering.core.errors import Forbidden, NotFound
from bering.documents import permissions
from bering.documents.models import Document, DocumentFile, DocumentType, Journal
from bering.orgs.actor import Actor


def documents_visible(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(permissions.visibility_q(actor.employee))


def document_get_for_user(actor: Actor, document_id: int, *, for_write: bool = False) -> Document:
    """The one getter: 404 if the document is missing or invisible, 403 if read-only."""
    document = (
        Document.objects.select_related(
            "doc_type",
            "journal",
            "organization",
            "author__user",
            "signer__user",
            "executor__user",
            "registered_by__user",
            "in_reply_to",
        )
        .filter(pk=document_id)
        .first()
    )
    if document is None or not permissions.can_view(actor.employee, document):
        raise NotFound(_("Document not found."))
    if for_write and not permissions.can_edit(actor.employee, document):
        raise Forbidden(_("You may read this document but not change it."))
    return document


@dataclass(frozen=True)
class DocumentFilter:
    doc_type_id: int | None = None
    status: str | None = None
    flow: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    number: str = ""
    text: str = ""


def document_list(actor: Actor, flt: DocumentFilter) -> QuerySet[Document]:
    """The "my documents" list: visible documents matching the filter, newest first."""
    qs = documents_visible(actor).select_related("doc_type", "author__user")
    if flt.doc_type_id:
        qs = qs.filter(doc_type_id=flt.doc_type_id)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.flow:
        qs = qs.filter(flow=flt.flow)
    if flt.date_from:
        qs = qs.filter(created_at__date__gte=flt.date_from)
    if flt.date_to:
        qs = qs.filter(created_at__date__lte=flt.date_to)
    if flt.number:
        qs = qs.filter(reg_number__icontains=flt.number.strip())
    if flt.text:
        for word in flt.text.split()[:5]:
            qs = qs.filter(title__icontains=word)
    return qs.order_by("-created_at", "-id")


def document_files(document: Document) -> list[DocumentFile]:
    """All files of a document, current version first in each slot."""
    return list(
        DocumentFile.objects.filter(document=document)
        .select_related("stored", "added_by__user")
        .order_by("slot", "-version")
    )


def current_files(document: Document) -> list[DocumentFile]:
    """The current (newest) version of each file slot, in slot order: the one home of
    "what the document consists of now" (approval rounds, delivery, the card)."""
    return current_of(document_files(document))


def current_of(files: list[DocumentFile]) -> list[DocumentFile]:
    """The current versions among ``document_files``' list (newest first in each slot)."""
    return [f for i, f in enumerate(files) if i == 0 or files[i - 1].slot != f.slot]


def document_file_get(actor: Actor, document_id: int, file_id: int) -> DocumentFile:
    document = document_get_for_user(actor, document_id)
    item = (
        DocumentFile.objects.select_related("stored").filter(pk=file_id, document=document).first()
    )
    if item is None:
        raise NotFound(_("File not found."))
    return item


def incoming_duplicates(
    *, organization_id: int, correspondent: str, number: str, date: dt.date | None
) -> list[Document]:
    """Incoming documents with the same correspondent, their number and date."""
    if not number or date is None:
        return []
    candidates = Document.objects.filter(
        organization_id=organization_id,
        flow="incoming",
        correspondent_number__iexact=number.strip(),
        correspondent_date=date,
    ).exclude(status=Document.Status.CANCELLED)
    key = " ".join(correspondent.casefold().split())
    return [d for d in candidates if " ".join(d.correspondent.casefold().split()) == key]


def journals_for(actor: Actor, *, flow: str | None = None) -> QuerySet[Journal]:
    qs = Journal.objects.filter(organization_id=actor.organization_id, is_active=True)
    if flow:
        qs = qs.filter(flow=flow)
    return qs.order_by("name")


def document_types(*, flow: str | None = None) -> QuerySet[DocumentType]:
    qs = DocumentType.objects.filter(is_active=True)
    if flow:
        qs = qs.filter(flow=flow)
    return qs.order_by("name")
