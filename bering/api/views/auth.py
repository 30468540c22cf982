"""Tokens and the signed-in person: POST/DELETE /auth/token, GET /me."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from bering.accounts.models import ApiToken, User
from bering.accounts.services import api_token_issue
from bering.api.base import ApiView, parse
from bering.api.serializers import MeOut, TokenIn, TokenOut
from bering.core.errors import ValidationFailed
from bering.orgs.selectors import posts_for_user, substitutions_active


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
        _token, raw = api_token_issue(
            username=data["username"],
            password=data["password"],
            name=data["name"],
            code=data["code"],
            request=request._request,
        )
        return Response({"token": raw}, status=201)

    @extend_schema(request=None, responses={204: None}, operation_id="token_revoke")
    def delete(self, request: Request) -> Response:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise ValidationFailed(
                _("This request was not made with an API token."), code="no_token"
            )
        _token_revoke(token)
        return Response(status=204)


def _token_revoke(token: ApiToken) -> None:
    # TODO(accounts): belongs in bering.accounts.services as ``api_token_revoke``.
    ApiToken.objects.filter(pk=token.pk).delete()


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
