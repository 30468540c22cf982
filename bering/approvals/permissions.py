"""Who may do what in approval: pure predicates over plain rows."""

from __future__ import annotations

from bering.documents import permissions as document_permissions
from bering.documents.models import Document
from bering.orgs.models import Employee


def can_start(employee: Employee, document: Document) -> bool:
    """The author sends their own draft (also a returned one) for approval."""
    return (
        document_permissions.can_view(employee, document)
        and document.author_id == employee.pk
        and document.status in (Document.Status.DRAFT, Document.Status.REWORK)
    )


def is_author(employee: Employee, document: Document) -> bool:
    return document_permissions.can_view(employee, document) and document.author_id == employee.pk


def can_recall(employee: Employee, document: Document) -> bool:
    return (
        document_permissions.can_view(employee, document)
        and document.author_id == employee.pk
        and document.status in (Document.Status.ON_APPROVAL, Document.Status.ON_SIGNING)
    )


def can_register_signed(employee: Employee, document: Document) -> bool:
    return document.status == Document.Status.SIGNED and document_permissions.can_register(employee)


def can_edit_routes(employee: Employee, organization_id: int) -> bool:
    """Route templates of an organization are kept by its administrator, registrar or head."""
    return (
        employee.is_active
        and employee.organization_id == organization_id
        and (employee.is_org_admin or employee.is_registrar or employee.is_head)
    )
