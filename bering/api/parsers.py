"""The API's JSON parser: DRF's, bounded in nesting depth.

``[[[[…]]]]`` nested past Python's recursion limit made the JSON decoder raise
``RecursionError``, a 500; nested a little less it passed the decoder and broke
later code that walks the data recursively. No request of the API needs more
than a few levels, so anything deeper than ``MAX_DEPTH`` is a 400 in the API's
error shape, whatever the depth and before any view code sees the data. The
body's size is bounded before it is read (``bering.core.middleware``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32
"""Nested objects and arrays allowed in one body; the deepest request needs about five."""

TOO_DEEP = "nested_too_deeply"


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The C decoder counts its nesting and gives up cleanly; nothing is half-done.
            raise _too_deep() from None
        if nested_deeper_than(data, MAX_DEPTH):
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(
        _("The JSON is nested more than %(n)s levels deep. Send flat data.") % {"n": MAX_DEPTH},
        code=TOO_DEEP,
    )


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether objects and arrays nest more than ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
