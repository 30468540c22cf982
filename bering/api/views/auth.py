"""Tokens and the signed-in person: POST/DELETE /auth/token, GET /me."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bering.accounts import twofactor
from bering.accounts.models import ApiToken, User
from bering.accounts.security import LockedOut
from bering.api.base import ApiView, parse
from bering.api.errors import exception_handler
from bering.api.serializers import MeOut, TokenIn, TokenOut
from bering.core.errors import ValidationFailed
from bering.orgs import security as sign_in_security
from bering.orgs.selectors import posts_for_user, substitutions_active


def locked_out(exc: LockedOut) -> Response:
    """A lockout answered (not raised, so the call's transaction keeps the recorded
    refusal) as the API's JSON error, with the seconds left in ``Retry-After``."""
    response = exception_handler(exc, {})
    assert response is not None
    return response


V = TypeVar("V", bound=APIView)
P = ParamSpec("P")


def password_first(
    handler: Callable[Concatenate[V, Request, P], Response],
) -> Callable[Concatenate[V, Request, P], Response]:
    """Put above ``@idempotent`` on a call that re-enters the password (signing): the
    password in the body is checked before the call's transaction, so a refusal stays
    counted and audited though the refused call rolls back (decision 0011). The
    ``idempotent`` mark is copied, so the schema and the checks still see it."""

    @functools.wraps(handler)
    def wrapper(view: V, request: Request, /, *args: P.args, **kwargs: P.kwargs) -> Response:
        password = request.data.get("password") if hasattr(request.data, "get") else None
        if isinstance(request.user, User) and isinstance(password, str):
            try:
                sign_in_security.password_confirm(
                    user=request.user, password=password, request=request._request
                )
            except LockedOut as exc:
                return locked_out(exc)
        return handler(view, request, *args, **kwargs)

    return wrapper


class TokenView(ApiView):
    """Exchange a password for a bearer token once; revoke the token in use."""

    acts_in_post = False

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def perform_authentication(self, request: Request) -> None:
        # Issuing a token needs no earlier credentials: ignore a stale Authorization header.
        if request.method != "POST":
            super().perform_authentication(request)

    @extend_schema(request=TokenIn, responses={201: TokenOut}, auth=[], operation_id="token_issue")
    def post(self, request: Request) -> Response:
        data = parse(TokenIn, request.data)
        try:
            _token, raw = sign_in_security.api_token_issue(
                username=data["username"],
                password=data["password"],
                name=data["name"],
                code=data["code"],
                request=request._request,
            )
        except LockedOut as exc:
            return locked_out(exc)
        return Response({"token": raw}, status=201)

    @extend_schema(request=None, responses={204: None}, operation_id="token_revoke")
    def delete(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise ValidationFailed(
                _("This request was not made with an API token."), code="no_token"
            )
        sign_in_security.api_token_revoke(actor=None, token=token)
        return Response(status=204)


class MeView(ApiView):
    """The signed-in person and the posts they may act in (X-Bering-Post)."""

    acts_in_post = False

    @extend_schema(responses=MeOut, operation_id="me")
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        posts = list(posts_for_user(user))
        acting = substitutions_active(user=user)  # each in its organization's today
        body = {
            "user": user,
            "posts": [
                {
                    "id": post.pk,
                    "organization": post.organization,
                    "position": post.position.name if post.position else None,
                    "department": post.department.name if post.department else None,
                    "roles": post.role_names,
                    "acting_for": [
                        {
                            "id": s.absent_id,
                            "name": s.absent.user.display_name,
                            "until": s.ends_on,
                        }
                        for s in acting
                        if s.substitute_id == post.pk
                    ],
                }
                for post in posts
            ],
        }
        return Response(MeOut(body).data)


# --- the second factor ------------------------------------------------------------------
# Not @idempotent, like the token: a code is verified outside any transaction, so the
# throttle counter of a wrong code is kept (decision 0011). Replays are harmless: a
# second confirm or disable answers 400, a second setup gives a fresh secret.


class SecondFactorOut(serializers.Serializer[Any]):
    on = serializers.BooleanField(help_text="Signing in takes a code from the app.")
    pending = serializers.BooleanField(help_text="A setup waits for its first code.")


class SecondFactorSetupOut(serializers.Serializer[Any]):
    secret = serializers.CharField(help_text="Base32, in groups of four, for typing by hand.")
    otpauth_url = serializers.CharField(help_text="otpauth://totp/... for a QR code.")


class CodeIn(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=12)


class DisableIn(serializers.Serializer[Any]):
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    code = serializers.CharField(max_length=12)


def _state(user: User) -> dict[str, bool]:
    on = twofactor.is_on(user)
    return {"on": on, "pending": not on and twofactor.pending_device(user) is not None}


class SecondFactorView(ApiView):
    """Whether signing in takes a code from an authenticator app."""

    acts_in_post = False

    @extend_schema(responses=SecondFactorOut, operation_id="second_factor")
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(SecondFactorOut(_state(request.user)).data)


class SecondFactorSetupView(ApiView):
    """Start the setup: a fresh secret for the app (nothing is on until a code confirms it)."""

    acts_in_post = False

    @extend_schema(
        request=None, responses={201: SecondFactorSetupOut}, operation_id="second_factor_setup"
    )
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        device = sign_in_security.second_factor_begin(user=user)
        body = {
            "secret": twofactor.secret_text(device),
            "otpauth_url": twofactor.config_url(device),
        }
        return Response(SecondFactorSetupOut(body).data, status=201)


class SecondFactorConfirmView(ApiView):
    """The first code from the app turns the second factor on."""

    acts_in_post = False

    @extend_schema(request=CodeIn, responses=SecondFactorOut, operation_id="second_factor_confirm")
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        data = parse(CodeIn, request.data)
        sign_in_security.second_factor_confirm(actor=None, user=user, code=data["code"])
        return Response(SecondFactorOut(_state(user)).data)


class SecondFactorDisableView(ApiView):
    """Turn the second factor off: the password and a current code."""

    acts_in_post = False

    @extend_schema(
        request=DisableIn, responses=SecondFactorOut, operation_id="second_factor_disable"
    )
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        data = parse(DisableIn, request.data)
        try:
            sign_in_security.second_factor_disable(
                actor=None,
                user=user,
                password=data["password"],
                code=data["code"],
                request=request._request,
            )
        except LockedOut as exc:
            return locked_out(exc)
        return Response(SecondFactorOut(_state(user)).data)
