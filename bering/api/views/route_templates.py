"""Keeping route templates over the API: templates, their stages and participants.

``/approvals/route-templates/`` is the organization's own list to keep (switched-off
templates too), for its administrator, registrar or head; anyone of the organization
may read it. ``GET /approvals/route-templates/offered`` is the authors' list of active
templates (``views/approvals.py``). Every write answers with the whole template, takes
an ``Idempotency-Key`` and goes through one service of ``bering.approvals.route_templates``.
The old paths ``/approvals/routes…`` answer the same, deprecated (decision 0007, "API
names").
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils import html

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.deprecated import deprecated
from bering.api.idempotency import idempotent
from bering.api.serializers import id_field
from bering.approvals import route_templates, selectors
from bering.approvals.models import Mode, RouteParticipant, RouteTemplate
from bering.orgs.actor import Actor

# --- Output -----------------------------------------------------------------------------


class ParticipantKindField(serializers.ChoiceField):
    """``kind`` of a participant: one named enum in the schema (other "kind"s differ)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RouteParticipant.Kind.choices, **kwargs)


class ParticipantKindFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = "bering.api.views.route_templates.ParticipantKindField"

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> Any:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="RouteParticipantKindEnum",
            type=ResolvedComponent.SCHEMA,
            object="RouteParticipantKindEnum",
            schema={"type": "string", "enum": list(RouteParticipant.Kind.values)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class RouteTemplateRefOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RouteTemplateParticipantOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = ParticipantKindField()
    who = serializers.CharField(help_text="Who, in words.")
    employee = RouteTemplateRefOut(allow_null=True)
    position = RouteTemplateRefOut(allow_null=True)
    department = RouteTemplateRefOut(allow_null=True)


class RouteTemplateStageOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    order = serializers.IntegerField(help_text="1..n: the stages run in this order.")
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    days = serializers.IntegerField(
        allow_null=True, help_text="Working days; null: from the regulation."
    )
    participants = RouteTemplateParticipantOut(many=True)


class RouteTemplateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    doc_type = serializers.IntegerField(allow_null=True, help_text="Null: any document type.")
    doc_type_name = serializers.CharField(allow_null=True)
    is_active = serializers.BooleanField(help_text="Offered to authors when approval starts.")
    stages = RouteTemplateStageOut(many=True)


def _ref(obj: Any, name: str) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": name}


def route_template_data(template: RouteTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "doc_type": template.doc_type_id,
        "doc_type_name": template.doc_type.name if template.doc_type else None,
        "is_active": template.is_active,
        "stages": [
            {
                "id": stage.pk,
                "order": stage.order,
                "name": stage.name,
                "mode": stage.mode,
                "days": stage.days,
                "participants": [
                    {
                        "id": p.pk,
                        "order": p.order,
                        "kind": p.kind,
                        "who": route_templates.participant_label(p),
                        "employee": _ref(p.employee, p.employee.user.display_name)
                        if p.employee
                        else None,
                        "position": _ref(p.position, p.position.name) if p.position else None,
                        "department": _ref(p.department, p.department.name)
                        if p.department
                        else None,
                    }
                    for p in stage.participants.all()
                ],
            }
            for stage in template.stages.all()
        ],
    }


# --- Input ------------------------------------------------------------------------------


def _sent(field: serializers.Field[Any, Any, Any, Any], dictionary: Any) -> Any:
    """A value sent in a form, blank included; ``empty`` if it was not sent at all."""
    if html.is_html_input(dictionary) and field.field_name in dictionary:
        return dictionary.get(field.field_name)
    return empty


class SentCharField(serializers.CharField):
    """In a form DRF reads a blank optional field as "not sent"; here a blank sent is
    blank, so a change of only what is sent refuses an empty name instead of ignoring it."""

    def get_value(self, dictionary: Any) -> Any:
        value = _sent(self, dictionary)
        return super().get_value(dictionary) if value is empty else value


class SentChoiceField(serializers.ChoiceField):
    """As ``SentCharField``: a blank mode sent in a form is refused, not ignored."""

    def get_value(self, dictionary: Any) -> Any:
        value = _sent(self, dictionary)
        return super().get_value(dictionary) if value is empty else value


def _name(**kwargs: Any) -> serializers.CharField:
    return SentCharField(max_length=route_templates.MAX_NAME, **kwargs)


def _days(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=route_templates.MAX_STAGE_DAYS,
        allow_null=True,
        help_text="Working days; null: from the regulation.",
        **kwargs,
    )


class RouteTemplateIn(serializers.Serializer[Any]):
    name = _name(help_text="Unique in the organization.")
    doc_type = id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of a document type (GET /document-types/); null: any type.",
    )


class RouteTemplatePatchIn(serializers.Serializer[Any]):
    """Only what is sent changes."""

    name = _name(required=False)
    doc_type = id_field(required=False, allow_null=True, help_text="Null: any type.")
    is_active = serializers.BooleanField(
        required=False, allow_null=True, help_text="false: authors no longer see it."
    )


class RouteTemplateStageIn(serializers.Serializer[Any]):
    name = _name()
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.PARALLEL)
    days = _days(default=None)


class RouteTemplateStagePatchIn(serializers.Serializer[Any]):
    """Only what is sent changes."""

    name = _name(required=False)
    mode = SentChoiceField(choices=Mode.choices, required=False)
    days = _days(required=False)


class RouteTemplateStageMoveIn(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(
        choices=[route_templates.UP, route_templates.DOWN],
        help_text="up: before the previous stage; down: after the next one.",
    )


class RouteTemplateParticipantIn(serializers.Serializer[Any]):
    kind = ParticipantKindField()
    employee = id_field(required=False, allow_null=True, default=None, help_text="For employee.")
    position = id_field(required=False, allow_null=True, default=None, help_text="For position.")
    department = id_field(required=False, allow_null=True, default=None, help_text="For dept_head.")


# --- Views ------------------------------------------------------------------------------


def _answer(actor: Actor, template_id: int, status: int = 200) -> Response:
    template = selectors.route_template_get_for_user(actor, template_id)
    return Response(route_template_data(template), status=status)


def _kept(data: Any, name: str) -> Any:
    """A field's value, or ``KEEP`` when it was not sent."""
    return data.get(name, route_templates.KEEP)


class RouteTemplateListView(ApiView):
    """The acting organization's route templates, switched-off ones too; a new one."""

    @extend_schema(
        responses=RouteTemplateOut(many=True), operation_id="approvals_route_templates_list"
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        return Response([route_template_data(t) for t in selectors.route_templates_kept(actor)])

    @extend_schema(
        request=RouteTemplateIn,
        responses={201: RouteTemplateOut},
        operation_id="approvals_route_templates_create",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(RouteTemplateIn, request.data)
        template = route_templates.route_template_create(
            actor=actor, name=data["name"], doc_type_id=data["doc_type"]
        )
        return _answer(actor, template.pk, status=201)


class RouteTemplateView(ApiView):
    """One route template with its stages in order and their participants."""

    @extend_schema(responses=RouteTemplateOut, operation_id="approvals_route_templates_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return _answer(api_actor(request), pk)

    @extend_schema(
        request=RouteTemplatePatchIn,
        responses=RouteTemplateOut,
        operation_id="approvals_route_templates_update",
    )
    @idempotent
    def patch(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        data = parse(RouteTemplatePatchIn, request.data)
        is_active = data.get("is_active")
        route_templates.route_template_update(
            actor=actor,
            template=template,
            name=_kept(data, "name"),
            doc_type_id=_kept(data, "doc_type"),
            is_active=route_templates.KEEP if is_active is None else is_active,
        )
        return _answer(actor, pk)


class RouteTemplateStagesView(ApiView):
    """Add a stage at the end of the route."""

    @extend_schema(
        request=RouteTemplateStageIn,
        responses={201: RouteTemplateOut},
        operation_id="approvals_route_templates_stage_add",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        data = parse(RouteTemplateStageIn, request.data)
        route_templates.route_stage_add(
            actor=actor, template=template, name=data["name"], mode=data["mode"], days=data["days"]
        )
        return _answer(actor, pk, status=201)


class RouteTemplateStageView(ApiView):
    """Change a stage (only what is sent), or remove it with its participants."""

    @extend_schema(
        request=RouteTemplateStagePatchIn,
        responses=RouteTemplateOut,
        operation_id="approvals_route_templates_stage_update",
    )
    @idempotent
    def patch(self, request: Request, pk: int, stage_id: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        data = parse(RouteTemplateStagePatchIn, request.data)
        route_templates.route_stage_update(
            actor=actor,
            template=template,
            stage_id=stage_id,
            name=_kept(data, "name"),
            mode=_kept(data, "mode"),
            days=_kept(data, "days"),
        )
        return _answer(actor, pk)

    @extend_schema(
        request=None,
        responses={200: RouteTemplateOut},
        operation_id="approvals_route_templates_stage_remove",
    )
    @idempotent
    def delete(self, request: Request, pk: int, stage_id: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        route_templates.route_stage_remove(actor=actor, template=template, stage_id=stage_id)
        return _answer(actor, pk)


class RouteTemplateStageMoveView(ApiView):
    """Move a stage one place earlier or later; at the edge nothing changes."""

    @extend_schema(
        request=RouteTemplateStageMoveIn,
        responses=RouteTemplateOut,
        operation_id="approvals_route_templates_stage_move",
    )
    @idempotent
    def post(self, request: Request, pk: int, stage_id: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        data = parse(RouteTemplateStageMoveIn, request.data)
        route_templates.route_stage_move(
            actor=actor, template=template, stage_id=stage_id, direction=data["direction"]
        )
        return _answer(actor, pk)


class RouteTemplateParticipantsView(ApiView):
    """Add who approves at a stage: ``employee`` (with ``employee``), ``position`` (with
    ``position``), ``dept_head`` (with ``department``) or ``org_head``. Ids of another
    organization are answered 404."""

    @extend_schema(
        request=RouteTemplateParticipantIn,
        responses={201: RouteTemplateOut},
        operation_id="approvals_route_templates_participant_add",
    )
    @idempotent
    def post(self, request: Request, pk: int, stage_id: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        data = parse(RouteTemplateParticipantIn, request.data)
        route_templates.route_participant_add(
            actor=actor,
            template=template,
            stage_id=stage_id,
            kind=data["kind"],
            employee_id=data["employee"],
            position_id=data["position"],
            department_id=data["department"],
        )
        return _answer(actor, pk, status=201)


class RouteTemplateParticipantView(ApiView):
    """Remove a participant from a stage."""

    @extend_schema(
        request=None,
        responses={200: RouteTemplateOut},
        operation_id="approvals_route_templates_participant_remove",
    )
    @idempotent
    def delete(self, request: Request, pk: int, stage_id: int, participant_id: int) -> Response:
        actor = api_actor(request)
        template = selectors.route_template_get_for_user(actor, pk, for_write=True)
        route_templates.route_participant_remove(
            actor=actor, template=template, stage_id=stage_id, participant_id=participant_id
        )
        return _answer(actor, pk)


# --- Deprecated aliases: the old paths /approvals/routes…, answering as the views above ---

_TEMPLATE = "/approvals/route-templates/{id}"


class RouteSetupListAlias(RouteTemplateListView):
    """Deprecated: use ``/approvals/route-templates/``."""

    get = deprecated(
        RouteTemplateListView.get, "approvals_routes_list", use="GET /approvals/route-templates/"
    )
    post = deprecated(
        RouteTemplateListView.post,
        "approvals_routes_create",
        use="POST /approvals/route-templates/",
    )


class RouteSetupAlias(RouteTemplateView):
    """Deprecated: use ``/approvals/route-templates/{id}``."""

    get = deprecated(RouteTemplateView.get, "approvals_routes_get", use=f"GET {_TEMPLATE}")
    patch = deprecated(RouteTemplateView.patch, "approvals_routes_update", use=f"PATCH {_TEMPLATE}")


class RouteStagesAlias(RouteTemplateStagesView):
    """Deprecated: use ``/approvals/route-templates/{id}/stages``."""

    post = deprecated(
        RouteTemplateStagesView.post, "approvals_routes_stage_add", use=f"POST {_TEMPLATE}/stages"
    )


class RouteStageAlias(RouteTemplateStageView):
    """Deprecated: use ``/approvals/route-templates/{id}/stages/{stage_id}``."""

    patch = deprecated(
        RouteTemplateStageView.patch,
        "approvals_routes_stage_update",
        use=f"PATCH {_TEMPLATE}/stages/{{stage_id}}",
    )
    delete = deprecated(
        RouteTemplateStageView.delete,
        "approvals_routes_stage_remove",
        use=f"DELETE {_TEMPLATE}/stages/{{stage_id}}",
    )


class RouteStageMoveAlias(RouteTemplateStageMoveView):
    """Deprecated: use ``/approvals/route-templates/{id}/stages/{stage_id}/move``."""

    post = deprecated(
        RouteTemplateStageMoveView.post,
        "approvals_routes_stage_move",
        use=f"POST {_TEMPLATE}/stages/{{stage_id}}/move",
    )


class RouteParticipantsAlias(RouteTemplateParticipantsView):
    """Deprecated: use ``/approvals/route-templates/{id}/stages/{stage_id}/participants``."""

    post = deprecated(
        RouteTemplateParticipantsView.post,
        "approvals_routes_participant_add",
        use=f"POST {_TEMPLATE}/stages/{{stage_id}}/participants",
    )


class RouteParticipantAlias(RouteTemplateParticipantView):
    """Deprecated: use
    ``/approvals/route-templates/{id}/stages/{stage_id}/participants/{participant_id}``."""

    delete = deprecated(
        RouteTemplateParticipantView.delete,
        "approvals_routes_participant_remove",
        use=f"DELETE {_TEMPLATE}/stages/{{stage_id}}/participants/{{participant_id}}",
    )
