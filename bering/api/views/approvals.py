"""Approval over the API: inbox, offered route templates, rounds (start, recall), visas
(decide, sign), approval sheet. Names: decision 0007, "API names"."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.deprecated import deprecated
from bering.api.idempotency import idempotent
from bering.api.serializers import id_field
from bering.api.views.auth import password_first
from bering.approvals import selectors, services
from bering.approvals import sheet as approval_sheet
from bering.approvals.forms import OUTCOME_CHOICES
from bering.approvals.models import Mode, RouteTemplate, Visa
from bering.approvals.selectors import RouteView, VisaRow
from bering.approvals.services import MAX_REASON, StagePlan
from bering.documents.selectors import document_get_for_user
from bering.documents.services import Upload
from bering.orgs.actor import Actor

# --- Output -----------------------------------------------------------------------------


class ApprovalPersonOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RemovalOut(serializers.Serializer[Any]):
    approver = ApprovalPersonOut()
    reason = serializers.CharField()


def _person(employee: Any) -> dict[str, Any] | None:
    if employee is None:
        return None
    return {"id": employee.pk, "name": employee.user.display_name}


class VisaOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    round = serializers.IntegerField()
    stage = serializers.IntegerField(help_text="Order of the stage in the round.")
    kind = serializers.ChoiceField(choices=Visa.Kind.choices)
    status = serializers.ChoiceField(choices=Visa.Status.choices)
    approver = ApprovalPersonOut()
    decided_by = ApprovalPersonOut(
        allow_null=True, help_text="The user who decided (a substitute)."
    )
    activated_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()
    remark_file = serializers.CharField(allow_null=True)
    overdue = serializers.BooleanField()
    overdue_label = serializers.CharField(help_text='"просрочено на N раб. дн." or empty.')


def visa_data(row: VisaRow) -> dict[str, Any]:
    visa = row.visa
    user = visa.decided_by_user
    return {
        "id": visa.pk,
        "document": visa.run.document_id,
        "round": visa.run.round,
        "stage": visa.stage.order,
        "kind": visa.kind,
        "status": visa.status,
        "approver": _person(visa.approver),
        "decided_by": {"id": user.pk, "name": user.display_name} if user else None,
        "activated_at": visa.activated_at,
        "due_at": visa.due_at,
        "due_explanation": visa.due_explanation,
        "decided_at": visa.decided_at,
        "comment": visa.comment,
        "remark_file": visa.remark_file.original_name if visa.remark_file else None,
        "overdue": row.late.overdue,
        "overdue_label": row.late.label,
    }


class InboxItemOut(VisaOut):
    title = serializers.CharField()
    doc_type = serializers.CharField()


class StageOut(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.CharField()
    is_signing = serializers.BooleanField()
    days = serializers.IntegerField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    overdue_label = serializers.CharField()
    visas = VisaOut(many=True)


class RoundOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    round = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    due_explanation = serializers.CharField()
    overdue_label = serializers.CharField()
    files = serializers.ListField(child=serializers.IntegerField())
    stages = StageOut(many=True)
    removed = RemovalOut(
        many=True,
        help_text="Approvers who did not agree in the previous round and were left out of "
        "this one, with the author's reason.",
    )


class PlanStageOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    days = serializers.IntegerField(allow_null=True)
    approvers = serializers.ListField(child=serializers.IntegerField())


class RoundsOut(serializers.Serializer[Any]):
    """A document's approval: its rounds, who has the draft now, how a next round starts."""

    document = serializers.IntegerField()
    status = serializers.CharField(help_text="The document's status.")
    normative_days = serializers.IntegerField()
    signing_without_approval = serializers.BooleanField(
        help_text="Whether the type's regulation lets a draft go straight to signing "
        "(start with direct_to_signing)."
    )
    next_plan = PlanStageOut(
        many=True,
        help_text="The route a next round starts from: the last round's approval stages "
        "with the same people (empty before the first round).",
    )
    refused_in_last_round = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Employees who did not agree in the last round: leaving them out of the "
        "next round needs removal_reason.",
    )
    holders = VisaOut(many=True, help_text="Who has the draft now.")
    rounds = RoundOut(many=True)


def _plan_data(plan: list[StagePlan] | None) -> list[dict[str, Any]]:
    return [
        {"name": s.name, "mode": s.mode, "days": s.days, "approvers": list(s.approver_ids)}
        for s in plan or []
    ]


def rounds_data(route: RouteView) -> dict[str, Any]:
    active = route.active
    document = route.document
    return {
        "document": document.pk,
        "status": document.status,
        "normative_days": selectors.normative_days(document),
        "signing_without_approval": selectors.signing_without_approval(document),
        "next_plan": _plan_data(selectors.previous_plan(document)),
        "refused_in_last_round": selectors.previous_refusers(document),
        "holders": [visa_data(r) for r in active.holders] if active else [],
        "rounds": [
            {
                "id": rv.run.pk,
                "round": rv.run.round,
                "status": rv.run.status,
                "started_at": rv.run.started_at,
                "finished_at": rv.run.finished_at,
                "due_at": rv.run.due_at,
                "due_explanation": rv.run.due_explanation,
                "overdue_label": rv.late.label,
                "files": list(rv.run.file_ids),
                "removed": [
                    {"approver": _person(r.approver), "reason": r.reason} for r in rv.removals
                ],
                "stages": [
                    {
                        "order": sv.stage.order,
                        "name": sv.stage.name,
                        "mode": sv.stage.mode,
                        "is_signing": sv.stage.is_signing,
                        "days": sv.stage.days,
                        "status": sv.stage.status,
                        "due_at": sv.stage.due_at,
                        "due_explanation": sv.stage.due_explanation,
                        "overdue_label": sv.late.label,
                        "visas": [visa_data(r) for r in sv.visas],
                    }
                    for sv in rv.stages
                ],
            }
            for rv in route.runs
        ],
    }


class SignatureOut(serializers.Serializer[Any]):
    file = serializers.IntegerField()
    file_name = serializers.CharField()
    version = serializers.IntegerField()
    kind = serializers.CharField()
    signer = ApprovalPersonOut()
    signed_by = serializers.CharField()
    signed_at = serializers.DateTimeField()
    sha256 = serializers.CharField()


class SheetOut(RoundsOut):
    title = serializers.CharField()
    reg_number = serializers.CharField()
    signatures = SignatureOut(many=True)


class OfferedRouteTemplateStageOut(serializers.Serializer[Any]):
    order = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)


class OfferedRouteTemplateOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    doc_type = serializers.CharField(allow_null=True)
    stages = OfferedRouteTemplateStageOut(many=True)


def offered_template_data(template: RouteTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "doc_type": template.doc_type.code if template.doc_type else None,
        "stages": [
            {"order": s.order, "name": s.name, "mode": s.mode, "days": s.days}
            for s in template.stages.all()
        ],
    }


# --- Input ------------------------------------------------------------------------------


class StagePlanIn(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=Mode.choices, default=Mode.PARALLEL)
    days = serializers.IntegerField(
        min_value=1, max_value=60, required=False, allow_null=True, default=None
    )
    approvers = serializers.ListField(child=id_field(), max_length=200)


class StartIn(serializers.Serializer[Any]):
    """The plan of the round: ``stages`` as given; otherwise a route ``template``'s
    stages; otherwise, for a next round, the previous round's route (``next_plan`` of
    the route); then ``remove`` and ``add`` are applied."""

    template = id_field(required=False, allow_null=True, default=None)
    stages = serializers.ListField(
        child=StagePlanIn(),
        required=False,
        max_length=50,
        help_text="The stages and approvers as the author wants them (the signer's stage "
        "is always added last).",
    )
    remove = serializers.ListField(child=id_field(), default=list, max_length=200)
    add = serializers.ListField(child=id_field(), default=list, max_length=200)
    removal_reason = serializers.CharField(
        max_length=MAX_REASON,
        allow_blank=True,
        default="",
        help_text="Required when an approver who did not agree in the previous round is "
        "left out; shown on the route.",
    )
    direct_to_signing = serializers.BooleanField(
        default=False,
        help_text="Send the draft straight to the signer with no approval stage: the plan "
        "must then be empty, and the type's regulation must allow it. Without it an empty "
        "plan is refused.",
    )


class DecideIn(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=[c[0] for c in OUTCOME_CHOICES])
    comment = serializers.CharField(max_length=5000, allow_blank=True, default="")
    remark_file = serializers.FileField(required=False, allow_null=True, default=None)


class SignIn(serializers.Serializer[Any]):
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class RecallIn(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class TemplateQueryIn(serializers.Serializer[Any]):
    doc_type = id_field(required=False)


# --- Views ------------------------------------------------------------------------------


def _rounds_response(actor: Actor, document_id: int, status: int = 200) -> Response:
    return Response(rounds_data(selectors.document_route(actor, document_id)), status=status)


class InboxView(ApiView):
    """ "На согласование": the acting post's visas and signatures to decide, soonest due first."""

    @extend_schema(responses=InboxItemOut(many=True), operation_id="approvals_inbox")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        return Response(
            [
                {
                    **visa_data(row),
                    "title": row.document.title,
                    "doc_type": row.document.doc_type.code,
                }
                for row in selectors.inbox(actor)
            ]
        )


class OfferedRouteTemplatesView(ApiView):
    """The active route templates offered to an author starting approval, optionally
    those for one document type (with the ones for any type)."""

    @extend_schema(
        parameters=[TemplateQueryIn],
        responses=OfferedRouteTemplateOut(many=True),
        operation_id="approvals_route_templates_offered",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        query = parse(TemplateQueryIn, request.query_params)
        templates = selectors.route_templates_for(actor, doc_type_id=query.get("doc_type"))
        return Response([offered_template_data(t) for t in templates])


class RoundsView(ApiView):
    """The rounds of approval of a document; start one."""

    @extend_schema(responses=RoundsOut, operation_id="approvals_rounds_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        """Every round, stage and visa of the document; who has the draft now."""
        return _rounds_response(api_actor(request), pk)

    @extend_schema(
        request=StartIn, responses={201: RoundsOut}, operation_id="approvals_rounds_start"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        """Send a draft for approval (a new round): explicit stages, a route template, or
        (a next round) the previous round's route, with approvers removed or added.

        Leaving out an approver who did not agree in the previous round needs
        ``removal_reason``; an empty plan needs ``direct_to_signing`` and a regulation
        that allows it (not a normative act)."""
        actor = api_actor(request)
        document = document_get_for_user(actor, pk)
        data = parse(StartIn, request.data)
        template = (
            selectors.route_template_get(actor, data["template"]) if data["template"] else None
        )
        if "stages" in data:
            base = [
                StagePlan(
                    name=s["name"],
                    approver_ids=tuple(s["approvers"]),
                    mode=s["mode"],
                    days=s["days"],
                )
                for s in data["stages"]
            ]
        elif template is not None:
            base = selectors.route_plan(template, document)
        else:
            base = selectors.previous_plan(document) or []
        plan = selectors.plan_edit(base, remove=set(data["remove"]), add=data["add"])
        services.approval_start(
            actor=actor,
            document=document,
            plan=plan,
            template_id=template.pk if template else None,
            removal_reason=data["removal_reason"],
            direct_to_signing=data["direct_to_signing"],
        )
        return _rounds_response(actor, pk, status=201)


class RoundRecallView(ApiView):
    """The author takes the draft back from approval: the current round ends."""

    @extend_schema(request=RecallIn, responses=RoundsOut, operation_id="approvals_rounds_recall")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_get_for_user(actor, pk)
        data = parse(RecallIn, request.data)
        services.approval_recall(actor=actor, document=document, reason=data["reason"])
        return _rounds_response(actor, pk)


class VisaView(ApiView):
    """One visa or signing task."""

    @extend_schema(responses=VisaOut, operation_id="approvals_visa")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        return Response(visa_data(selectors.visa_row(selectors.visa_get_for_user(actor, pk))))


class VisaDecideView(ApiView):
    """Agree, agree with remarks (comment required) or not agree (comment required).

    Send an ``Idempotency-Key``: a retry over a bad link then replays the first answer.
    """

    @extend_schema(
        request={"application/json": DecideIn, "multipart/form-data": DecideIn},
        responses=VisaOut,
        operation_id="approvals_decide",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        visa = selectors.visa_get_for_user(actor, pk)
        data = parse(DecideIn, request.data)
        upload = data["remark_file"]
        services.visa_decide(
            actor=actor,
            visa=visa,
            outcome=data["outcome"],
            comment=data["comment"],
            remark_upload=Upload(name=upload.name or "remarks", stream=upload) if upload else None,
        )
        return Response(visa_data(selectors.visa_row(selectors.visa_get_for_user(actor, pk))))


class VisaSignView(ApiView):
    """Sign with a simple electronic signature: the signer's password, entered again."""

    @extend_schema(request=SignIn, responses=VisaOut, operation_id="approvals_sign")
    @password_first  # counted and audited outside the rolled-back transaction (decision 0011)
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        visa = selectors.visa_get_for_user(actor, pk)
        data = parse(SignIn, request.data)
        services.approval_sign(actor=actor, visa=visa, password=data["password"])
        return Response(visa_data(selectors.visa_row(selectors.visa_get_for_user(actor, pk))))


class ApprovalSheetView(ApiView):
    """Лист согласования as JSON: every round's visas, dates, remarks, and the signatures."""

    @extend_schema(responses=SheetOut, operation_id="approvals_sheet")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        route = selectors.document_route(actor, pk)
        context = approval_sheet.sheet_context(route)
        signatures = context["signatures"]
        assert isinstance(signatures, list)
        return Response(
            {
                **rounds_data(route),
                "title": route.document.title,
                "reg_number": route.document.reg_number,
                "signatures": [
                    {
                        "file": s.document_file_id,
                        "file_name": s.document_file.stored.original_name,
                        "version": s.document_file.version,
                        "kind": s.kind,
                        "signer": _person(s.signer),
                        "signed_by": s.user.display_name,
                        "signed_at": s.signed_at,
                        "sha256": s.sha256,
                    }
                    for s in signatures
                ],
            }
        )


class ApprovalSheetPdfView(ApiView):
    """Лист согласования as an A4 PDF."""

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
        operation_id="approvals_sheet_pdf",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        actor = api_actor(request)
        pdf = approval_sheet.sheet_pdf(selectors.document_route(actor, pk))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="approval-sheet-{pk}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- Deprecated aliases: the old paths, answering as the views above -----------------------


class OfferedRouteTemplatesAlias(OfferedRouteTemplatesView):
    """Deprecated: use ``GET /approvals/route-templates/offered``."""

    http_method_names = ["get", "head", "options"]
    get = deprecated(
        OfferedRouteTemplatesView.get,
        "approvals_route_templates",
        use="GET /approvals/route-templates/offered",
    )


class DocumentApprovalAlias(RoundsView):
    """Deprecated: use ``GET /documents/{id}/rounds``."""

    http_method_names = ["get", "head", "options"]
    get = deprecated(RoundsView.get, "approvals_route", use="GET /documents/{id}/rounds")


class ApprovalStartAlias(RoundsView):
    """Deprecated: use ``POST /documents/{id}/rounds``."""

    http_method_names = ["post", "options"]
    post = deprecated(RoundsView.post, "approvals_start", use="POST /documents/{id}/rounds")


class ApprovalRecallAlias(RoundRecallView):
    """Deprecated: use ``POST /documents/{id}/rounds/recall``."""

    http_method_names = ["post", "options"]
    post = deprecated(
        RoundRecallView.post, "approvals_recall", use="POST /documents/{id}/rounds/recall"
    )
