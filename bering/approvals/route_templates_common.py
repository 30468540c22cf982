"""What the writes on route templates share: limits, messages, checks, the template's
lock, the stages' numbering, the audit event."""

from __future__ import annotations

import enum
from typing import Final

from django.utils.translation import gettext_lazy as _

from bering.approvals import permissions
from bering.approvals.models import Mode, RouteParticipant, RouteStage, RouteTemplate
from bering.audit.services import record
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.documents.models import DocumentType
from bering.orgs.actor import Actor

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
