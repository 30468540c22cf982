"""Citizens' appeals (59-ФЗ) over the API, for staff: thin views, writes with @idempotent.

Every object route reaches the appeal through ``appeal_get_for_user`` (404 for
another organization, the same as for a missing appeal); the services check the
role (403). Files are reached only through their appeal.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, Paging, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import _colleague, journal_get, uploads_from
from bering.api.serializers import MAX_FILES, id_field, optional_text
from bering.api.views.files import _bytes_response, content_disposition
from bering.appeals import permissions, selectors, services
from bering.appeals.models import (
    FILES_MAX,
    TEXT_MAX,
    Appeal,
    AppealFile,
    Channel,
    Citizen,
    Milestone,
    NoAnswerGround,
    Result,
    Topic,
)
from bering.appeals.terms import EXTENSION_MAX_DAYS
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents.models import Document
from bering.files.services import file_open
from bering.orgs.actor import Actor
from bering.orgs.models import Organization

STATUS_FILTERS = [("open", "open"), *Appeal.Status.choices]
ANSWER_RESULTS = [
    (r.value, r.label) for r in (Result.SUPPORTED, Result.EXPLAINED, Result.NOT_SUPPORTED)
]

# --- input -----------------------------------------------------------------------------


class AppealQueryIn(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=STATUS_FILTERS, required=False, help_text="`open`: received or registered."
    )
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only appeals past their current term."
    )
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Surname of the citizen, registration number or words of the text.",
    )


class AppealRegisterIn(serializers.Serializer[Any]):
    title = optional_text(1000)
    executor = id_field(allow_null=True, default=None, help_text="Employee id.")
    journal = id_field(
        allow_null=True,
        default=None,
        help_text="Id of a journal (GET /journals/); default: the journal of appeals.",
    )


class CitizenQueryIn(serializers.Serializer[Any]):
    q = serializers.CharField(
        min_length=2, max_length=200, help_text="Surname (its start), e-mail or address."
    )


class CitizenIn(serializers.Serializer[Any]):
    last_name = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150)
    middle_name = optional_text(150)
    postal_address = optional_text(500)
    email = optional_text(254)


class PaperAppealIn(serializers.Serializer[Any]):
    citizen = id_field(help_text="Citizen id (GET /citizens?q=, or POST /citizens).")
    channel = serializers.ChoiceField(
        choices=[
            (Channel.PAPER.value, Channel.PAPER.label),
            (Channel.PERSONAL.value, Channel.PERSONAL.label),
        ],
        default=Channel.PAPER.value,
    )
    text = serializers.CharField(max_length=TEXT_MAX)
    received_on = serializers.DateField(
        allow_null=True, default=None, help_text="Date of receipt; default: today."
    )
    topic = serializers.CharField(
        max_length=30,
        allow_blank=True,
        default="",
        help_text='Code of the classifier (ТОТК), e.g. "0002.0015".',
    )
    title = optional_text(1000)
    executor = id_field(allow_null=True, default=None, help_text="Employee id.")
    files = serializers.ListField(
        child=serializers.FileField(max_length=255),
        default=list,
        max_length=min(FILES_MAX, MAX_FILES),
        help_text="Scans of the appeal (multipart/form-data only).",
    )


class RedirectIn(serializers.Serializer[Any]):
    organization = id_field(
        allow_null=True, default=None, help_text="Id of the competent organization of the region."
    )
    outside_name = optional_text(500)
    outside_address = optional_text(500)
    note = optional_text(1000)


class ExtendIn(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=EXTENSION_MAX_DAYS)
    reason = serializers.CharField(max_length=1000)


class CloseIn(serializers.Serializer[Any]):
    ground = serializers.ChoiceField(choices=NoAnswerGround.choices)
    note = optional_text(1000)


class AnswerIn(serializers.Serializer[Any]):
    answer = id_field(help_text="Id of the signed and registered answer document.")
    result = serializers.ChoiceField(choices=ANSWER_RESULTS)


# --- output ----------------------------------------------------------------------------


class DueOut(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=["registration", "answer"])
    stage_label = serializers.CharField(help_text="The stage in the reader's language.")
    due_at = serializers.DateTimeField()
    note = serializers.CharField(help_text="How the term was counted.")
    overdue = serializers.CharField(help_text="Empty when not overdue.")


class AppealListOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    citizen = serializers.CharField()
    topic = serializers.CharField(allow_null=True, help_text="Code of the classifier.")
    topic_name = serializers.CharField(allow_null=True)
    received_at = serializers.DateTimeField()
    registration_due_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField(allow_null=True)
    answer_due_at = serializers.DateTimeField(allow_null=True)
    document = serializers.IntegerField(allow_null=True, help_text="The registered document.")
    reg_number = serializers.CharField()
    result = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    due = DueOut(allow_null=True, help_text="The current term of an open appeal.")
    overdue = serializers.CharField(help_text="The overdue label; empty when not overdue.")


class MilestoneOut(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Milestone.Kind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    at = serializers.DateTimeField()
    data = serializers.JSONField()  # type: ignore[assignment]


class RelatedOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Appeal.Status.choices)
    received_at = serializers.DateTimeField()
    reg_number = serializers.CharField()


class AppealFileOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    added_at = serializers.DateTimeField()
    supplement = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField()


class AppealOut(AppealListOut):
    organization = serializers.IntegerField()
    text = serializers.CharField()
    citizen_id = serializers.IntegerField()
    citizen_address = serializers.CharField()
    citizen_email = serializers.CharField()
    registration_due_note = serializers.CharField()
    redirect_due_at = serializers.DateTimeField(allow_null=True)
    answer_due_note = serializers.CharField()
    extended_at = serializers.DateTimeField(allow_null=True)
    extension_reason = serializers.CharField()
    no_answer_ground = serializers.CharField()
    redirected_at = serializers.DateTimeField(allow_null=True)
    redirected_to_name = serializers.CharField()
    answer = serializers.IntegerField(allow_null=True, help_text="The answer document.")
    milestones = MilestoneOut(many=True)
    related = RelatedOut(many=True, help_text="Repeated appeals of the citizen on the topic.")
    files = AppealFileOut(many=True)


class CitizenOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    middle_name = serializers.CharField()
    postal_address = serializers.CharField()
    email = serializers.CharField()
    has_account = serializers.BooleanField()


class PaperAppealOut(serializers.Serializer[Any]):
    appeal = AppealOut()
    tracking_url = serializers.CharField(
        allow_null=True,
        help_text="The citizen's tracking link: shown once, print it on the receipt. "
        "A replay of the same Idempotency-Key gives null: only the token's hash is kept.",
    )


# --- bodies ----------------------------------------------------------------------------


def _reg_number(appeal: Appeal) -> str:
    return appeal.document.reg_number if appeal.document is not None else ""


def _due_row(due: selectors.Due | None) -> dict[str, Any] | None:
    if due is None:
        return None
    return {
        "stage": due.stage,
        "stage_label": due.label,
        "due_at": due.due_at,
        "note": due.note,
        "overdue": due.overdue,
    }


def appeal_row(appeal: Appeal) -> dict[str, Any]:
    due = selectors.current_due(appeal)
    return {
        "id": appeal.pk,
        "status": appeal.status,
        "channel": appeal.channel,
        "citizen": appeal.citizen.full_name,
        "topic": appeal.topic.code if appeal.topic is not None else None,
        "topic_name": appeal.topic.name if appeal.topic is not None else None,
        "received_at": appeal.received_at,
        "registration_due_at": appeal.registration_due_at,
        "registered_at": appeal.registered_at,
        "answer_due_at": appeal.answer_due_at,
        "document": appeal.document_id,
        "reg_number": _reg_number(appeal),
        "result": appeal.result,
        "closed_at": appeal.closed_at,
        "due": _due_row(due),
        "overdue": due.overdue if due is not None else "",
    }


def _file_row(item: AppealFile) -> dict[str, Any]:
    stored = item.stored
    return {
        "id": item.pk,
        "name": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "added_at": item.added_at,
        "supplement": item.supplement_id,
        "download_url": reverse("api-appeal-file-download", args=[item.appeal_id, item.pk]),
    }


def appeal_body(appeal: Appeal) -> dict[str, Any]:
    citizen = appeal.citizen
    return {
        **appeal_row(appeal),
        "organization": appeal.organization_id,
        "text": appeal.text,
        "citizen_id": citizen.pk,
        "citizen_address": citizen.postal_address,
        "citizen_email": citizen.email or citizen.login_email or "",
        "registration_due_note": appeal.registration_due_note,
        "redirect_due_at": appeal.redirect_due_at,
        "answer_due_note": appeal.answer_due_note,
        "extended_at": appeal.extended_at,
        "extension_reason": appeal.extension_reason,
        "no_answer_ground": appeal.no_answer_ground,
        "redirected_at": appeal.redirected_at,
        "redirected_to_name": appeal.redirected_to_name,
        "answer": appeal.answer_id,
        "milestones": [
            {"kind": m.kind, "label": str(Milestone.Kind(m.kind).label), "at": m.at, "data": m.data}
            for m in appeal.milestones.all()
        ],
        "related": [
            {
                "id": r.pk,
                "status": r.status,
                "received_at": r.received_at,
                "reg_number": _reg_number(r),
            }
            for r in selectors.related_appeals(appeal)
        ],
        "files": [_file_row(f) for f in appeal.files.select_related("stored")],
    }


def _detail(actor: Actor, pk: int) -> Response:
    return Response(AppealOut(appeal_body(selectors.appeal_get_for_user(actor, pk))).data)


def _citizen_row(citizen: Citizen) -> dict[str, Any]:
    return {
        "id": citizen.pk,
        "full_name": citizen.full_name,
        "last_name": citizen.last_name,
        "first_name": citizen.first_name,
        "middle_name": citizen.middle_name,
        "postal_address": citizen.postal_address,
        "email": citizen.email,
        "has_account": citizen.has_account,
    }


# --- lookups of ids in the request body (a 400 on the field, never a 404) --------------


def _topic(code: str) -> Topic | None:
    if not code.strip():
        return None
    found = selectors.topics().filter(code=code.strip()).first()
    if found is None:
        raise ValidationFailed(_("Choose a topic of the classifier."), field="topic")
    return found


def _citizen(actor: Actor, citizen_id: int) -> Citizen:
    try:
        return selectors.citizen_get_for_registrar(actor, citizen_id)
    except NotFound as exc:
        if not actor.employee.is_registrar:
            raise Forbidden(_("Only a registrar registers appeals.")) from exc
        raise ValidationFailed(_("Citizen not found."), field="citizen") from exc


def _organization(organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    found = selectors.organizations_for_citizens().filter(pk=organization_id).first()
    if found is None:
        raise ValidationFailed(_("Choose an organization of the region."), field="organization")
    return found


def _answer(actor: Actor, document_id: int) -> Document:
    try:
        return document_selectors.document_get_for_user(actor, document_id)
    except NotFound as exc:
        raise ValidationFailed(_("Document not found."), field="answer") from exc


def _require_list(actor: Actor) -> None:
    if not permissions.sees_all_appeals(actor.employee):
        raise Forbidden(_("The list of appeals is for registrars, heads and controllers."))


def _require_registrar(actor: Actor) -> None:
    if not actor.employee.is_registrar:
        raise Forbidden(_("Only a registrar registers appeals."))


# --- views -----------------------------------------------------------------------------


class AppealListView(ApiView):
    """The organization's appeals, newest first (registrars, heads, controllers)."""

    pagination_class = Paging

    @extend_schema(
        parameters=[AppealQueryIn],
        responses=AppealListOut(many=True),
        operation_id="appeals_list",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        _require_list(actor)
        query = parse(AppealQueryIn, request.query_params)
        flt = selectors.StaffFilter(
            status=query.get("status", ""), overdue=query["overdue"], q=query.get("q", "")
        )
        paging = Paging()
        items: QuerySet[Appeal] = selectors.appeal_list(actor, flt)
        page = paging.paginate_queryset(items, request, view=self)
        return paging.get_paginated_response(
            AppealListOut([appeal_row(a) for a in page or []], many=True).data
        )


class RegistrationQueueView(ApiView):
    """Received appeals waiting for registration, the earliest term first (registrars)."""

    @extend_schema(responses=AppealListOut(many=True), operation_id="appeals_queue")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        _require_registrar(actor)
        items = selectors.registration_queue(actor)
        return Response(AppealListOut([appeal_row(a) for a in items], many=True).data)


class AppealView(ApiView):
    """An appeal: its terms, milestones, related appeals and files."""

    @extend_schema(responses=AppealOut, operation_id="appeals_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return _detail(api_actor(request), pk)


class AppealRegisterView(ApiView):
    @extend_schema(
        request=AppealRegisterIn,
        responses={200: AppealOut},
        operation_id="appeals_register",
        description="Register a received appeal as an incoming document (the registrar).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        data = parse(AppealRegisterIn, request.data)
        services.appeal_register(
            actor=actor,
            appeal=appeal,
            title=data["title"],
            executor=_colleague(actor, data["executor"], "executor"),
            journal=journal_get(actor, data["journal"]) if data["journal"] else None,
        )
        return _detail(actor, pk)


class AppealRedirectView(ApiView):
    @extend_schema(
        request=RedirectIn,
        responses={200: AppealOut},
        operation_id="appeals_redirect",
        description="Redirect by competence: to an organization of the region (its id) or "
        "to a body outside it (its name).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        data = parse(RedirectIn, request.data)
        services.appeal_redirect(
            actor=actor,
            appeal=appeal,
            organization=_organization(data["organization"]),
            outside_name=data["outside_name"],
            outside_address=data["outside_address"],
            note=data["note"],
        )
        return _detail(actor, pk)


class AppealExtendView(ApiView):
    @extend_schema(
        request=ExtendIn,
        responses={200: AppealOut},
        operation_id="appeals_extend",
        description="Extend the term of the answer once, by up to 30 days (the head).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        data = parse(ExtendIn, request.data)
        services.appeal_extend(actor=actor, appeal=appeal, days=data["days"], reason=data["reason"])
        return _detail(actor, pk)


class AppealCloseView(ApiView):
    @extend_schema(
        request=CloseIn,
        responses={200: AppealOut},
        operation_id="appeals_close_without_answer",
        description="Leave the appeal without an answer on a ground of 59-ФЗ art. 11.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        data = parse(CloseIn, request.data)
        services.appeal_close_without_answer(
            actor=actor, appeal=appeal, ground=data["ground"], note=data["note"]
        )
        return _detail(actor, pk)


class AppealAnswerView(ApiView):
    @extend_schema(
        request=AnswerIn,
        responses={200: AppealOut},
        operation_id="appeals_answer_send",
        description="Send the signed and registered answer to the citizen (the registrar).",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        appeal = selectors.appeal_get_for_user(actor, pk)
        data = parse(AnswerIn, request.data)
        services.appeal_answer_send(
            actor=actor, appeal=appeal, answer=_answer(actor, data["answer"]), result=data["result"]
        )
        return _detail(actor, pk)


class AppealFileDownloadView(ApiView):
    """Download a file the citizen attached to the appeal."""

    @extend_schema(
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        operation_id="appeals_files_download",
        description="The file's bytes as uploaded, with its real Content-Type.",
    )
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        appeal = selectors.appeal_get_for_user(api_actor(request), pk)
        item = appeal.files.select_related("stored").filter(pk=file_id).first()
        if item is None:
            raise NotFound(_("Not found."))
        stored = item.stored
        return _bytes_response(
            file_open(stored),
            content_type=stored.content_type,
            disposition=content_disposition("attachment", stored.original_name),
        )


class CitizensView(ApiView):
    """Citizens for a paper appeal (registrars): find by surname, e-mail or address; add one."""

    @extend_schema(
        parameters=[CitizenQueryIn],
        responses=CitizenOut(many=True),
        operation_id="citizens_find",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        _require_registrar(actor)
        query = parse(CitizenQueryIn, request.query_params)
        found = selectors.citizens_find(actor, query["q"])
        return Response(CitizenOut([_citizen_row(c) for c in found], many=True).data)

    @extend_schema(
        request=CitizenIn,
        responses={201: CitizenOut},
        operation_id="citizens_create",
        description="A citizen of a paper appeal or a personal reception (no account).",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(CitizenIn, request.data)
        citizen = services.citizen_create_by_clerk(actor=actor, data=services.CitizenData(**data))
        return Response(CitizenOut(_citizen_row(citizen)).data, status=201)


class PaperAppealView(ApiView):
    """A paper appeal or one from a personal reception, registered at once."""

    shown_once = ("tracking_url",)

    @extend_schema(
        request={"multipart/form-data": PaperAppealIn, "application/json": PaperAppealIn},
        responses={201: PaperAppealOut},
        operation_id="appeals_register_paper",
        description="Register a paper or personal-reception appeal with its scans; the "
        "answer carries the citizen's tracking link, shown only here.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        _require_registrar(actor)
        data = parse(PaperAppealIn, request.data)
        sent = services.appeal_register_paper(
            actor=actor,
            citizen=_citizen(actor, data["citizen"]),
            text=data["text"],
            channel=data["channel"],
            received_on=data["received_on"],
            topic=_topic(data["topic"]),
            title=data["title"],
            executor=_colleague(actor, data["executor"], "executor"),
            uploads=uploads_from(data["files"]),
        )
        appeal = selectors.appeal_get_for_user(actor, sent.appeal.pk)
        body = {"appeal": appeal_body(appeal), "tracking_url": services.tracking_url(sent.token)}
        return Response(PaperAppealOut(body).data, status=201)
