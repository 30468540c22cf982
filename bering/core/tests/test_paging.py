"""Cursors of keyset pages: opaque, and refused with a clear 400 when not ours."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from bering.core.errors import ValidationFailed
from bering.core.paging import BAD_CURSOR, decode_cursor, encode_cursor


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_cursor_goes_there_and_back():
    moment = dt.datetime(2026, 12, 3, 7, 10, 38, 123456, tzinfo=dt.UTC)
    cursor = encode_cursor("a", moment, 42)
    assert cursor.isascii() and "=" not in cursor and "2026" not in cursor
    assert decode_cursor(cursor) == ("a", moment, 42)
    assert decode_cursor(encode_cursor("b", moment.replace(microsecond=0), 2**63 - 1)) == (
        "b",
        moment.replace(microsecond=0),
        2**63 - 1,
    )


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        "a" * 201,
        _b64(b"not json"),
        _b64(b"\xff\xfe"),
        _b64(b'["a","2026-12-03T07:10:38+00:00"]'),
        _b64(b'["x","2026-12-03T07:10:38+00:00",1]'),
        _b64(b'["a","2026-12-03T07:10:38",1]'),  # no time zone
        _b64(b'["a","yesterday",1]'),
        _b64(b'["a",20261203,1]'),
        _b64(b'["a","2026-12-03T07:10:38+00:00","1"]'),
        _b64(b'["a","2026-12-03T07:10:38+00:00",true]'),
        _b64(b'["a","2026-12-03T07:10:38+00:00",0]'),
        _b64(b'["a","2026-12-03T07:10:38+00:00",9223372036854775808]'),
        _b64(b'{"a":1,"b":2,"c":3}'),
        _b64(
            b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        ),
    ],
)
def test_a_cursor_not_made_here_is_refused_on_its_field(cursor):
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor(cursor)
    assert caught.value.field == "cursor" and caught.value.status_code == 400
    assert caught.value.message == BAD_CURSOR
