"""Who may see and change a document: pure predicates over plain rows."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from bering.documents.models import Document
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
    return document.status == Document.Status.DRAFT and document.author_id == employee.pk


def can_register(employee: Employee) -> bool:
    return employee.is_registrar
