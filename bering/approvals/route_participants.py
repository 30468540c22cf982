"""The participants of a route template's stage: adding (an employee, a position, a
department's head and the like) and removing one, each audited on the template."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from bering.approvals.models import RouteParticipant, RouteTemplate
from bering.approvals.route_templates_common import (
    MAX_ID,
    MAX_PARTICIPANTS,
    _event,
    _lock,
    _participant_data,
    _renumber_participants,
    _stage_of,
)
from bering.core.db import atomic_with_retry
from bering.core.errors import NotFound, ValidationFailed
from bering.orgs.actor import Actor
from bering.orgs.models import Department, Employee, Position

# --- participants ---------------------------------------------------------------------


def _own_employee(pk: int, organization_id: int) -> Employee | None:
    if not 0 < pk <= MAX_ID:
        return None
    return (
        Employee.objects.filter(pk=pk, organization_id=organization_id)
        .select_related("user")
        .first()
    )


def _own_position(pk: int, organization_id: int) -> Position | None:
    if not 0 < pk <= MAX_ID:
        return None
    return Position.objects.filter(pk=pk, organization_id=organization_id).first()


def _own_department(pk: int, organization_id: int) -> Department | None:
    if not 0 < pk <= MAX_ID:
        return None
    return Department.objects.filter(pk=pk, organization_id=organization_id).first()


def route_participant_add(
    *,
    actor: Actor,
    template: RouteTemplate,
    stage_id: int,
    kind: str,
    employee_id: int | None = None,
    position_id: int | None = None,
    department_id: int | None = None,
) -> RouteParticipant:
    """Add who approves at a stage: a named employee, whoever holds a position, the head
    of a department, or the head of the organization (resolved when approval starts).

    Only the field of the kind is kept; the others are ignored.
    """
    _check_participant_kind(kind, employee_id, position_id, department_id)

    def work() -> RouteParticipant:
        locked = _lock(actor, template)
        stage = _stage_of(locked, stage_id)
        participant = RouteParticipant(stage=stage, kind=kind)
        _name_participant(
            participant, locked.organization_id, employee_id, position_id, department_id
        )
        present = RouteParticipant.objects.filter(stage=stage)
        if present.filter(
            kind=kind,
            employee=participant.employee,
            position=participant.position,
            department=participant.department,
        ).exists():
            raise ValidationFailed(_("They are already at this stage."), field="kind")
        if present.count() >= MAX_PARTICIPANTS:
            raise ValidationFailed(
                _("A stage has at most %(n)s participants.") % {"n": MAX_PARTICIPANTS},
                field="kind",
            )
        participant.order = (present.aggregate(m=Max("order"))["m"] or 0) + 1
        participant.save()
        _event(
            actor,
            "route.participant_added",
            locked,
            stage=stage.pk,
            stage_name=stage.name,
            **_participant_data(participant),
        )
        return participant

    return atomic_with_retry(work)


def _check_participant_kind(
    kind: str, employee_id: int | None, position_id: int | None, department_id: int | None
) -> None:
    """The kind is one of the four, and the field it needs is filled."""
    Kind = RouteParticipant.Kind
    if kind not in Kind.values:
        raise ValidationFailed(
            _(
                "Choose who approves: a named employee, the holder of a position, "
                "the head of a department or the head of the organization."
            ),
            field="kind",
        )
    if kind == Kind.EMPLOYEE and employee_id is None:
        raise ValidationFailed(_("Choose the employee."), field="employee")
    if kind == Kind.POSITION and position_id is None:
        raise ValidationFailed(_("Choose the position."), field="position")
    if kind == Kind.DEPARTMENT_HEAD and department_id is None:
        raise ValidationFailed(_("Choose the department."), field="department")


def _name_participant(
    participant: RouteParticipant,
    org: int,
    employee_id: int | None,
    position_id: int | None,
    department_id: int | None,
) -> None:
    """Who the participant is, by its kind: an active employee, a position or a
    department of the template's own organization (another's is not found)."""
    Kind = RouteParticipant.Kind
    if participant.kind == Kind.EMPLOYEE:
        assert employee_id is not None
        employee = _own_employee(employee_id, org)
        if employee is None:
            raise NotFound(_("Employee not found."))
        if not employee.is_active:
            raise ValidationFailed(
                _("%(name)s no longer works here: choose someone else.")
                % {"name": employee.user.display_name},
                field="employee",
            )
        participant.employee = employee
    elif participant.kind == Kind.POSITION:
        assert position_id is not None
        position = _own_position(position_id, org)
        if position is None:
            raise NotFound(_("Position not found."))
        participant.position = position
    elif participant.kind == Kind.DEPARTMENT_HEAD:
        assert department_id is not None
        department = _own_department(department_id, org)
        if department is None:
            raise NotFound(_("Department not found."))
        participant.department = department


def route_participant_remove(
    *, actor: Actor, template: RouteTemplate, stage_id: int, participant_id: int
) -> None:
    """Remove a participant from a stage; the stage itself stays."""

    def work() -> None:
        locked = _lock(actor, template)
        stage = _stage_of(locked, stage_id)
        participant = (
            RouteParticipant.objects.filter(pk=participant_id, stage=stage)
            .select_related("employee__user", "position", "department")
            .first()
            if 0 < participant_id <= MAX_ID
            else None
        )
        if participant is None:
            raise NotFound(_("Participant not found."))
        data = _participant_data(participant)
        participant.delete()
        _renumber_participants(stage)
        _event(
            actor,
            "route.participant_removed",
            locked,
            stage=stage.pk,
            stage_name=stage.name,
            **data,
        )

    atomic_with_retry(work)
