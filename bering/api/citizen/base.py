"""The citizens' API's ground: the citizen's token authentication, the base view with
its content negotiation and rate limit, and the schema that documents the errors and
``Idempotency-Key`` (the views are in ``views``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import authentication, exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from bering.api.parsers import JSONParser
from bering.api.schema import IDEMPOTENCY_ERROR, KEY_PARAMETER, idempotent_operation
from bering.appeals import citizen_auth, ratelimit
from bering.appeals.models import Citizen
from bering.core.errors import NotFound

PREFIX = "/api/citizen/v1"
MAX_ID = 2**63 - 1


# --- authentication -------------------------------------------------------------------


class CitizenTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` of a citizen; ``request.user`` is the Citizen."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        token = citizen_auth.citizen_token_resolve(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return token.citizen, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class CitizenBearerScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bering.api.citizen.base.CitizenTokenAuthentication"
    name = "citizenBearer"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A citizen's token from POST /api/citizen/v1/auth/token.",
        }


class IsCitizen(BasePermission):
    """Signed in with a citizen's token (a Citizen has no ``is_authenticated``)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Citizen)


def citizen_of(request: Request) -> Citizen:
    user = request.user
    if not isinstance(user, Citizen):  # pragma: no cover - IsCitizen let it through
        raise exceptions.NotAuthenticated()
    return user


# --- the base view and its schema ------------------------------------------------------


class ErrorOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    detail = serializers.CharField()
    field = serializers.CharField(required=False)


ERRORS = {
    "400": "The request is not valid: the message says what to correct.",
    "401": "No valid citizen's token.",
    "404": "No such object, or it is not yours.",
    "409": "The appeal is closed, or changed meanwhile.",
    "429": "Too many requests: retry after Retry-After seconds.",
}


class CitizenAutoSchema(AutoSchema):
    """Documents the error answers and ``Idempotency-Key``; keeps these views out of the
    staff schema."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> Any:
        if not path_prefix.lstrip("^").startswith(PREFIX):
            return None
        return super().get_operation(path, path_regex, path_prefix, method, registry)

    def get_override_parameters(self) -> list[Any]:
        params: list[Any] = list(super().get_override_parameters())
        if idempotent_operation(self):
            params.append(KEY_PARAMETER)
        return params

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if idempotent_operation(self):
            errors[IDEMPOTENCY_ERROR[0]] = IDEMPOTENCY_ERROR[1]
        for code, description in sorted(errors.items()):
            if code not in responses:
                body = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ErrorOut, code, direction=direction
                )
                body["description"] = description
                responses[code] = body
        return responses


class AnyAccept(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class CitizenApiView(APIView):
    authentication_classes = [CitizenTokenAuthentication]
    permission_classes = [IsCitizen]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    content_negotiation_class = AnyAccept
    throttle_classes: list[Any] = []
    schema = CitizenAutoSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
            raise NotFound(_("Not found."))
        if isinstance(request.user, Citizen):
            ratelimit.hit("citizen_api", str(request.user.pk))


def parse(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
