"""Full-text search of documents: the same query, filters and visibility as the page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.serializers import DocumentListOut, id_field
from bering.documents import selectors
from bering.documents.models import Document, Flow

PAGE_SIZE = 20


class SearchQueryIn(serializers.Serializer[Any]):
    q = serializers.CharField(
        max_length=200, help_text="Words (any form), a registration number, a date ДД.ММ.ГГГГ."
    )
    flow = serializers.ChoiceField(choices=Flow.choices, required=False)
    doc_type = id_field(required=False)
    status = serializers.ChoiceField(choices=Document.Status.choices, required=False)
    executor = id_field(required=False, help_text="The executor's post id.")
    date_from = serializers.DateField(required=False, help_text="Created on or after.")
    date_to = serializers.DateField(required=False, help_text="Created on or before.")
    order = serializers.ChoiceField(
        choices=["relevance", "date"], required=False, help_text="Default: relevance."
    )
    page = serializers.IntegerField(min_value=1, max_value=10_000, required=False)


class PieceOut(serializers.Serializer[Any]):
    text = serializers.CharField()
    marked = serializers.BooleanField(help_text="A word that matched the query.")


class SearchHitOut(serializers.Serializer[Any]):
    document = DocumentListOut()
    title = PieceOut(many=True, help_text="The summary with the matched words marked.")
    snippet = PieceOut(
        many=True, allow_null=True, help_text="A piece of the card or a file around a match."
    )


class SearchPageOut(serializers.Serializer[Any]):
    count = serializers.IntegerField(
        allow_null=True, help_text="Exact up to 1000; null: not counted (see count_at_least)."
    )
    count_at_least = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "With count null: at least this many match (counted among the newest documents "
            "passing the filters); null: more than 1000."
        ),
    )
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    order = serializers.CharField(help_text="relevance, or date when not all are counted.")
    results = SearchHitOut(many=True)


class SearchView(ApiView):
    """Documents holding every word of ``q`` in the card or in the text of a current file."""

    @extend_schema(
        parameters=[SearchQueryIn], responses=SearchPageOut, operation_id="documents_search"
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        data = parse(SearchQueryIn, request.query_params)
        query = selectors.SearchQuery(
            text=data["q"],
            flow=data.get("flow"),
            doc_type_id=data.get("doc_type"),
            status=data.get("status"),
            executor_id=data.get("executor"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            order=data.get("order", "relevance"),
        )
        result = selectors.document_search(
            actor, query, page=data.get("page", 1), per_page=PAGE_SIZE
        )
        body = {
            "count": result.total,
            "count_at_least": result.at_least,
            "page": result.number,
            "has_next": result.has_next,
            "order": "date" if result.by_date else query.order,
            "results": result.hits,
        }
        return Response(SearchPageOut(body).data)
