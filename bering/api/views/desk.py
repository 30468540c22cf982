"""The head's queue for the tablet: what changed since a cursor (decision 0019).

A decision on an item is the usual API call (``actions[].url``) with the item's
``etag`` as ``If-Match`` and an ``Idempotency-Key``: see ``if_match``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.desk import sync
from bering.orgs.actor import Actor


class ChangesIn(serializers.Serializer[Any]):
    cursor = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="From the last answer."
    )
    limit = serializers.IntegerField(min_value=1, max_value=sync.LIMIT_MAX, default=sync.LIMIT)


class ItemDocumentOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="Registration number, or empty.")
    date = serializers.CharField(help_text="Registration date ДД.ММ.ГГГГ, or empty.")
    type = serializers.CharField()
    organization = serializers.CharField()


class ItemFileOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    text_url = serializers.CharField()
    pdf_url = serializers.CharField(allow_null=True)
    pdf_sha256 = serializers.CharField(allow_null=True)
    pdf_size = serializers.IntegerField(allow_null=True)
    preview_url = serializers.CharField(allow_null=True)


class ItemActionOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    url = serializers.CharField(help_text="POST here, JSON body below, If-Match: the etag.")
    body = serializers.DictField()
    comment_field = serializers.CharField(allow_null=True)
    comment_required = serializers.BooleanField()


class DeskItemOut(serializers.Serializer[Any]):
    key = serializers.CharField(help_text="kind:id, unique in the queue.")
    kind = serializers.ChoiceField(choices=["visa", "sign", "resolution", "extension", "report"])
    id = serializers.IntegerField()
    version = serializers.CharField(help_text="Changes whenever anything in the item changes.")
    etag = serializers.CharField(help_text="Send as If-Match with a decision on the item.")
    label = serializers.CharField()  # type: ignore[assignment]
    title = serializers.CharField()
    document = ItemDocumentOut()
    due_at = serializers.DateTimeField(allow_null=True)
    due = serializers.CharField(help_text="ДД.ММ.ГГГГ ЧЧ:ММ in the organization's time zone.")
    due_note = serializers.CharField()
    overdue = serializers.CharField(help_text="Empty unless overdue.")
    waiting_since = serializers.DateTimeField()
    text = serializers.CharField(help_text="What there is to read beyond the files.")
    files = ItemFileOut(many=True)
    actions = ItemActionOut(many=True)
    page_url = serializers.CharField()


class ChangesOut(serializers.Serializer[Any]):
    cursor = serializers.CharField()
    reset = serializers.BooleanField(help_text="Drop every item held that is not in changed.")
    more = serializers.BooleanField(help_text="Ask again at once with the new cursor.")
    as_of = serializers.DateTimeField()
    count = serializers.IntegerField(help_text="Items in the queue now.")
    changed = DeskItemOut(many=True)
    removed = serializers.ListField(child=serializers.CharField())


def _etag(cursor: str) -> str:
    return f'"{cursor}"'


def _asked_etag(request: Request) -> str:
    return request.headers.get("If-None-Match", "").strip().removeprefix("W/")


class DeskChangesView(ApiView):
    """«Ждут моего решения» as data: the items new or changed since ``cursor``, the keys
    that left. Without a cursor (or with a forgotten one): the whole queue, ``reset``.
    With ``If-None-Match`` equal to the last ETag: 304 when nothing changed."""

    @extend_schema(
        parameters=[ChangesIn],
        responses={200: ChangesOut, 304: OpenApiResponse(description="Nothing changed.")},
        operation_id="desk_changes",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        query = parse(ChangesIn, request.query_params)
        cursor = query.get("cursor") or None
        changes = sync.queue_changes(actor, cursor=cursor, limit=query["limit"])
        etag = _etag(changes.cursor)
        if changes.same and _asked_etag(request) == etag:
            return Response(status=304, headers={"ETag": etag})
        body = {
            "cursor": changes.cursor,
            "reset": changes.reset,
            "more": changes.more,
            "as_of": changes.as_of,
            "count": changes.count,
            "changed": changes.changed,
            "removed": changes.removed,
        }
        return Response(body, headers={"ETag": etag})


def if_match(request: Request, actor: Actor, kind: str, object_id: int) -> None:
    """A decision sent with ``If-Match``: refused with 412 when the item changed since its
    ETag was read, with 409 when it left the actor's queue (decision 0019)."""
    sync.if_match_check(actor, kind, object_id, request.headers.get("If-Match"))
