"""Who may do what with an appeal: pure predicates over plain rows.

Staff: the appeal's organization only. Registrars register, redirect and send
answers; the head extends the term and ends correspondence; registrars and
the head leave an appeal without an answer on the other grounds. A citizen
sees only their own appeals.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Actions:
    """What the person may do with the appeal now: the flags the card reads."""

    register: bool
    redirect: bool
    extend: bool
    close: bool
    end_correspondence: bool
    send_answer: bool


def actions_for(employee: Employee, appeal: Appeal) -> Actions:
    received = appeal.status == Appeal.Status.RECEIVED
    registered = appeal.status == Appeal.Status.REGISTERED
    return Actions(
        register=received and can_register(employee, appeal),
        redirect=registered and can_redirect(employee, appeal),
        extend=registered and appeal.extended_at is None and can_extend(employee, appeal),
        close=appeal.is_open
        and can_close_without_answer(employee, appeal, NoAnswerGround.ANONYMOUS),
        end_correspondence=appeal.is_open
        and can_close_without_answer(employee, appeal, NoAnswerGround.REPEATED),
        send_answer=registered and can_send_answer(employee, appeal),
    )


def sees_appeals_menu(employee: Employee) -> bool:
    return sees_all_appeals(employee)
