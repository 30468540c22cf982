"""Queues a page at a time: 20 rows, «ещё» brings the next page as a fragment. Lists that
grow to millions are read by keyset and counted up to a cap (decision 0021)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bering.core.errors import ValidationFailed

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


# --- Long lists: counted up to a cap, read by keyset --------------------------------------

COUNT_CAP = 10_000
"""Rows a list counts exactly, at most: past it the count would cost more than the page, and
the list says «более 10 000» (the API: ``count`` null, ``count_at_least`` 10000). The one
home of this rule: the documents page, the API's long lists (decision 0021)."""

_MAX_ID = 2**63 - 1
_CURSOR_CHARS = 200
BAD_CURSOR = _("The page link is not valid: open the list from its first page again.")


@dataclass(frozen=True)
class Counted:
    """How many rows a list has: ``exact`` up to ``COUNT_CAP``; else ``exact`` is None and
    there are at least ``at_least`` (the cap)."""

    exact: int | None
    at_least: int | None = None


def bounded_count(items: QuerySet[Any], cap: int = COUNT_CAP) -> Counted:
    """COUNT over at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``)."""
    n = items.order_by().values("pk")[: cap + 1].count()
    return Counted(n) if n <= cap else Counted(None, cap)


@dataclass(frozen=True)
class Keyset:
    """A page of a list read after (or before) a cursor, newest first."""

    items: list[Any]
    next: str | None
    """The cursor of the page after this one; None on the last page."""
    previous: str | None
    """The cursor of the page before this one; None on the first page."""


def keyset_page(items: QuerySet[Any], *, key: str, cursor: str | None, size: int) -> Keyset:
    """One page of ``items`` ordered by ``-key, -pk`` (``key`` a date-time field), read by
    keyset: the database seeks to the cursor's row in an index on (…, key, pk) and reads
    ``size + 1`` rows, however deep the page. A cursor is opaque (base64 of the edge row's
    key and id, and the direction); a bad one is a ``ValidationFailed`` on ``cursor``."""
    newest_first = items.order_by(f"-{key}", "-pk")
    if cursor is None:
        rows = list(newest_first[: size + 1])
        return Keyset(
            rows[:size], cursor_of(rows[size - 1], key, "a") if len(rows) > size else None, None
        )
    direction, at, pk = decode_cursor(cursor)
    if direction == "a":  # after (older than) the row
        rows = list(
            newest_first.filter(
                Q(**{f"{key}__lte": at}) & (Q(**{f"{key}__lt": at}) | Q(pk__lt=pk))
            )[: size + 1]
        )
        page = rows[:size]
        following = cursor_of(page[-1], key, "a") if len(rows) > size else None
        return Keyset(page, following, cursor_of(page[0], key, "b") if page else None)
    rows = list(  # before (newer than) the row: read upwards, then turned newest first
        items.order_by(key, "pk").filter(
            Q(**{f"{key}__gte": at}) & (Q(**{f"{key}__gt": at}) | Q(pk__gt=pk))
        )[: size + 1]
    )
    page = rows[:size][::-1]
    preceding = cursor_of(page[0], key, "b") if len(rows) > size else None
    return Keyset(page, cursor_of(page[-1], key, "a") if page else None, preceding)


def cursor_of(row: Any, key: str, direction: str = "a") -> str:
    """The cursor of the page after (``a``) or before (``b``) ``row`` in a ``-key, -pk`` list."""
    return encode_cursor(direction, getattr(row, key), row.pk)


def encode_cursor(direction: str, at: dt.datetime, pk: int) -> str:
    raw = json.dumps([direction, at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, dt.datetime, int]:
    """(direction, key, id) of a cursor made by ``encode_cursor``, or ``ValidationFailed``."""
    try:
        if len(cursor) > _CURSOR_CHARS:
            raise ValueError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, at, pk = json.loads(raw)
        moment = dt.datetime.fromisoformat(at)
        if (
            direction not in ("a", "b")
            or moment.tzinfo is None
            or type(pk) is not int
            or not 0 < pk <= _MAX_ID
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, OverflowError):
        raise ValidationFailed(BAD_CURSOR, field="cursor", code="bad_cursor") from None
    return direction, moment, pk
