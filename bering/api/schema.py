"""OpenAPI: the error answers every operation can give, the headers, the bearer token.

drf-spectacular documents only the success answer. ``BeringAutoSchema`` adds
400/401/403/404/409/429/503 (and 422 where ``Idempotency-Key`` applies) with
the common error body, and the acting-post headers. The views set it with
``schema = BeringAutoSchema()``; settings may name it as DEFAULT_SCHEMA_CLASS.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter

from bering.api.actor import MAX_ID, ON_BEHALF_HEADER, POST_HEADER
from bering.api.idempotency import KEY_HEADER, KEY_PATTERN, REPLAYED_HEADER, is_idempotent
from bering.api.serializers import ErrorOut
from bering.files.models import StoredFile

ERRORS: dict[str, str] = {
    "400": "The request is not valid: the message says what to correct.",
    "401": "No valid token (or the user was disabled).",
    "403": "The acting post may not do this, or the user holds no post.",
    "404": "No such object, or it is not visible to the acting post.",
    "409": "The object changed meanwhile, or the action is already done.",
    "429": "Too many requests: slow down and retry after Retry-After seconds.",
    "503": "The database is busy: retry after Retry-After seconds.",
}
IDEMPOTENCY_ERROR = ("422", "The Idempotency-Key was already used for a different request.")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
EMPLOYEE_ID: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
"""What ``header_id`` accepts: anything else is a 400, so the schema says so."""


KEY_PARAMETER = OpenApiParameter(
    KEY_HEADER,
    {"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description=(
        "Optional. 1-255 visible ASCII characters (a UUID). A retry with the "
        "same key and body returns the first answer with "
        f"`{REPLAYED_HEADER}: true` and does not apply twice."
    ),
)
"""The ``Idempotency-Key`` header, as both APIs (staff and citizens') document it."""


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    {"type": "string", "maxLength": 200},
    OpenApiParameter.HEADER,
    description=(
        "Optional. The item's `etag` from `GET /api/v1/desk/changes`: the decision is "
        "refused with 412 `item_changed` (and the item as it is now) when the item changed "
        "since, with 409 `item_gone` when it is no longer waiting for the caller."
    ),
)
IF_MATCH_ERROR = ("412", "If-Match: the item changed since its etag was read.")


def idempotent_operation(auto_schema: AutoSchema) -> bool:
    """The operation being described is a state-changing ``@idempotent`` handler."""
    handler = getattr(auto_schema.view, auto_schema.method.lower(), None)
    return auto_schema.method in UNSAFE and is_idempotent(handler)


class BeringAutoSchema(AutoSchema):
    def _idempotent(self) -> bool:
        return idempotent_operation(self)

    def _acts_in_post(self) -> bool:
        return bool(getattr(self.view, "acts_in_post", False))

    def get_override_parameters(self) -> list[Any]:
        params: list[Any] = list(super().get_override_parameters())
        if self._acts_in_post():
            params += [
                OpenApiParameter(
                    POST_HEADER,
                    EMPLOYEE_ID,
                    OpenApiParameter.HEADER,
                    description="Employee id of the post to act in; default: the first post.",
                ),
                OpenApiParameter(
                    ON_BEHALF_HEADER,
                    EMPLOYEE_ID,
                    OpenApiParameter.HEADER,
                    description="Employee id of an absent colleague this post substitutes today.",
                ),
            ]
        if self._idempotent():
            params.append(KEY_PARAMETER)
        if self._checks_if_match():
            params.append(IF_MATCH_PARAMETER)
        return params

    def _checks_if_match(self) -> bool:
        return self.method == "POST" and bool(getattr(self.view, "checks_if_match", False))

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self._idempotent():
            errors[IDEMPOTENCY_ERROR[0]] = IDEMPOTENCY_ERROR[1]
        if self._checks_if_match():
            errors[IF_MATCH_ERROR[0]] = IF_MATCH_ERROR[1]
        for code, description in sorted(errors.items()):
            if code not in responses:
                body = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    ErrorOut, code, direction=direction
                )
                body["description"] = description
                responses[code] = body
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "bering.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/auth/token.",
        }


class ProcessingFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """One named enum for the text and preview states, instead of two with equal values."""

    target_class = "bering.api.serializers.ProcessingField"

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Any) -> Any:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="ProcessingStatusEnum",
            type=ResolvedComponent.SCHEMA,
            object="ProcessingStatusEnum",
            schema={"type": "string", "enum": list(StoredFile.Processing.values)},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
