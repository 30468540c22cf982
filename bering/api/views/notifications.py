"""Notifications of the acting post: list, mark one read, mark all read."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, KeysetPaging, parse
from bering.api.idempotency import idempotent
from bering.notifications import selectors, services
from bering.notifications.models import Kind


class NotificationQueryIn(serializers.Serializer[Any]):
    unread = serializers.BooleanField(
        required=False, default=False, help_text="1: only the unread ones."
    )


class NotificationOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField(help_text="A path on this site, or empty.")
    object_type = serializers.CharField(help_text="What it is about, e.g. `document`.")
    object_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ReadAllOut(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many were unread until now.")
    unread = serializers.IntegerField(help_text="Unread notifications left (0).")


class NotificationListView(ApiView):
    """Notifications of the acting post, newest first."""

    pagination_class = KeysetPaging

    @extend_schema(
        parameters=[NotificationQueryIn],
        responses=NotificationOut(many=True),
        operation_id="notifications_list",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        query = parse(NotificationQueryIn, request.query_params)
        found = selectors.notifications_for(actor, unread_only=query["unread"])
        paging = KeysetPaging()
        page = paging.page(found, request, key="created_at")
        return paging.get_paginated_response(NotificationOut(page, many=True).data)


class NotificationReadView(ApiView):
    """Mark one notification of the acting post read (again is harmless)."""

    @extend_schema(request=None, responses=NotificationOut, operation_id="notifications_read")
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        notification = services.notification_mark_read(actor=actor, notification_id=pk)
        return Response(NotificationOut(notification).data)


class NotificationReadAllView(ApiView):
    """Mark every notification of the acting post read."""

    @extend_schema(request=None, responses=ReadAllOut, operation_id="notifications_read_all")
    @idempotent
    def post(self, request: Request) -> Response:
        actor = api_actor(request)
        marked = services.notifications_mark_all_read(actor=actor)
        unread = selectors.unread_count(actor.post.pk)
        return Response(ReadAllOut({"marked": marked, "unread": unread}).data)
