"""Middleware for every request: bodies bounded before they are read, private answers
kept out of caches. See docs/decisions/0014-integrity-hardening.md."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
MB = 1024 * 1024
PRIVATE = "private, no-store"


def content_length(request: HttpRequest) -> int | None:
    """The declared body size, or ``None`` when absent or not a number (Django decides then)."""
    raw = request.META.get("CONTENT_LENGTH")
    try:
        length = int(raw) if raw else None
    except (TypeError, ValueError):
        return None
    return length if length is not None and length >= 0 else None


def is_multipart(request: HttpRequest) -> bool:
    return str(request.META.get("CONTENT_TYPE", "")).lower().startswith("multipart/")


class RequestSizeMiddleware:
    """Refuse a body over its limit from ``Content-Length``, before a byte of it is read.

    A form with files may carry ``BERING_MAX_REQUEST_BYTES`` (several files of the
    per-file limit plus the form around them); any other body, the JSON of the API
    included, ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Without this, Django streamed a 200 MB
    upload to a temporary file and only then did the file check refuse it; DRF's JSON
    parser bypassed DATA_UPLOAD_MAX_MEMORY_SIZE's page altogether. A body sent without
    Content-Length is still bounded after reading (``file_store`` reads at most the limit
    plus one byte; Django refuses an oversized urlencoded or JSON body itself).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = content_length(request)
        if length is not None:
            if is_multipart(request):
                limit: int | None = settings.BERING_MAX_REQUEST_BYTES
                message = _(
                    "The files are larger than %(mb)s MB together (each file at most "
                    "%(file_mb)s MB). Send fewer files at a time."
                ) % {
                    "mb": limit // MB if limit else 0,
                    "file_mb": settings.BERING_MAX_UPLOAD_BYTES // MB,
                }
            else:
                limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                message = _("The request is larger than %(mb)s MB. Send less data at once.") % {
                    "mb": (limit or 0) // MB
                }
            if limit is not None and length > limit:
                return too_large(request, message)
        return self.get_response(request)


def too_large(request: HttpRequest, message: str) -> HttpResponse:
    """413 with a message: the API's JSON error, or a page (the public side's look on
    the citizens' reception, picked by the ``error_base`` its context processor sets)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"code": "request_too_large", "detail": message},
            status=413,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "413.html", {"message": message}, status=413)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every API answer and every page for a
    signed-in user, unless the view chose its own (a page image a browser may keep for
    an hour, an API download: decision 0014). Public pages keep their own headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = PRIVATE
        return response


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's, except for answers that offer byte ranges (``Accept-Ranges: bytes``, see
    bering/files/http.py): their bytes on the wire must be the file's own, or a part asked
    for by ``Range`` and the whole file's hash would not add up (and a gzipped answer's
    ETag turns weak, which ``If-Range`` never matches)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.get("Accept-Ranges") == "bytes":
            return response
        result: HttpResponseBase = super().process_response(request, response)
        return result
