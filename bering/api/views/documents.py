"""Documents: list, create, register, read, history."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, KeysetPaging, Paging, parse
from bering.api.idempotency import AfterCommit, idempotent
from bering.api.lookups import card_from, journal_get, uploads_from
from bering.api.serializers import (
    DocumentCreateIn,
    DocumentListOut,
    DocumentOut,
    DocumentQueryIn,
    DuplicateErrorOut,
    HistoryOut,
    RegisterIn,
    RegisterIncomingIn,
)
from bering.api.views.files import file_slots
from bering.audit.selectors import history_for
from bering.documents import selectors, services
from bering.documents.models import Document
from bering.orgs.actor import Actor
from bering.orgs.models import Employee


def document_body(actor: Actor, document_id: int) -> Any:
    """The detail of a document as the actor sees it: card, people, files."""
    return document_out(selectors.document_get_for_user(actor, document_id))


def document_out(document: Document) -> Any:
    """The detail of a document already read with the actor's permission (or just made
    by the actor: the answer to a registration is built from the rows in hand)."""
    prefetch_related_objects(
        [document], Prefetch("allowed", queryset=Employee.objects.select_related("user"))
    )
    files = file_slots(selectors.document_files(document))
    return DocumentOut(document, context={"files": files}).data


class DocumentListView(ApiView):
    """Documents the acting post may see, newest first; new drafts."""

    pagination_class = KeysetPaging

    @extend_schema(
        parameters=[DocumentQueryIn],
        responses=DocumentListOut(many=True),
        operation_id="documents_list",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        query = parse(DocumentQueryIn, request.query_params)
        flt = selectors.DocumentFilter(
            doc_type_id=query.get("doc_type"),
            status=query.get("status"),
            flow=query.get("flow"),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
            number=query.get("number", ""),
            text=query.get("q", ""),
        )
        paging = KeysetPaging()
        page = paging.page(selectors.document_list(actor, flt), request, key=selectors.LIST_KEY)
        return paging.get_paginated_response(DocumentListOut(page, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": DocumentCreateIn,
            "application/json": DocumentCreateIn,
        },
        responses={201: DocumentOut},
        operation_id="documents_create",
        description="Create a draft with optional files (multipart/form-data).",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(DocumentCreateIn, request.data)
        document = services.document_create(
            actor=actor,
            card=card_from(actor, data),
            flow=data["flow"],
            uploads=uploads_from(data["files"]),
        )
        return AfterCommit(
            lambda: document_body(actor, document.pk), status=201, ref={"id": document.pk}
        )


class RegisterIncomingView(ApiView):
    """Registration of an incoming letter by a registrar."""

    @extend_schema(
        request={
            "multipart/form-data": RegisterIncomingIn,
            "application/json": RegisterIncomingIn,
        },
        responses={
            201: DocumentOut,
            409: OpenApiResponse(
                DuplicateErrorOut,
                description="A letter with the same correspondent, number and date is "
                "registered (see `duplicates`); send confirm_duplicate=true to go on.",
            ),
        },
        operation_id="documents_register_incoming",
        description="Register an incoming letter in one step: card, files, number.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(RegisterIncomingIn, request.data)
        document = services.document_register_incoming(
            actor=actor,
            card=card_from(actor, data),
            journal=journal_get(actor, data["journal"]),
            uploads=uploads_from(data["files"]),
            confirm_duplicate=data["confirm_duplicate"],
        )
        return AfterCommit(lambda: document_out(document), status=201, ref={"id": document.pk})


class DocumentView(ApiView):
    """The registration card of a document with its files."""

    @extend_schema(responses=DocumentOut, operation_id="documents_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        return Response(document_body(api_actor(request), pk))


class DocumentRegisterView(ApiView):
    """Give a draft its registration number."""

    @extend_schema(
        request=RegisterIn, responses={200: DocumentOut}, operation_id="documents_register"
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = selectors.document_get_for_user(actor, pk, for_write=True)
        data = parse(RegisterIn, request.data)
        services.document_register(
            actor=actor, document=document, journal=journal_get(actor, data["journal"])
        )
        return Response(document_body(actor, pk))


class DocumentHistoryView(ApiView):
    """What was done with a document, by whom, oldest first."""

    pagination_class = Paging

    @extend_schema(responses=HistoryOut(many=True), operation_id="documents_history")
    def get(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document: Document = selectors.document_get_for_user(actor, pk)
        paging = Paging()
        events = history_for(object_type="document", object_id=document.pk)
        page = paging.paginate_queryset(events, request, view=self)
        return paging.get_paginated_response(HistoryOut(page, many=True).data)
