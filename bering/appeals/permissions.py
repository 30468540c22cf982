"""Who may do what with an appeal: pure predicates over plain rows.

Staff: the appeal's organization only. Registrars register, redirect and send
answers; the head extends the term and ends correspondence; registrars and
the head leave an appeal without an answer on the other grounds. A citizen
sees only their own appeals.
"""

from __future__ import annotations

from bering.appeals.models import Appeal, Citizen, NoAnswerGround
from bering.documents import permissions as document_permissions
from bering.orgs.models import Employee


def sees_all_appeals(employee: Employee) -> bool:
    """The people who work with every appeal of their organization (the list)."""
    return employee.is_registrar or employee.is_head or employee.is_controller


def can_view(employee: Employee, appeal: Appeal) -> bool:
    if appeal.organization_id != employee.organization_id:
        return False
    if sees_all_appeals(employee):
        return True
    document = appeal.document
    return document is not None and document_permissions.can_view(employee, document)


def can_register(employee: Employee, appeal: Appeal) -> bool:
    return appeal.organization_id == employee.organization_id and employee.is_registrar


def can_redirect(employee: Employee, appeal: Appeal) -> bool:
    return appeal.organization_id == employee.organization_id and (
        employee.is_registrar or employee.is_head
    )


def can_extend(employee: Employee, appeal: Appeal) -> bool:
    return appeal.organization_id == employee.organization_id and employee.is_head


def can_close_without_answer(employee: Employee, appeal: Appeal, ground: str) -> bool:
    if appeal.organization_id != employee.organization_id:
        return False
    if ground == NoAnswerGround.REPEATED:
        return employee.is_head
    return employee.is_registrar or employee.is_head


def can_send_answer(employee: Employee, appeal: Appeal) -> bool:
    return appeal.organization_id == employee.organization_id and employee.is_registrar


def citizen_owns(citizen: Citizen, appeal: Appeal) -> bool:
    return appeal.citizen_id == citizen.pk
