"""Who may do what in approval: pure predicates over plain rows."""

from __future__ import annotations

from dataclasses import dataclass

from bering.approvals.models import Visa
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


@dataclass(frozen=True)
class VisaActions:
    """What the visa page offers its viewer: flags, so the template restates no rule."""

    sign: bool  # sign with the password (the signer's task)
    decide: bool  # agree, agree with remarks, not agree (an approver's visa)
    give_back: bool  # return the draft for rework (the signer's other choice)


def visa_actions_for(employee: Employee, visa: Visa) -> VisaActions:
    """Only the visa's own approver acts, and only while it is pending (a substitute acts
    as the absent approver: ``employee`` is the one on whose behalf they work)."""
    mine = visa.approver_id == employee.pk and visa.status == Visa.Status.PENDING
    signing = visa.kind == Visa.Kind.SIGN
    return VisaActions(
        sign=mine and signing, decide=mine and not signing, give_back=mine and signing
    )
