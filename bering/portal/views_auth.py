"""Citizens' sign-in pages (to be built)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
