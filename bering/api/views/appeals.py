"""Citizens' appeals (59-ФЗ) over the API, for staff: thin views, writes with @idempotent.

Every object route reaches the appeal through ``appeal_get_for_user`` (404 for
another organization, the same as for a missing appeal); the services check the
role (403). Files are reached only through their appeal.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, KeysetPaging, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import _colleague, journal_get, uploads_from
from bering.api.views.appeals_serializers import (
    AnswerIn,
    AppealListOut,
    AppealOut,
    AppealQueryIn,
    AppealRegisterIn,
    CitizenIn,
    CitizenOut,
    CitizenQueryIn,
    CloseIn,
    ExtendIn,
    PaperAppealIn,
    PaperAppealOut,
    RedirectIn,
    appeal_body,
    appeal_row,
    citizen_row,
)
from bering.api.views.files import _bytes_response, content_disposition
from bering.appeals import permissions, selectors, services
from bering.appeals.models import (
    Appeal,
    Citizen,
    Topic,
)
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents.models import Document
from bering.files.services import file_open
from bering.orgs.actor import Actor
from bering.orgs.models import Organization


def _detail(actor: Actor, pk: int) -> Response:
    return Response(AppealOut(appeal_body(selectors.appeal_get_for_user(actor, pk))).data)


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

    pagination_class = KeysetPaging

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
        paging = KeysetPaging()
        items: QuerySet[Appeal] = selectors.appeal_list(actor, flt)
        page = paging.page(items, request, key="received_at")
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
        return Response(CitizenOut([citizen_row(c) for c in found], many=True).data)

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
        return Response(CitizenOut(citizen_row(citizen)).data, status=201)


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
