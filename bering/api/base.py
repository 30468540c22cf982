"""What every API view shares: the schema with error answers, paging, binary answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from bering.api.actor import MAX_ID
from bering.api.schema import BeringAutoSchema
from bering.core.errors import NotFound
from bering.core.paging import COUNT_CAP, Counted, bounded_count, cursor_of, keyset_page


class AnyAccept(DefaultContentNegotiation):
    """The API speaks JSON (and file bytes); an odd ``Accept`` gets JSON, not a 406."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class ApiView(APIView):
    """Base of the API's views: thin, typed, documented with every error answer."""

    schema = BeringAutoSchema()
    renderer_classes = [JSONRenderer]
    content_negotiation_class = AnyAccept
    acts_in_post = True
    """The view builds an actor from X-Bering-Post / X-Bering-On-Behalf-Of."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # An id beyond 64 bits cannot exist; the database must not see it (SQLite overflows).
        if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
            raise NotFound(_("Not found."))


def parse(serializer_class: type[serializers.Serializer[Any]], data: Any) -> Mapping[str, Any]:
    """Validated input, or a 400 naming the field (raised as DRF's ValidationError)."""
    serializer = serializer_class(data=data)
    if isinstance(data, QueryDict):
        reject_blank(
            data, [n for n, f in serializer.fields.items() if not getattr(f, "allow_blank", False)]
        )
    else:
        errors = json_type_errors(serializer, data)
        if errors:
            raise serializers.ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    validated: Mapping[str, Any] = serializer.validated_data
    return validated


def json_type_errors(field: serializers.Field[Any, Any, Any, Any], value: Any) -> Any:
    """JSON values of the wrong type that DRF would quietly convert, by field: a number where
    the schema says text (``"pages": "12"`` is fine for DRF, not for the schema), text or a
    boolean where it says a number, ``"yes"`` where it says a boolean. ``None`` when all is well;
    values DRF rejects anyway (and nulls) are left to DRF."""
    if value is None or field.read_only:
        return None
    if isinstance(field, serializers.Serializer):
        if not isinstance(value, dict):
            return None
        found = {
            name: errors
            for name, child in field.fields.items()
            if name in value and (errors := json_type_errors(child, value[name]))
        }
        return found or None
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        child = field.child
        if child is None or not isinstance(value, list):
            return None
        items = {
            index: errors
            for index, item in enumerate(value)
            if (errors := json_type_errors(child, item))
        }
        return items or None
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return [_("This must be text.")]  # DRF's "Not a valid string." has no Russian
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return [_("This must be true or false.")]
    if isinstance(field, serializers.IntegerField | serializers.FloatField) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return [field.error_messages["invalid"]]
    return None


def reject_blank(data: QueryDict, names: Iterable[str]) -> None:
    """A 400 for ``name=`` with nothing after it, where the schema wants a number, a date, a
    choice or an id. (DRF reads a blank form or query field as "not sent" and would quietly
    use the default: a client with a bug would get the wrong answer instead of an error.)"""
    errors = {
        name: [serializers.CharField.default_error_messages["blank"]]
        for name in names
        if any(isinstance(value, str) and not value.strip() for value in data.getlist(name))
    }
    if errors:
        raise serializers.ValidationError(errors)


_INTEGER = re.compile(r"-?[0-9]+")


class Paging(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
    max_offset = 10**9

    def get_limit(self, request: Request) -> int | None:
        self._require_integer(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        self._require_integer(request, self.offset_query_param)
        # A huge offset would overflow the database's integer: clamp it.
        return min(super().get_offset(request), self.max_offset)

    @staticmethod
    def _require_integer(request: Request, name: str) -> None:
        """A number out of range falls back to the default or the maximum, as DRF does; a
        value that is not a number at all is a 400 (DRF would silently use the default)."""
        values = request.query_params.getlist(name)
        if any(not _INTEGER.fullmatch(value) for value in values):
            raise serializers.ValidationError(
                {name: [serializers.IntegerField.default_error_messages["invalid"]]}
            )


class KeysetPaging(Paging):
    """Paging of a list that grows to millions (decision 0021): ``limit`` rows after the
    opaque ``cursor`` of a ``next`` or ``previous`` link, newest first, read by keyset;
    ``count`` exact up to ``COUNT_CAP``, else null with ``count_at_least``. ``offset`` still
    works up to ``COUNT_CAP`` for old clients (deprecated); its ``next`` link is a cursor's."""

    max_offset = COUNT_CAP

    def __init__(self) -> None:
        self.counted = Counted(None)
        self.next_link: str | None = None
        self.previous_link: str | None = None

    def page(self, queryset: QuerySet[Any], request: Request, *, key: str) -> list[Any]:
        """The rows of the page the request names; ``queryset`` in any order (the page is
        ordered by ``-key, -pk``)."""
        self.request = request
        limit = self.get_limit(request) or self.default_limit
        cursors = request.query_params.getlist("cursor")
        if cursors and self.offset_query_param in request.query_params:
            raise serializers.ValidationError({"cursor": [_("Send either cursor or offset.")]})
        self.counted = bounded_count(queryset)
        url = remove_query_param(request.build_absolute_uri(), self.offset_query_param)
        if self.offset_query_param in request.query_params:  # deprecated
            offset = self.get_offset(request)
            rows = list(queryset.order_by(f"-{key}", "-pk")[offset : offset + limit + 1])
            if len(rows) > limit:
                self.next_link = replace_query_param(url, "cursor", cursor_of(rows[limit - 1], key))
            if offset > 0:
                self.previous_link = replace_query_param(
                    request.build_absolute_uri(), self.offset_query_param, max(0, offset - limit)
                )
            return rows[:limit]
        found = keyset_page(queryset, key=key, cursor=cursors[-1] if cursors else None, size=limit)
        if found.next:
            self.next_link = replace_query_param(url, "cursor", found.next)
        if found.previous:
            self.previous_link = replace_query_param(url, "cursor", found.previous)
        return found.items

    def get_offset(self, request: Request) -> int:
        name = self.offset_query_param
        self._require_integer(request, name)
        if any(int(value) < 0 for value in request.query_params.getlist(name)):
            message = serializers.IntegerField.default_error_messages["min_value"]
            raise serializers.ValidationError({name: [str(message).format(min_value=0)]})
        offset = LimitOffsetPagination.get_offset(self, request)
        if offset > self.max_offset:
            cap = number_format(COUNT_CAP, force_grouping=True)
            message = _("Past %(cap)s rows, follow the next link (a cursor) instead.")
            raise serializers.ValidationError({name: [message % {"cap": cap}]})
        return offset

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.counted.exact,
                "count_at_least": self.counted.at_least,
                "next": self.next_link,
                "previous": self.previous_link,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_at_least", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": f"Exact up to {COUNT_CAP}; null: more (see count_at_least).",
                },
                "count_at_least": {
                    "type": "integer",
                    "nullable": True,
                    "description": f"With count null: at least this many ({COUNT_CAP}).",
                },
                "next": {**link, "description": "The next page (a cursor link); null: last."},
                "previous": {**link, "description": "The page before; null: the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The page after (or before) a row: take it from `next` or "
                "`previous`, never build it. A bad cursor is a 400.",
                "schema": {"type": "string"},
            },
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, {self.default_limit} by default, at most "
                f"{self.max_limit}.",
                "schema": {"type": "integer"},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "deprecated": True,
                "description": f"Deprecated: follow `next`. Rows to skip, at most {COUNT_CAP}.",
                "schema": {"type": "integer", "minimum": 0, "maximum": COUNT_CAP},
            },
        ]
