"""A crafted passport is refused with a reason, never a 500: numbers that are not ASCII
digits or too large, an unknown encoding, a creation time without its zone."""

from __future__ import annotations

import pytest

from bering.exchange import container
from bering.exchange.container import ContainerRefused
from bering.exchange.tests.test_medo import rezip


def _raw_passport(data: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("passport.xml")


def _with(data: bytes, old: bytes, new: bytes) -> bytes:
    passport = _raw_passport(data)
    assert old in passport, old
    return rezip(data, replace={"passport.xml": passport.replace(old, new, 1)})


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'size="', b'size="\xc2\xb2'),  # «²»: str.isdigit() says yes, int() says no
        (b'size="', b'size="9999999999999999999999'),
        (b"encoding='UTF-8'", b"encoding='x-foo'"),
    ],
    ids=["superscript-digit", "huge-size", "unknown-encoding"],
)
def test_a_crafted_passport_is_refused_not_a_500(container_data, old, new):
    crafted = _with(container_data, old, new)
    with pytest.raises(ContainerRefused):
        container.read(crafted)


def test_a_page_count_out_of_range_is_dropped_and_a_naive_time_is_utc(container_data):
    passport = _raw_passport(container_data)
    parsed = container.parse_passport(passport)
    created = parsed.created.isoformat(timespec="seconds").encode()
    naive = parsed.created.replace(tzinfo=None).isoformat(timespec="seconds").encode()
    assert b"<document " in passport and b"pages=" not in passport

    def pages(value: bytes) -> int | None:
        crafted = passport.replace(created, naive).replace(
            b"<document ", b'<document pages="' + value + b'" ', 1
        )
        again = container.parse_passport(crafted)
        assert again.created.tzinfo is not None and again.created == parsed.created
        assert again.document is not None
        return again.document.pages

    assert pages(b"12") == 12
    assert pages(b"99999999999999999999") is None
    assert pages(b"\xc2\xb2") is None
