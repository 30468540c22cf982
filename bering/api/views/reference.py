"""Reference data of the acting organization: journals and document types."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.serializers import DocumentTypeOut, FlowQueryIn, JournalOut
from bering.documents import selectors


class JournalListView(ApiView):
    """Active registration journals of the acting organization."""

    @extend_schema(
        parameters=[FlowQueryIn], responses=JournalOut(many=True), operation_id="journals_list"
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        query = parse(FlowQueryIn, request.query_params)
        journals = selectors.journals_for(actor, flow=query.get("flow")).prefetch_related(
            "document_types"
        )
        return Response(JournalOut(journals, many=True).data)


class DocumentTypeListView(ApiView):
    """Document types in use."""

    @extend_schema(
        parameters=[FlowQueryIn],
        responses=DocumentTypeOut(many=True),
        operation_id="document_types_list",
    )
    def get(self, request: Request) -> Response:
        api_actor(request)  # a user without a post gets the same 403 everywhere
        query = parse(FlowQueryIn, request.query_params)
        return Response(
            DocumentTypeOut(selectors.document_types(flow=query.get("flow")), many=True).data
        )
