"""Queues a page at a time: 20 rows, «ещё» brings the next page as a fragment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20


def page_of(
    request: HttpRequest, items: Sequence[Any] | QuerySet[Any], param: str = "page"
) -> Page[Any]:
    """The page of ``items`` named by the ``param`` query parameter (a bad number
    gives the first or the last page, never an error)."""
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def wants_rows(request: HttpRequest) -> bool:
    """An htmx «ещё» request (not a boosted page load): answer with the rows only."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted
