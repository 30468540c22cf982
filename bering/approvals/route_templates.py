"""Keeping an organization's route templates: every write, one transaction, one audit event.

A route template (``RouteTemplate`` -> ``RouteStage`` -> ``RouteParticipant``)
is kept by its organization's administrator, registrar or head
(``permissions.can_edit_routes``). Every write on a template locks the
template's row first, so concurrent edits of one template run one after
another and its stages stay numbered 1..n (a unique constraint as well).
Employees, positions and departments of another organization are answered
like missing ones: ``NotFound``. Events are written on the template
(``object_type="route_template"``), verbs ``route.*``.

Templates and stages are here; participants in ``route_participants``; the limits,
checks and shared steps in ``route_templates_common``. The public names of all three
are importable from here.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from bering.approvals.models import Mode, RouteParticipant, RouteStage, RouteTemplate
from bering.approvals.route_participants import route_participant_add, route_participant_remove
from bering.approvals.route_templates_common import (
    DOWN,
    EDIT_DENIED,
    KEEP,
    MAX_ID,
    MAX_NAME,
    MAX_PARTICIPANTS,
    MAX_STAGE_DAYS,
    MAX_STAGES,
    OBJECT_TYPE,
    TEMPLATE_NOT_FOUND,
    UP,
    Keep,
    _check_days,
    _check_mode,
    _clean_name,
    _doc_type,
    _event,
    _lock,
    _may_edit,
    _name_taken,
    _participant_data,
    _stage_data,
    _stage_of,
    _stages,
    participant_label,
)
from bering.core.db import atomic_with_retry
from bering.core.errors import NotFound, ValidationFailed
from bering.orgs.actor import Actor

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


__all__ = [
    "DOWN",
    "EDIT_DENIED",
    "KEEP",
    "MAX_ID",
    "MAX_NAME",
    "MAX_PARTICIPANTS",
    "MAX_STAGES",
    "MAX_STAGE_DAYS",
    "OBJECT_TYPE",
    "TEMPLATE_NOT_FOUND",
    "UP",
    "Keep",
    "participant_label",
    "route_participant_add",
    "route_participant_remove",
    "route_stage_add",
    "route_stage_move",
    "route_stage_remove",
    "route_stage_update",
    "route_template_create",
    "route_template_update",
]
