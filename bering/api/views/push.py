"""Web Push for the tablet app: the server's key, and the person's devices opted in.

The tablet asks for ``GET /push/key`` (``applicationServerKey``), subscribes with the
browser's ``PushSubscription`` as JSON, and may list and remove its person's devices.
A device belongs to the person, not to a post: these calls take no acting-post headers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.accounts.models import User
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.notifications import push, selectors, vapid
from bering.notifications.models import ENDPOINT_MAX


class PushKeyOut(serializers.Serializer[Any]):
    public_key = serializers.CharField(
        help_text="The server's VAPID public key: the uncompressed P-256 point in base64url, "
        "for `pushManager.subscribe({applicationServerKey})`."
    )


class PushKeysIn(serializers.Serializer[Any]):
    p256dh = serializers.CharField(
        max_length=100, help_text="The browser's P-256 public key, base64url."
    )
    auth = serializers.CharField(max_length=50, help_text="The 16-byte auth secret, base64url.")


class PushSubscriptionIn(serializers.Serializer[Any]):
    endpoint = serializers.CharField(
        max_length=ENDPOINT_MAX,
        help_text="The push service URL from the browser: https:// on a public host.",
    )
    keys = PushKeysIn()
    device = serializers.CharField(
        max_length=100,
        allow_blank=True,
        default="",
        help_text="A label the person recognises, e.g. «Планшет, кабинет 12».",
    )


class PushSubscriptionOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    device = serializers.CharField()
    created_at = serializers.DateTimeField()


class PushSubscriptionListOut(PushSubscriptionOut):
    last_success_at = serializers.DateTimeField(
        allow_null=True, help_text="When a push last reached this device."
    )


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class PushKeyView(ApiView):
    """The server's VAPID public key, to subscribe the browser with."""

    acts_in_post = False

    @extend_schema(responses=PushKeyOut, operation_id="push_key")
    def get(self, request: Request) -> Response:
        return Response(PushKeyOut({"public_key": vapid.public_key_b64url()}).data)


class PushSubscriptionsView(ApiView):
    """The person's devices that receive pushes; subscribe this one."""

    acts_in_post = False

    @extend_schema(
        responses=PushSubscriptionListOut(many=True), operation_id="push_subscriptions_list"
    )
    def get(self, request: Request) -> Response:
        found = selectors.push_subscriptions_of(_user(request))
        return Response(PushSubscriptionListOut(found, many=True).data)

    @extend_schema(
        request=PushSubscriptionIn,
        responses={201: PushSubscriptionOut, 200: PushSubscriptionOut},
        operation_id="push_subscribe",
        description="Opt this browser in. The same endpoint again (keys renewed, another "
        "person signed in on the tablet) updates it and answers 200; a new one 201.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = parse(PushSubscriptionIn, request.data)
        subscription, created = push.push_subscribe(
            user=_user(request),
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            device=data["device"],
        )
        return Response(PushSubscriptionOut(subscription).data, status=201 if created else 200)


class PushSubscriptionView(ApiView):
    """One of the person's own devices (404 for anyone else's)."""

    acts_in_post = False

    @extend_schema(request=None, responses={204: None}, operation_id="push_unsubscribe")
    @idempotent
    def delete(self, request: Request, pk: int) -> Response:
        push.push_unsubscribe(user=_user(request), subscription_id=pk)
        return Response(status=204)
