"""Turns domain errors raised in HTML views into pages a clerk understands."""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bering.core.db import is_lock_error
from bering.core.errors import Busy, DomainError
from bering.orgs.current import request_actor


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, OperationalError) and is_lock_error(exception):
            exception = Busy(_("The system is busy right now. Please try again in a minute."))
        if not isinstance(exception, DomainError):
            return None
        response = render(
            request,
            "web/error.html",
            {"message": exception.message, "status": exception.status_code},
            status=exception.status_code,
        )
        if exception.status_code == 503:
            response["Retry-After"] = "5"
        return response


class OrganizationTimeZoneMiddleware:
    """Show times in the time zone of the organization the person acts for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = request_actor(request) if request.user.is_authenticated else None
        if actor is not None:
            timezone.activate(actor.organization.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
