from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def appeal_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
