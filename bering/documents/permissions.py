"""Who may see and change a document: pure predicates over plain rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from bering.documents.models import Document, Flow
from bering.orgs.models import Employee


def visibility_q(employee: Employee) -> Q:
    """Documents ``employee`` may see: their organization's, restricted ones only if named."""
    named = Document.allowed.through.objects.filter(
        document_id=OuterRef("pk"), employee_id=employee.pk
    )
    return Q(organization_id=employee.organization_id) & (
        Q(access=Document.Access.GENERAL)
        | Q(author_id=employee.pk)
        | Q(signer_id=employee.pk)
        | Q(executor_id=employee.pk)
        | Q(registered_by_id=employee.pk)
        | Q(Exists(named))
    )


def can_view(employee: Employee, document: Document) -> bool:
    if document.organization_id != employee.organization_id:
        return False
    if document.access == Document.Access.GENERAL:
        return True
    if employee.pk in (
        document.author_id,
        document.signer_id,
        document.executor_id,
        document.registered_by_id,
    ):
        return True
    return document.allowed.filter(pk=employee.pk).exists()


def can_edit(employee: Employee, document: Document) -> bool:
    """Registrars keep the cards of their organization; authors edit their drafts."""
    if not can_view(employee, document) or document.status == Document.Status.CANCELLED:
        return False
    if employee.is_registrar:
        return True
    return document.status in EDITABLE_BY_AUTHOR and document.author_id == employee.pk


EDITABLE_BY_AUTHOR = (Document.Status.DRAFT, Document.Status.REWORK)
"""Statuses in which the author still changes a draft (a returned draft is reworked)."""

FILES_FROZEN = (Document.Status.ON_APPROVAL, Document.Status.ON_SIGNING, Document.Status.SIGNED)
"""Statuses in which the files may not change: approvers and the signer see fixed bytes."""


def files_frozen(document: Document) -> bool:
    """True while a draft is on approval or signing, and forever once it is signed."""
    return document.status in FILES_FROZEN or document.signed_at is not None


def can_register(employee: Employee) -> bool:
    return employee.is_registrar


REGISTRABLE = (Document.Status.DRAFT, Document.Status.SIGNED)
"""A draft outside approval (the old one-step way) or a signed one gets its number."""


def can_register_document(employee: Employee, document: Document) -> bool:
    return document.status in REGISTRABLE and can_register(employee)


def takes_resolutions(document: Document) -> bool:
    """A registered incoming or internal document is resolved and executed."""
    return document.status == Document.Status.REGISTERED and document.flow != Flow.OUTGOING


def is_sendable(document: Document) -> bool:
    """A registered outgoing document is delivered to its addressees."""
    return document.status == Document.Status.REGISTERED and document.flow == Flow.OUTGOING


def has_approval_route(document: Document) -> bool:
    """Drafts of outgoing and internal documents are approved; incoming ones are not."""
    return document.flow != Flow.INCOMING


@dataclass(frozen=True)
class DocumentActions:
    """What the card offers the person now: the flags ``detail.html`` reads."""

    edit: bool
    register: bool
    resolutions: bool
    delivery: bool
    approval_route: bool


def actions_for(employee: Employee, document: Document) -> DocumentActions:
    return DocumentActions(
        edit=can_edit(employee, document),
        register=can_register_document(employee, document),
        resolutions=takes_resolutions(document),
        delivery=is_sendable(document),
        approval_route=has_approval_route(document),
    )
