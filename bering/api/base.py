"""What every API view shares: the schema with error answers, paging, binary answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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
    serializer.is_valid(raise_exception=True)
    validated: Mapping[str, Any] = serializer.validated_data
    return validated


class Paging(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200
    max_offset = 10**9

    def get_offset(self, request: Request) -> int:
        # A huge offset would overflow the database's integer: clamp it.
        return min(super().get_offset(request), self.max_offset)
