"""Keeping an organization's route templates: every write, one transaction, one audit event.

A route template (``RouteTemplate`` -> ``RouteStage`` -> ``RouteParticipant``)
is kept by its organization's administrator, registrar or head
(``permissions.can_edit_routes``). Every write on a template locks the
template's row first, so concurrent edits of one template run one after
another and its stages stay numbered 1..n (a unique constraint as well).
Employees, positions and departments of another organization are answered
like missing ones: ``NotFound``. Events are written on the template
(``object_type="route_template"``), verbs ``route.*``.
"""

from __future__ import annotations

import enum
from typing import Final

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from bering.approvals import permissions
from bering.approvals.models import Mode, RouteParticipant, RouteStage, RouteTemplate
from bering.audit.services import record
from bering.core.db import atomic_with_retry
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.documents.models import DocumentType
from bering.orgs.actor import Actor
from bering.orgs.models import Department, Employee, Position

OBJECT_TYPE = "route_template"
MAX_NAME = 200
MAX_STAGE_DAYS = 30
MAX_STAGES = 20
MAX_PARTICIPANTS = 50
MAX_ID = 2**63 - 1
"""An id beyond 64 bits cannot exist; the database must not see it (SQLite overflows)."""

EDIT_DENIED = _("Route templates are kept by the organization's administrator, registrar or head.")
TEMPLATE_NOT_FOUND = _("Route template not found.")
UP, DOWN = "up", "down"


class Keep(enum.Enum):
    """A value left as it is (for partial changes, where ``None`` means "empty")."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP


# --- checks ---------------------------------------------------------------------------


def _clean_name(name: str, *, field: str = "name") -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed(_("Enter a name."), field=field)
    if len(cleaned) > MAX_NAME:
        raise ValidationFailed(
            _("The name is too long: at most %(n)s characters.") % {"n": MAX_NAME}, field=field
        )
    return cleaned


def _check_mode(mode: str) -> None:
    if mode not in Mode.values:
        raise ValidationFailed(_("Unknown stage mode."), field="mode")


def _check_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= MAX_STAGE_DAYS:
        raise ValidationFailed(
            _(
                "A stage lasts 1 to %(n)s working days; leave it empty to take the time "
                "from the regulation."
            )
            % {"n": MAX_STAGE_DAYS},
            field="days",
        )


def _doc_type(doc_type_id: int | None) -> DocumentType | None:
    if doc_type_id is None:
        return None
    found = (
        DocumentType.objects.filter(pk=doc_type_id, is_active=True).first()
        if 0 < doc_type_id <= MAX_ID
        else None
    )
    if found is None:
        raise ValidationFailed(_("Choose a document type from the list."), field="doc_type")
    return found


def _name_taken(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("Your organization already has a route template named «%(name)s».") % {"name": name},
        code="name_taken",
        field="name",
    )


def _may_edit(actor: Actor, organization_id: int) -> None:
    """Another organization's template is missing to the actor; their own may be read-only."""
    if organization_id != actor.organization_id:
        raise NotFound(TEMPLATE_NOT_FOUND)
    if not permissions.can_edit_routes(actor.employee, organization_id):
        raise Forbidden(EDIT_DENIED)


def _lock(actor: Actor, template: RouteTemplate) -> RouteTemplate:
    """The template's row, locked for the rest of the transaction."""
    _may_edit(actor, template.organization_id)
    locked = RouteTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if locked is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    return locked


def _stage_of(template: RouteTemplate, stage_id: int) -> RouteStage:
    stage = (
        RouteStage.objects.filter(pk=stage_id, template=template).first()
        if 0 < stage_id <= MAX_ID
        else None
    )
    if stage is None:
        raise NotFound(_("Stage not found."))
    return stage


def _stages(template: RouteTemplate) -> list[RouteStage]:
    """The stages numbered 1..n in their order (a gap left by the admin is closed).

    Assigned in ascending order, each stage moves down into a free number, so
    the unique order is never violated on the way.
    """
    stages = list(RouteStage.objects.filter(template=template).order_by("order", "pk"))
    for position, stage in enumerate(stages, start=1):
        if stage.order != position:
            RouteStage.objects.filter(pk=stage.pk).update(order=position)
            stage.order = position
    return stages


def _renumber_participants(stage: RouteStage) -> None:
    participants = RouteParticipant.objects.filter(stage=stage).order_by("order", "pk")
    for position, participant in enumerate(participants, start=1):
        if participant.order != position:
            RouteParticipant.objects.filter(pk=participant.pk).update(order=position)


def _stage_data(stage: RouteStage) -> dict[str, object]:
    return {
        "stage": stage.pk,
        "order": stage.order,
        "name": stage.name,
        "mode": stage.mode,
        "days": stage.days,
    }


def participant_label(participant: RouteParticipant) -> str:
    """Who a participant is, in words: «Должность: Юрист», «Иванов И. И.»."""
    kind = participant.get_kind_display()
    if participant.kind == RouteParticipant.Kind.EMPLOYEE and participant.employee is not None:
        return participant.employee.user.display_name
    if participant.kind == RouteParticipant.Kind.POSITION and participant.position is not None:
        return f"{kind}: {participant.position.name}"
    if participant.kind == RouteParticipant.Kind.DEPARTMENT_HEAD and participant.department:
        return f"{kind}: {participant.department.name}"
    return str(kind)


def _participant_data(participant: RouteParticipant) -> dict[str, object]:
    return {
        "participant": participant.pk,
        "kind": participant.kind,
        "employee": participant.employee_id,
        "position": participant.position_id,
        "department": participant.department_id,
        "label": participant_label(participant),
    }


def _event(actor: Actor, verb: str, template: RouteTemplate, **data: object) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type=OBJECT_TYPE,
        object_id=template.pk,
        organization_id=template.organization_id,
        data={"template": template.name, **data},
    )


# --- templates ------------------------------------------------------------------------


def route_template_create(
    *, actor: Actor, name: str, doc_type_id: int | None = None
) -> RouteTemplate:
    """A new, active route template of the actor's organization, without stages yet."""
    _may_edit(actor, actor.organization_id)
    cleaned = _clean_name(name)

    def work() -> RouteTemplate:
        doc_type = _doc_type(doc_type_id)
        if RouteTemplate.objects.filter(
            organization_id=actor.organization_id, name=cleaned
        ).exists():
            raise _name_taken(cleaned)
        try:
            with transaction.atomic():
                template = RouteTemplate.objects.create(
                    organization_id=actor.organization_id, name=cleaned, doc_type=doc_type
                )
        except IntegrityError as exc:  # the same name, created at the same moment
            raise _name_taken(cleaned) from exc
        _event(actor, "route.created", template, doc_type=doc_type.code if doc_type else None)
        return template

    return atomic_with_retry(work)


def route_template_update(
    *,
    actor: Actor,
    template: RouteTemplate,
    name: str | Keep = KEEP,
    doc_type_id: int | Keep | None = KEEP,
    is_active: bool | Keep = KEEP,
) -> RouteTemplate:
    """Rename a template, change its document type (``None``: any type), or switch it on
    or off. An inactive template is not offered when approval starts; nothing is deleted."""
    cleaned = None if isinstance(name, Keep) else _clean_name(name)

    def work() -> RouteTemplate:
        locked = _lock(actor, template)
        changes: dict[str, list[object]] = {}
        fields: list[str] = []
        if cleaned is not None and cleaned != locked.name:
            if (
                RouteTemplate.objects.filter(organization_id=locked.organization_id, name=cleaned)
                .exclude(pk=locked.pk)
                .exists()
            ):
                raise _name_taken(cleaned)
            changes["name"] = [locked.name, cleaned]
            locked.name = cleaned
            fields.append("name")
        if not isinstance(doc_type_id, Keep) and doc_type_id != locked.doc_type_id:
            before = locked.doc_type.code if locked.doc_type else None
            locked.doc_type = _doc_type(doc_type_id)
            changes["doc_type"] = [before, locked.doc_type.code if locked.doc_type else None]
            fields.append("doc_type")
        switched = not isinstance(is_active, Keep) and is_active != locked.is_active
        if switched:
            locked.is_active = not locked.is_active
            fields.append("is_active")
        if not fields:
            return locked
        try:
            with transaction.atomic():
                locked.save(update_fields=fields)
        except IntegrityError as exc:
            raise _name_taken(locked.name) from exc
        if changes:
            _event(actor, "route.changed", locked, changes=changes)
        if switched:
            verb = "route.activated" if locked.is_active else "route.deactivated"
            _event(actor, verb, locked)
        return locked

    return atomic_with_retry(work)


# --- stages ---------------------------------------------------------------------------


def route_stage_add(
    *,
    actor: Actor,
    template: RouteTemplate,
    name: str,
    mode: str = Mode.PARALLEL,
    days: int | None = None,
) -> RouteStage:
    """A stage at the end of the route. ``days`` empty: the regulation's time per stage."""
    cleaned = _clean_name(name)
    _check_mode(mode)
    _check_days(days)

    def work() -> RouteStage:
        locked = _lock(actor, template)
        stages = _stages(locked)
        if len(stages) >= MAX_STAGES:
            raise ValidationFailed(
                _("A route has at most %(n)s stages.") % {"n": MAX_STAGES}, field="name"
            )
        stage = RouteStage.objects.create(
            template=locked, order=len(stages) + 1, name=cleaned, mode=mode, days=days
        )
        _event(actor, "route.stage_added", locked, **_stage_data(stage))
        return stage

    return atomic_with_retry(work)


def route_stage_update(
    *,
    actor: Actor,
    template: RouteTemplate,
    stage_id: int,
    name: str | Keep = KEEP,
    mode: str | Keep = KEEP,
    days: int | Keep | None = KEEP,
) -> RouteStage:
    """Rename a stage, change its mode or its working days (``None``: from the regulation)."""
    cleaned = None if isinstance(name, Keep) else _clean_name(name)
    if not isinstance(mode, Keep):
        _check_mode(mode)
    if not isinstance(days, Keep):
        _check_days(days)

    def work() -> RouteStage:
        locked = _lock(actor, template)
        stage = _stage_of(locked, stage_id)
        changes: dict[str, list[object]] = {}
        if cleaned is not None and cleaned != stage.name:
            changes["name"] = [stage.name, cleaned]
            stage.name = cleaned
        if not isinstance(mode, Keep) and mode != stage.mode:
            changes["mode"] = [stage.mode, mode]
            stage.mode = mode
        if not isinstance(days, Keep) and days != stage.days:
            changes["days"] = [stage.days, days]
            stage.days = days
        if changes:
            stage.save(update_fields=list(changes))
            _event(actor, "route.stage_changed", locked, **_stage_data(stage), changes=changes)
        return stage

    return atomic_with_retry(work)


def route_stage_remove(*, actor: Actor, template: RouteTemplate, stage_id: int) -> None:
    """Remove a stage with its participants; the later stages move up."""

    def work() -> None:
        locked = _lock(actor, template)
        stage = _stage_of(locked, stage_id)
        participants = [
            _participant_data(p)
            for p in RouteParticipant.objects.filter(stage=stage)
            .select_related("employee__user", "position", "department")
            .order_by("order", "pk")
        ]
        data = _stage_data(stage)
        stage.delete()
        _stages(locked)
        _event(actor, "route.stage_removed", locked, **data, participants=participants)

    atomic_with_retry(work)


def route_stage_move(
    *, actor: Actor, template: RouteTemplate, stage_id: int, direction: str
) -> RouteStage:
    """Swap a stage with the one before (``up``) or after (``down``) it.

    The first stage moved up (or the last moved down) stays where it is: a
    repeated tap changes nothing and writes no event.
    """
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("Move a stage up or down."), field="direction")

    def work() -> RouteStage:
        locked = _lock(actor, template)
        stages = _stages(locked)
        index = next((i for i, s in enumerate(stages) if s.pk == stage_id), None)
        if index is None:
            raise NotFound(_("Stage not found."))
        other = index - 1 if direction == UP else index + 1
        stage = stages[index]
        if not 0 <= other < len(stages):
            return stage
        neighbour = stages[other]
        before, after = stage.order, neighbour.order
        # Through a free number: the order is unique at every step.
        RouteStage.objects.filter(pk=stage.pk).update(order=0)
        RouteStage.objects.filter(pk=neighbour.pk).update(order=before)
        RouteStage.objects.filter(pk=stage.pk).update(order=after)
        stage.order = after
        _event(
            actor,
            "route.stage_moved",
            locked,
            stage=stage.pk,
            name=stage.name,
            direction=direction,
            order=[before, after],
        )
        return stage

    return atomic_with_retry(work)


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
