"""Turning ids of an API request into objects, always within the acting organization.

An id the actor may not use is a 400 on its field, never a 404 of the whole
request and never a hint that the object exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bering.core.errors import NotFound, ValidationFailed
from bering.documents import selectors, services
from bering.documents.models import Document, DocumentType, Journal
from bering.orgs.actor import Actor
from bering.orgs.models import Employee


def doc_type_get(doc_type_id: int) -> DocumentType:
    found = selectors.document_types().filter(pk=doc_type_id).first()
    if found is None:
        raise ValidationFailed(_("Unknown document type."), field="doc_type")
    return found


def journal_get(actor: Actor, journal_id: int) -> Journal:
    found = selectors.journals_for(actor).filter(pk=journal_id).first()
    if found is None:
        raise ValidationFailed(_("Choose a journal of your organization."), field="journal")
    return found


def _colleagues(actor: Actor, ids: Sequence[int], field: str) -> list[Employee]:
    # TODO(orgs): belongs in bering.orgs.selectors as ``colleagues_get``.
    wanted = set(ids)
    found = list(
        Employee.objects.filter(
            pk__in=wanted, organization_id=actor.organization_id, is_active=True
        ).select_related("user")
    )
    if len(found) != len(wanted):
        raise ValidationFailed(_("Choose people of your organization."), field=field)
    return found


def _colleague(actor: Actor, employee_id: int | None, field: str) -> Employee | None:
    if employee_id is None:
        return None
    return _colleagues(actor, [employee_id], field)[0]


def _reply_target(actor: Actor, document_id: int | None) -> Document | None:
    if document_id is None:
        return None
    try:
        return selectors.document_get_for_user(actor, document_id)
    except NotFound as exc:
        raise ValidationFailed(_("Document not found."), field="in_reply_to") from exc


def card_from(actor: Actor, data: Mapping[str, Any]) -> services.Card:
    """The service's ``Card`` from a validated ``CardIn``."""
    return services.Card(
        doc_type=doc_type_get(data["doc_type"]),
        title=data["title"],
        access=data["access"],
        addressee=data["addressee"],
        pages=data["pages"],
        attachments_note=data["attachments_note"],
        correspondent=data["correspondent"],
        correspondent_number=data["correspondent_number"],
        correspondent_date=data["correspondent_date"],
        signer=_colleague(actor, data["signer"], "signer"),
        executor=_colleague(actor, data["executor"], "executor"),
        in_reply_to=_reply_target(actor, data["in_reply_to"]),
        allowed=_colleagues(actor, data["allowed"], "allowed") if data["allowed"] else [],
    )


def uploads_from(files: Sequence[UploadedFile[bytes]]) -> list[services.Upload]:
    return [services.Upload(name=f.name or "file", stream=f) for f in files]
