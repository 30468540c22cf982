"""Approval over the API: inbox, offered route templates, rounds (start, recall), visas
(decide, sign), approval sheet. Names: decision 0007, "API names"."""

from __future__ import annotations

import base64
import binascii

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.deprecated import deprecated
from bering.api.idempotency import idempotent
from bering.api.views.approvals_serializers import (
    DecideIn,
    FileToSignOut,
    InboxItemOut,
    OfferedRouteTemplateOut,
    RecallIn,
    RoundsOut,
    SheetOut,
    SignIn,
    SignQualifiedIn,
    StartIn,
    TemplateQueryIn,
    VisaOut,
    offered_template_data,
    person_data,
    rounds_data,
    signature_certificate_data,
    visa_data,
)
from bering.api.views.auth import password_first
from bering.api.views.desk import if_match
from bering.approvals import selectors, services
from bering.approvals import sheet as approval_sheet
from bering.approvals.services import StagePlan
from bering.core.errors import ValidationFailed
from bering.documents.selectors import document_get_for_user
from bering.documents.services import Upload
from bering.orgs.actor import Actor

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

    checks_if_match = True

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
        if_match(request, actor, "visa", pk)
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


class VisaFilesToSignView(ApiView):
    """The exact bytes a signer signs with a qualified signature: the round's file versions,
    each with its SHA-256 and where to download it."""

    @extend_schema(responses=FileToSignOut(many=True), operation_id="approvals_files_to_sign")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        visa = selectors.visa_get_for_user(actor, pk)
        document_id = visa.run.document_id
        return Response(
            [
                {
                    "file": f.pk,
                    "name": f.stored.original_name,
                    "version": f.version,
                    "size": f.stored.size,
                    "sha256": f.stored.sha256,
                    "download": reverse(
                        "api-file-download", kwargs={"pk": document_id, "file_id": f.pk}
                    ),
                }
                for f in selectors.run_files(visa.run)
            ]
        )


class VisaSignQualifiedView(ApiView):
    """Sign with a qualified electronic signature: one detached CMS (base64) per file of the
    round, made on the signer's device over the bytes from ``files-to-sign``. Each is
    verified (bytes, certificate validity, key usage, chain, revocation, owner); a refusal
    is a 400 naming the file and the reason, and nothing is signed."""

    @extend_schema(
        request=SignQualifiedIn, responses=VisaOut, operation_id="approvals_sign_qualified"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        visa = selectors.visa_get_for_user(actor, pk)
        data = parse(SignQualifiedIn, request.data)
        signatures: dict[int, bytes] = {}
        for item in data["signatures"]:
            if item["file"] in signatures:
                raise ValidationFailed(_("Send one signature per file."))
            # The CryptoPro plug-in breaks its base64 into lines: whitespace is not data.
            text = "".join(item["cms"].split())
            try:
                signatures[item["file"]] = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise ValidationFailed(
                    _("A signature is not valid base64: send the DER bytes encoded in base64.")
                ) from None
        services.approval_sign_qualified(actor=actor, visa=visa, signatures=signatures)
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
                        "signer": person_data(s.signer),
                        "signed_by": s.user.display_name,
                        "signed_at": s.signed_at,
                        "sha256": s.sha256,
                        **signature_certificate_data(s),
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
