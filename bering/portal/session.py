"""The citizen's session on the public side.

Citizens are not ``accounts.User``: a citizen's session holds only the
citizen's id under its own key, so no staff page (they all need a signed-in
user with a post) can be reached from it, and a staff session is not a
citizen's. Signing in rotates the session key against fixation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from bering.appeals.models import Citizen

SESSION_KEY = "bering_citizen_id"


def citizen_login(request: HttpRequest, citizen: Citizen) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = citizen.pk


def citizen_logout(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_citizen(request: HttpRequest) -> Citizen | None:
    if hasattr(request, "_bering_citizen"):
        cached: Citizen | None = request._bering_citizen
        return cached
    citizen_id = request.session.get(SESSION_KEY)
    citizen = None
    if isinstance(citizen_id, int):
        citizen = Citizen.objects.filter(pk=citizen_id, is_active=True).first()
    request._bering_citizen = citizen  # type: ignore[attr-defined]
    return citizen


def citizen_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Send a visitor with no citizen session to the sign-in page, then back.

    What a signed-in citizen sees is his own: never kept by a browser or a proxy
    cache (``private, no-store``, unless the view chose stricter headers itself)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = current_citizen(request)
        if citizen is None:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('portal:login')}?{query}")
        response = view(request, citizen, *args, **kwargs)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response

    return wrapper
