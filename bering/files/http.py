"""A stored file as an HTTP answer: one place for the headers every page and API call uses.

``ranged_response`` serves a file whole or in parts (HTTP Range, RFC 9110 §14), so a
tablet on a link that drops out fetches a big file in chunks and resumes where it
stopped; every answer names the whole file's hash (``X-Bering-SHA256``) for the check
of the assembled bytes. Rules, in the order they apply (GET and HEAD only):

* ``If-None-Match`` naming the file's ETag (or ``*``): 304, no body.
* ``If-Range`` other than the current ETag (a changed file, or a date: there is no
  Last-Modified): the Range is ignored, 200 with the whole file.
* ``Range: bytes=a-b`` / ``bytes=a-`` / ``bytes=-n``: 206 with ``Content-Range``; an end
  past the file is cut to the file; a suffix longer than the file is the whole file.
* A start past the end, or ``bytes=-0``: 416 with ``Content-Range: bytes */<size>``.
* Several ranges: the whole file, 200 (no multipart/byteranges: the tablet asks for one
  chunk at a time). A Range that cannot be read (another unit, ``b<a``, not a number):
  ignored, 200 with the whole file, as RFC 9110 allows.

Ranged answers are never gzipped (``bering.core.middleware.GZipMiddleware``): the bytes
on the wire must be the file's own for ``Content-Range`` and the hash to add up, and
PDFs and images are compressed already.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from bering.files.models import StoredFile
from bering.files.services import file_open, rendition_digest, rendition_open

SHA256_HEADER = "X-Bering-SHA256"
CHUNK = 64 * 1024
_RANGE = re.compile(r"\s*bytes\s*=\s*(.*)", re.IGNORECASE | re.DOTALL)
_SPEC = re.compile(r"(\d{0,18})-(\d{0,18})")  # more digits than any file has: ignored


@dataclass(frozen=True)
class Representation:
    """Bytes to serve: how to open them, their size and sha256 (hex), their type."""

    open: Callable[[], IO[bytes]]
    size: int
    sha256: str
    content_type: str

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'


def original(stored: StoredFile) -> Representation:
    """The bytes as uploaded; their hash was kept at upload."""
    return Representation(
        open=lambda: file_open(stored),
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
    )


def reading_pdf(stored: StoredFile) -> Representation | None:
    """The PDF to read: a PDF original itself, or an office file's PDF copy if made.

    The copy is only for reading; the original is what is signed and downloaded."""
    if stored.kind == StoredFile.Kind.PDF:
        return original(stored)
    digest = rendition_digest(stored)
    if digest is None:
        return None
    sha256, size = digest

    def open_copy() -> IO[bytes]:
        stream = rendition_open(stored)
        if stream is None:  # pragma: no cover - the digest above found it done
            raise FileNotFoundError(stored.rendition_name)
        return stream

    return Representation(open=open_copy, size=size, sha256=sha256, content_type="application/pdf")


class Unsatisfiable(Exception):
    """The range starts past the end of the file (416)."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range ``header`` asks for, as (first, last) inclusive; ``None`` for the
    whole file (unreadable, several ranges). Raises ``Unsatisfiable``."""
    found = _RANGE.fullmatch(header)
    if found is None:
        return None
    specs = [s.strip() for s in found.group(1).split(",") if s.strip()]
    if len(specs) != 1:
        return None
    spec = _SPEC.fullmatch(specs[0])
    if spec is None or spec.group(1) == spec.group(2) == "":
        return None
    first, last = spec.group(1), spec.group(2)
    if first == "":  # bytes=-n: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _etag_listed(header: str, etag: str) -> bool:
    """``If-None-Match``: the weak comparison (a gzipped copy's W/ tag names the same bytes)."""
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class _Slice:
    """``length`` bytes of ``stream`` from ``start``, in chunks; closed with the answer
    (Django calls ``close`` even when the body is never read)."""

    def __init__(self, stream: IO[bytes], start: int, length: int) -> None:
        self.stream, self.start, self.length = stream, start, length

    def __iter__(self) -> Iterator[bytes]:
        self.stream.seek(self.start)
        left = self.length
        while left > 0:
            chunk = self.stream.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.stream.close()


def ranged_response(
    request: HttpRequest,
    body: Representation,
    *,
    headers: Mapping[str, str] | None = None,
    cache_control: str = "private, no-cache",
) -> HttpResponseBase:
    """``body`` whole (200), in part (206), unchanged (304) or a 416: see the module's doc.

    ``headers`` (Content-Disposition...) go on the 200 and 206 answers."""
    common = {
        "ETag": body.etag,
        SHA256_HEADER: body.sha256,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    response: HttpResponseBase
    reading = request.method in ("GET", "HEAD")
    if reading and _etag_listed(request.headers.get("If-None-Match", ""), body.etag):
        response = HttpResponse(status=304)
        return _with(response, common)
    asked = request.headers.get("Range", "") if reading else ""
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != body.etag:
        asked = ""
    try:
        chosen = parse_range(asked, body.size) if asked else None
    except Unsatisfiable:
        response = HttpResponse(
            json.dumps(
                {
                    "code": "range_not_satisfiable",
                    "detail": _("The file has %(size)s bytes: the range asked for is past its end.")
                    % {"size": body.size},
                },
                ensure_ascii=False,
            ),
            status=416,
            content_type="application/json",
        )
        response["Content-Range"] = f"bytes */{body.size}"
        return _with(response, common)
    if chosen is None:
        response = FileResponse(body.open(), content_type=body.content_type)
    else:
        first, last = chosen
        length = last - first + 1
        response = StreamingHttpResponse(
            _Slice(body.open(), first, length), status=206, content_type=body.content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{body.size}"
        response["Content-Length"] = str(length)
    return _with(response, {**common, **(headers or {})})


def _with(response: HttpResponseBase, headers: Mapping[str, str]) -> HttpResponseBase:
    for name, value in headers.items():
        response[name] = value
    return response


def attachment_response(stored: StoredFile) -> FileResponse:
    """The original bytes as an attachment under the uploader's name; never sniffed
    into something the browser would run, never kept by a shared cache."""
    response = FileResponse(
        file_open(stored),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
