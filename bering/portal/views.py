"""Public pages placeholder (filled below)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def track(request: HttpRequest, token: str) -> HttpResponse:
    raise Http404
