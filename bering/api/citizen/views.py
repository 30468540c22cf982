"""The citizens' API, /api/citizen/v1/: sign-in by e-mail code, profile, own appeals.

Its tokens are ``CitizenToken`` rows (SHA-256 only); the staff API's tokens are
another table, and neither API's authentication accepts the other's. A
citizen sees only their own appeals: anyone else's is a 404 exactly like a
missing one. Errors have the staff API's shape ``{code, detail, field?}`` (the
project's DRF exception handler); a rate-limit refusal adds ``Retry-After``.

Every state-changing call with a citizen's token honours ``Idempotency-Key``
as the staff API does (``bering.api.idempotency``, decision 0002): the keys are
the citizen's own. The sign-in calls do not: they have no owner for a key yet,
the token, a secret, must not be stored, and a code is claimed only once.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.citizen.base import MAX_ID, CitizenApiView, citizen_of, parse
from bering.api.idempotency import idempotent
from bering.appeals import citizen_auth, selectors
from bering.appeals import services as appeal_services
from bering.appeals.models import FILES_MAX, TEXT_MAX, Appeal, Citizen, Topic
from bering.core.errors import NotFound, ValidationFailed
from bering.documents.services import Upload
from bering.files.services import file_open
from bering.orgs.models import Organization

# --- serializers -----------------------------------------------------------------------


class CodeIn(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)


class TokenIn(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    code = serializers.RegexField(r"^\s*\d(?:\s*\d){5}\s*$", max_length=12)


class TokenOut(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once: keep it. Send as `Bearer <token>`.")


class MessageOut(serializers.Serializer[Any]):
    detail = serializers.CharField()


class MeOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    postal_address = serializers.CharField()
    email = serializers.CharField(help_text="E-mail for answers (.ru, .рф, .su).")
    login_email = serializers.CharField(allow_null=True)
    profile_complete = serializers.BooleanField()


PROFILE_FIELDS = ("last_name", "first_name", "middle_name", "postal_address", "email")


class MeIn(serializers.Serializer[Any]):
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    middle_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    postal_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)


class RefOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StepOut(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    at = serializers.DateTimeField()


class AppealOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    status_label = serializers.CharField()
    organization = RefOut()
    addressed_to_reception = serializers.BooleanField()
    topic = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField(allow_null=True)
    answer_due_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    result = serializers.CharField()
    has_answer = serializers.BooleanField()


class AppealDetailOut(AppealOut):
    text = serializers.CharField()
    answer_by_email = serializers.BooleanField()
    steps = StepOut(many=True)


class AppealCreatedOut(AppealDetailOut):
    tracking_url = serializers.CharField(
        allow_null=True,
        help_text="Shown once: the public tracking page. A replay of the same "
        "Idempotency-Key gives null: only the token's hash is kept.",
    )


class AppealIn(serializers.Serializer[Any]):
    organization = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    text = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    topic = serializers.CharField(max_length=30, required=False, allow_blank=True)
    consent = serializers.BooleanField(default=False)
    answer_by_email = serializers.BooleanField(default=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=FILES_MAX
    )


class SupplementIn(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=FILES_MAX
    )


def _appeal_body(appeal: Appeal, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": appeal.pk,
        "number": appeal.document.reg_number if appeal.document is not None else None,
        "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "organization": {"id": appeal.organization_id, "name": appeal.organization.name},
        "addressed_to_reception": appeal.addressed_to_reception,
        "topic": appeal.topic.code if appeal.topic is not None else None,
        "received_at": appeal.received_at,
        "registered_at": appeal.registered_at,
        "answer_due_at": appeal.answer_due_at,
        "closed_at": appeal.closed_at,
        "result": appeal.result,
        "has_answer": appeal.answer_file_id is not None,
    }
    if detail:
        body["text"] = appeal.text
        body["answer_by_email"] = appeal.answer_by_email
        body["steps"] = [
            {"kind": s.kind, "label": s.label, "at": s.at} for s in selectors.tracking_steps(appeal)
        ]
    return body


def _uploads(data: dict[str, Any]) -> list[Upload]:
    files: list[UploadedFile[bytes]] = list(data.get("files") or [])
    if len(files) > FILES_MAX:
        raise ValidationFailed(_("Attach at most %(n)s files.") % {"n": FILES_MAX}, field="files")
    return [Upload(name=f.name or "file", stream=f) for f in files]


# --- sign-in ---------------------------------------------------------------------------


class AuthCodeView(CitizenApiView):
    """Send a six-digit sign-in code to an e-mail."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=CodeIn, responses={202: MessageOut}, auth=[], operation_id="auth_code")
    def post(self, request: Request) -> Response:
        data = parse(CodeIn, request.data)
        citizen_auth.login_code_send(
            email=data["email"], client_address=str(request.META.get("REMOTE_ADDR", ""))
        )
        return Response(
            {"detail": _("If the address is valid, a code is on its way: it is valid 10 min.")},
            status=202,
        )


class AuthTokenView(CitizenApiView):
    """Exchange the e-mail and its code for a new bearer token (shown once)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenIn, responses={201: TokenOut}, auth=[], operation_id="auth_token")
    def post(self, request: Request) -> Response:
        data = parse(TokenIn, request.data)
        citizen = citizen_auth.login_code_verify(
            email=data["email"],
            code=data["code"],
            client_address=str(request.META.get("REMOTE_ADDR", "")),
        )
        return Response({"token": citizen_auth.citizen_token_issue(citizen=citizen)}, status=201)


# --- the citizen -----------------------------------------------------------------------


def _me(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": citizen.pk,
        "last_name": citizen.last_name,
        "first_name": citizen.first_name,
        "middle_name": citizen.middle_name,
        "postal_address": citizen.postal_address,
        "email": citizen.email,
        "login_email": citizen.login_email,
        "profile_complete": citizen.profile_complete,
    }


class MeView(CitizenApiView):
    @extend_schema(responses=MeOut, operation_id="me")
    def get(self, request: Request) -> Response:
        return Response(_me(citizen_of(request)))

    @extend_schema(request=MeIn, responses=MeOut, operation_id="me_update")
    @idempotent
    def patch(self, request: Request) -> Response:
        citizen = citizen_of(request)
        data = parse(MeIn, request.data)
        current: dict[str, str] = {k: getattr(citizen, k) for k in PROFILE_FIELDS}
        current.update(data)
        updated = appeal_services.citizen_profile_update(
            citizen=citizen, data=appeal_services.CitizenData(**current)
        )
        return Response(_me(updated))


class AppealListView(CitizenApiView):
    shown_once = ("tracking_url",)
    """Only the tracking token's hash is kept: a replay of the sending gives the link as null."""

    @extend_schema(
        responses=AppealOut(many=True),
        operation_id="appeals_list",
        parameters=[
            OpenApiParameter("limit", int, description="At most 200."),
            OpenApiParameter("offset", int),
        ],
    )
    def get(self, request: Request) -> Response:
        paging = LimitOffsetPagination()
        paging.default_limit = 50
        paging.max_limit = 200
        page = paging.paginate_queryset(
            selectors.citizen_appeals(citizen_of(request)), request, view=self
        )
        return paging.get_paginated_response([_appeal_body(a) for a in page or []])

    @extend_schema(
        request={"multipart/form-data": AppealIn, "application/json": AppealIn},
        responses={201: AppealCreatedOut},
        operation_id="appeals_send",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        citizen = citizen_of(request)
        data = parse(AppealIn, request.data)
        organization = None
        if data.get("organization") is not None:
            organization = Organization.objects.filter(
                pk=data["organization"], is_active=True
            ).first()
            if organization is None:
                raise ValidationFailed(
                    _("Choose an organization from the list."), field="organization"
                )
        topic = None
        if data.get("topic"):
            topic = Topic.objects.filter(code=data["topic"], is_active=True).first()
            if topic is None:
                raise ValidationFailed(_("Choose a topic from the list."), field="topic")
        sent = appeal_services.appeal_send(
            citizen=citizen,
            organization=organization,
            text=data["text"],
            topic=topic,
            uploads=_uploads(data),
            consent=data["consent"],
            answer_by_email=data["answer_by_email"],
        )
        appeal = selectors.citizen_appeal_get(citizen, sent.appeal.pk)
        body = _appeal_body(appeal, detail=True)
        body["tracking_url"] = appeal_services.tracking_url(sent.token)
        return Response(body, status=201)


class AppealView(CitizenApiView):
    @extend_schema(responses=AppealDetailOut, operation_id="appeal")
    def get(self, request: Request, pk: int) -> Response:
        appeal = selectors.citizen_appeal_get(citizen_of(request), pk)
        return Response(_appeal_body(appeal, detail=True))


class SupplementView(CitizenApiView):
    @extend_schema(
        request={"multipart/form-data": SupplementIn, "application/json": SupplementIn},
        responses={201: AppealDetailOut},
        operation_id="appeal_supplement",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        citizen = citizen_of(request)
        appeal = selectors.citizen_appeal_get(citizen, pk)
        data = parse(SupplementIn, request.data)
        appeal_services.appeal_supplement(
            citizen=citizen,
            appeal=appeal,
            text=data.get("text", ""),
            uploads=_uploads(data),
        )
        appeal = selectors.citizen_appeal_get(citizen, pk)
        return Response(_appeal_body(appeal, detail=True), status=201)


class WithdrawView(CitizenApiView):
    @extend_schema(request=None, responses=AppealDetailOut, operation_id="appeal_withdraw")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        citizen = citizen_of(request)
        appeal = selectors.citizen_appeal_get(citizen, pk)
        appeal_services.appeal_withdraw(citizen=citizen, appeal=appeal)
        appeal = selectors.citizen_appeal_get(citizen, pk)
        return Response(_appeal_body(appeal, detail=True))


class AnswerView(CitizenApiView):
    @extend_schema(
        responses={(200, "application/pdf"): bytes},
        operation_id="appeal_answer",
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        appeal = selectors.citizen_appeal_get(citizen_of(request), pk)
        stored = appeal.answer_file
        if stored is None:
            raise NotFound(_("There is no answer yet."))
        return FileResponse(
            file_open(stored),
            as_attachment=True,
            filename=stored.original_name,
            content_type="application/pdf",
        )


# --- reference -------------------------------------------------------------------------


class OrganizationListView(CitizenApiView):
    @extend_schema(
        responses=RefOut(many=True),
        operation_id="organizations",
        parameters=[OpenApiParameter("q", str, description="Part of the name.")],
    )
    def get(self, request: Request) -> Response:
        q = str(request.query_params.get("q", ""))[:100]
        return Response(
            [{"id": o.pk, "name": o.name} for o in selectors.organizations_for_citizens(q)[:200]]
        )


class TopicListView(CitizenApiView):
    @extend_schema(
        responses=inline_serializer(
            "CitizenTopic",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "parent": serializers.CharField(allow_null=True),
            },
            many=True,
        ),
        operation_id="topics",
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "code": t.code,
                    "name": t.name,
                    "parent": t.code.rsplit(".", 1)[0] if "." in t.code else None,
                }
                for t in selectors.topics()
            ]
        )
