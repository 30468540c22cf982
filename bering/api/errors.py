"""The API's one exception handler: domain errors become JSON with a message."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bering.core.db import is_lock_error
from bering.core.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, OperationalError) and is_lock_error(exc):
        return Response(
            {"code": "busy", "detail": _("The system is busy right now. Please try again.")},
            status=503,
            headers={"Retry-After": "5"},
        )
    return drf_exception_handler(exc, context)
