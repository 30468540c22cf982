"""What every API view shares: the schema with error answers, paging, binary answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from bering.api.actor import MAX_ID
from bering.api.schema import BeringAutoSchema
from bering.core.errors import NotFound


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
