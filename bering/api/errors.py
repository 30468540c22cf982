"""The API's one exception handler: every error is JSON ``{code, detail, field?}``.

Domain errors carry their own message; DRF's errors (bad input, bad token, not
found, throttled) are put in the same shape, with all field messages under
``errors``. Lock waits and timeouts become 503 with ``Retry-After``, never 500.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bering.core.db import is_lock_error
from bering.core.errors import DomainError
from bering.documents.services import PossibleDuplicate

_TIMEOUT_MARKERS = ("statement timeout", "canceling statement", "lock timeout")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        if exc.extra:
            body.update(exc.extra)
        if isinstance(exc, PossibleDuplicate):
            body["duplicates"] = [
                {"id": d.pk, "reg_number": d.reg_number, "reg_date": d.reg_date}
                for d in exc.duplicates
            ]
        headers = None
        if exc.retry_after:
            headers = {"Retry-After": str(exc.retry_after)}
        elif exc.status_code == 503:
            headers = {"Retry-After": "5"}
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, OperationalError) and (
        is_lock_error(exc) or any(m in str(exc).lower() for m in _TIMEOUT_MARKERS)
    ):
        return Response(
            {"code": "busy", "detail": _("The system is busy right now. Please try again.")},
            status=503,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {
                "code": "conflict",
                "detail": _("The data changed meanwhile. Reload it and try again."),
            },
            status=409,
        )
    if isinstance(exc, RequestDataTooBig):
        # Django's own refusal of a body over DATA_UPLOAD_MAX_MEMORY_SIZE: the net behind
        # bering.core.middleware.RequestSizeMiddleware, which refuses by Content-Length.
        return Response(request_too_large_body(), status=413)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response(
            {"code": "too_many_fields", "detail": _("The request has too many fields or files.")},
            status=400,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = _shape(exc)
    return response


def request_too_large_body() -> dict[str, str]:
    mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return {
        "code": "request_too_large",
        "detail": _("The request is larger than %(mb)s MB. Send less data at once.") % {"mb": mb},
    }


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/v1/ (a mistyped path, an id that is not a number):
    a JSON 404 like every API error, never Django's HTML page. A read of an address that
    only lacks its final slash is still redirected, as Django's APPEND_SLASH did."""
    if settings.APPEND_SLASH and request.method in ("GET", "HEAD") and _slash_resolves(request):
        return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)


def _slash_resolves(request: HttpRequest) -> bool:
    if request.path_info.endswith("/"):
        return False
    try:
        match = resolve(request.path_info + "/", getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.url_name != "api-not-found"


def _shape(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail
        field, message = _first_message(errors)
        body: dict[str, Any] = {"code": "invalid", "detail": message}
        if field:
            body["field"] = field
        body["errors"] = errors
        return body
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    return {"code": str(code), "detail": str(detail)}


def _first_message(errors: Any, field: str = "") -> tuple[str, str]:
    """The first field (dotted path) and message of a nested DRF error structure."""
    if isinstance(errors, dict):
        for name, value in errors.items():
            path = str(name) if not field else f"{field}.{name}"
            if name == "non_field_errors":
                path = field
            return _first_message(value, path)
    if isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                return _first_message(value, f"{field}.{index}" if field else str(index))
            return field, str(value)
    if errors:
        return field, str(errors)
    return field, _("The request is not valid.")
