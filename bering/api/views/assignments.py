"""Resolutions and assignments over the API: thin views, every write with @idempotent."""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import _colleague, _colleagues, doc_type_get
from bering.api.views.desk import if_match
from bering.assignments import selectors, services
from bering.assignments.models import Resolution, TermKind, Urgency
from bering.assignments.selectors import Node, Row
from bering.assignments.terms import Term
from bering.documents import selectors as document_selectors
from bering.orgs.actor import Actor


class ResolutionSpecIn(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=4000)
    responsible = serializers.IntegerField(min_value=1)
    co_executors = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=100
    )
    controller = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    term_kind = serializers.ChoiceField(choices=TermKind.choices)
    days = serializers.IntegerField(min_value=1, max_value=366, required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default="")


class ResolutionCreateIn(ResolutionSpecIn):
    draft_for = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="A head's employee id: prepare a draft for this head instead of issuing.",
    )


class ExecutionNoteIn(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class AssignmentReportIn(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    reply_type = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reply_title = serializers.CharField(
        max_length=1000, required=False, default="", allow_blank=True
    )


class ExtensionAskIn(serializers.Serializer[Any]):
    new_date = serializers.DateField()
    reason = serializers.CharField(max_length=1000)


class ExtensionDecideIn(ExecutionNoteIn):
    grant = serializers.BooleanField()


class AssignmentActionsOut(serializers.Serializer[Any]):
    """What the caller may do with the assignment now (the page's buttons)."""

    report = serializers.BooleanField()
    ask_extension = serializers.BooleanField()
    cascade = serializers.BooleanField()
    decide_report = serializers.BooleanField(
        help_text="Accept or return the pending report: never one's own."
    )
    decide_extension = serializers.BooleanField()


class AssignmentOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    document_title = serializers.CharField()
    resolution = serializers.IntegerField()
    text = serializers.CharField()
    executor = serializers.IntegerField()
    role = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    first_due_at = serializers.DateTimeField()
    due_explanation = serializers.CharField()
    overdue = serializers.BooleanField()
    overdue_label = serializers.CharField()
    pending_report = serializers.IntegerField(allow_null=True)
    pending_extension = serializers.IntegerField(allow_null=True)
    actions = AssignmentActionsOut()


class ResolutionOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    document = serializers.IntegerField()
    parent_assignment = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    text = serializers.CharField()
    author = serializers.IntegerField()
    controller = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    due_explanation = serializers.CharField()
    due_note = serializers.CharField(
        help_text="For a draft: the due date if the head confirms it now, and whether it "
        "moves tomorrow (the term runs from the head's decision); empty otherwise."
    )
    due_if_confirmed_tomorrow = serializers.DateTimeField(allow_null=True)
    assignments = AssignmentOut(many=True)
    children = serializers.ListField(child=serializers.DictField())


def row_out(row: Row) -> dict[str, Any]:
    a = row.assignment
    return {
        "id": a.pk,
        "document": a.document_id,
        "document_title": a.document.title,
        "resolution": a.resolution_id,
        "text": a.resolution.text,
        "executor": a.executor_id,
        "role": a.role,
        "status": a.status,
        "due_at": a.due_at,
        "first_due_at": a.first_due_at,
        "due_explanation": a.due_explanation,
        "overdue": row.late.overdue,
        "overdue_label": str(row.late.label),
        "pending_report": row.pending_report.pk if row.pending_report else None,
        "pending_extension": row.pending_extension.pk if row.pending_extension else None,
        "actions": dataclasses.asdict(row.actions),
    }


def node_out(node: Node) -> dict[str, Any]:
    r = node.resolution
    due_at, due_explanation, note, tomorrow = r.due_at, r.due_explanation, "", None
    if node.draft is not None:
        # A draft's stored due is stale: show the one confirming now would set.
        note = node.draft.sentence
        if node.draft.today is not None:
            due_at, due_explanation = node.draft.today.at, node.draft.today.explanation
        if node.draft.tomorrow is not None:
            tomorrow = node.draft.tomorrow.at
    return {
        "id": r.pk,
        "document": r.document_id,
        "parent_assignment": r.parent_id,
        "status": r.status,
        "text": r.text,
        "author": r.author_id,
        "controller": r.controller_id,
        "due_at": due_at,
        "due_explanation": due_explanation,
        "due_note": note,
        "due_if_confirmed_tomorrow": tomorrow,
        "assignments": [row_out(row) for row in node.rows],
        "children": [node_out(child) for child in node.children],
    }


def spec_from(actor: Actor, data: Any) -> services.ResolutionSpec:
    responsible = _colleague(actor, data["responsible"], "responsible")
    assert responsible is not None
    return services.ResolutionSpec(
        text=data["text"],
        responsible=responsible,
        co_executors=_colleagues(actor, data["co_executors"], "co_executors"),
        controller=_colleague(actor, data.get("controller"), "controller"),
        term=Term(
            kind=data["term_kind"],
            days=data.get("days"),
            date=data.get("due_date"),
            urgency=data.get("urgency") or "",
        ),
    )


def tree_body(actor: Actor, document_id: int) -> list[dict[str, Any]]:
    document = document_selectors.document_get_for_user(actor, document_id)
    return [node_out(n) for n in selectors.resolution_tree(actor, document)]


def resolution_body(actor: Actor, resolution: Resolution) -> dict[str, Any]:
    for node in _walk(selectors.resolution_tree(actor, resolution.document)):
        if node.resolution.pk == resolution.pk:
            return node_out(node)
    return {}


def _walk(nodes: list[Node]) -> list[Node]:
    found = []
    for node in nodes:
        found.append(node)
        found.extend(_walk(node.children))
    return found


class MineView(ApiView):
    """ "Мои поручения": the acting post's open assignments with overdue marks."""

    @extend_schema(responses=AssignmentOut(many=True), operation_id="assignments_mine")
    def get(self, request: Request) -> Response:
        return Response([row_out(r) for r in selectors.assignments_mine(api_actor(request))])


class ControlView(ApiView):
    """ "На контроле": responsible assignments under the actor's control."""

    @extend_schema(responses=AssignmentOut(many=True), operation_id="assignments_control")
    def get(self, request: Request) -> Response:
        rows = selectors.assignments_on_control(api_actor(request))
        return Response([row_out(r) for r in rows])


class DraftsView(ApiView):
    """Draft resolutions awaiting the acting head."""

    @extend_schema(responses=ResolutionOut(many=True), operation_id="resolutions_drafts")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        return Response([resolution_body(actor, r) for r in selectors.drafts_for_head(actor)])


class DocumentResolutionsView(ApiView):
    """The resolution tree of a document; a new resolution or draft on it."""

    @extend_schema(responses=ResolutionOut(many=True), operation_id="resolutions_tree")
    def get(self, request: Request, pk: int) -> Response:
        return Response(tree_body(api_actor(request), pk))

    @extend_schema(
        request=ResolutionCreateIn,
        responses={201: ResolutionOut},
        operation_id="resolutions_create",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = document_selectors.document_get_for_user(actor, pk)
        data = parse(ResolutionCreateIn, request.data)
        spec = spec_from(actor, data)
        if data.get("draft_for"):
            author = _colleague(actor, data["draft_for"], "draft_for")
            assert author is not None
            resolution = services.resolution_draft(
                actor=actor, document=document, spec=spec, author=author
            )
        else:
            resolution = services.resolution_issue(actor=actor, document=document, spec=spec)
        return Response(resolution_body(actor, resolution), status=201)


class ConfirmView(ApiView):
    """The head confirms a draft, as it is or with an edited body."""

    checks_if_match = True

    @extend_schema(
        request=ResolutionSpecIn, responses={200: ResolutionOut}, operation_id="resolutions_confirm"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        resolution = selectors.resolution_get_for_user(actor, pk)
        spec = spec_from(actor, parse(ResolutionSpecIn, request.data)) if request.data else None
        if_match(request, actor, "resolution", pk)
        confirmed = services.resolution_confirm(actor=actor, resolution=resolution, spec=spec)
        return Response(resolution_body(actor, confirmed))


class ReturnView(ApiView):
    checks_if_match = True

    @extend_schema(
        request=ExecutionNoteIn, responses={200: ResolutionOut}, operation_id="resolutions_return"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        resolution = selectors.resolution_get_for_user(actor, pk)
        data = parse(ExecutionNoteIn, request.data)
        if_match(request, actor, "resolution", pk)
        returned = services.resolution_return(actor=actor, resolution=resolution, note=data["note"])
        return Response(resolution_body(actor, returned))


class CascadeView(ApiView):
    @extend_schema(
        request=ResolutionSpecIn, responses={201: ResolutionOut}, operation_id="assignments_cascade"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        item = selectors.assignment_get_for_user(actor, pk)
        spec = spec_from(actor, parse(ResolutionSpecIn, request.data))
        resolution = services.resolution_cascade(actor=actor, assignment=item, spec=spec)
        return Response(resolution_body(actor, resolution), status=201)


class ReportView(ApiView):
    """The executor reports: text, and optionally a new reply draft."""

    @extend_schema(
        request=AssignmentReportIn,
        responses={201: ResolutionOut},
        operation_id="assignments_report",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        item = selectors.assignment_get_for_user(actor, pk)
        data = parse(AssignmentReportIn, request.data)
        reply = None
        if data.get("reply_type"):
            reply = services.ReplyDraft(
                doc_type=doc_type_get(data["reply_type"]), title=data["reply_title"]
            )
        services.report_with_reply(actor=actor, assignment=item, text=data["text"], reply=reply)
        return Response(resolution_body(actor, item.resolution), status=201)


class ReportDecideView(ApiView):
    checks_if_match = True

    accept = True

    @extend_schema(request=ExecutionNoteIn, responses={200: ResolutionOut})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        report = selectors.report_get_for_user(actor, pk)
        note = parse(ExecutionNoteIn, request.data)["note"]
        if_match(request, actor, "report", pk)
        if self.accept:
            services.report_accept(actor=actor, report=report, note=note)
        else:
            services.report_return(actor=actor, report=report, note=note)
        return Response(resolution_body(actor, report.assignment.resolution))


class ReportAcceptView(ReportDecideView):
    accept = True


class ReportReturnView(ReportDecideView):
    accept = False


class ExtensionAskView(ApiView):
    @extend_schema(
        request=ExtensionAskIn, responses={201: ResolutionOut}, operation_id="assignments_extension"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        item = selectors.assignment_get_for_user(actor, pk)
        data = parse(ExtensionAskIn, request.data)
        services.extension_request(
            actor=actor, assignment=item, new_date=data["new_date"], reason=data["reason"]
        )
        return Response(resolution_body(actor, item.resolution), status=201)


class ExtensionDecideView(ApiView):
    checks_if_match = True

    @extend_schema(
        request=ExtensionDecideIn, responses={200: ResolutionOut}, operation_id="extensions_decide"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        extension = selectors.extension_get_for_user(actor, pk)
        data = parse(ExtensionDecideIn, request.data)
        if_match(request, actor, "extension", pk)
        services.extension_decide(
            actor=actor, extension=extension, grant=data["grant"], note=data["note"]
        )
        return Response(resolution_body(actor, extension.assignment.resolution))
