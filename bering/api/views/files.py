"""Files of a document: add a file or version, download it, its PDF to read, its text, its
preview. The download and the PDF come whole or in byte ranges (bering/files/http.py)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import uploads_from
from bering.api.serializers import ErrorOut, FileAddIn, FileVersionOut
from bering.core.errors import NotFound
from bering.documents import selectors, services
from bering.documents.models import DocumentFile
from bering.files.http import SHA256_HEADER, Representation, original, ranged_response, reading_pdf
from bering.files.models import StoredFile
from bering.files.selectors import preview_missing, reading_pdf_missing, reading_pdf_name
from bering.files.services import preview_open

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-() ")


@dataclass
class FileSlot:
    slot: int
    role: str
    versions: list[DocumentFile] = field(default_factory=list)


def file_slots(files: Iterable[DocumentFile]) -> list[FileSlot]:
    """Files grouped by slot, newest version first (the selector's order)."""
    slots: dict[int, FileSlot] = {}
    for item in files:
        slots.setdefault(item.slot, FileSlot(slot=item.slot, role=item.role)).versions.append(item)
    return list(slots.values())


def content_disposition(disposition: str, name: str) -> str:
    """RFC 6266 with an RFC 5987 ``filename*`` for the real (Cyrillic) name."""
    fallback = "".join(ch if ch in _SAFE else "_" for ch in name).strip() or "file"
    quoted = urllib.parse.quote(name, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


_SANDBOX = "sandbox; default-src 'none'"


def _bytes_response(stream: object, *, content_type: str, disposition: str) -> FileResponse:
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = _SANDBOX
    response["Cache-Control"] = "private, no-cache"
    return response


def _ranged(request: Request, body: Representation, *, disposition: str) -> HttpResponseBase:
    """A file whole or in byte ranges, with the API's headers for file bytes."""
    return ranged_response(
        request._request,
        body,
        headers={"Content-Disposition": disposition, "Content-Security-Policy": _SANDBOX},
    )


RANGES = (
    " Whole or in parts: `Range: bytes=a-b`, `bytes=a-` or `bytes=-n` gives 206 with "
    "`Content-Range`; a start past the end gives 416 with `Content-Range: bytes */<size>`; "
    "several ranges give the whole file (200). `ETag` is the SHA-256 of the bytes: "
    "`If-Range` with it keeps the range (else 200, whole), `If-None-Match` with it gives 304. "
    f"Every answer has `{SHA256_HEADER}`: the hex SHA-256 of the whole file, to check "
    "parts put together."
)
_RANGED_RESPONSES: dict[Any, Any] = {
    (206, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="One range of the bytes."),
    304: OpenApiResponse(description="Unchanged: `If-None-Match` names the current ETag."),
    416: OpenApiResponse(ErrorOut, description="The range starts past the end of the file."),
}


class DocumentFilesView(ApiView):
    """Files of a document."""

    @extend_schema(
        request={"multipart/form-data": FileAddIn},
        responses={201: FileVersionOut},
        operation_id="documents_files_add",
        description="Add an attachment, or a new version of the file in `replaces_slot`.",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        actor = api_actor(request)
        document = selectors.document_get_for_user(actor, pk, for_write=True)
        data = parse(FileAddIn, request.data)
        [upload] = uploads_from([data["file"]])
        item = services.document_file_add(
            actor=actor, document=document, upload=upload, replaces_slot=data["replaces_slot"]
        )
        fresh = selectors.document_file_get(actor, pk, item.pk)
        return Response(FileVersionOut(fresh).data, status=201)


class FileDownloadView(ApiView):
    """Download a file of a document."""

    @extend_schema(
        # Any type: the file's own (application/pdf, image/png...), as it was uploaded.
        responses={(200, "*/*"): OpenApiTypes.BINARY, **_RANGED_RESPONSES},
        operation_id="documents_files_download",
        description="The file's bytes as uploaded, with its real Content-Type." + RANGES,
    )
    def get(self, request: Request, pk: int, file_id: int) -> HttpResponseBase:
        actor = api_actor(request)
        stored = selectors.document_file_get(actor, pk, file_id).stored
        return _ranged(
            request,
            original(stored),
            disposition=content_disposition("attachment", stored.original_name),
        )


class FilePdfView(ApiView):
    """The PDF to read of a file: an office file's copy, or a PDF original itself."""

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **_RANGED_RESPONSES},
        operation_id="documents_files_pdf",
        description=(
            "The PDF to read: a PDF original itself, or the PDF copy of an office file (only "
            "for reading: the original is what is signed). 404 with code `no_rendition` while "
            "there is none." + RANGES
        ),
    )
    def get(self, request: Request, pk: int, file_id: int) -> HttpResponseBase:
        actor = api_actor(request)
        stored = selectors.document_file_get(actor, pk, file_id).stored
        body = reading_pdf(stored)
        if body is None:
            raise reading_pdf_missing(stored)
        return _ranged(
            request, body, disposition=content_disposition("inline", reading_pdf_name(stored))
        )


class FileTextQueryIn(serializers.Serializer[Any]):
    part = serializers.IntegerField(
        min_value=1, required=False, default=1, help_text="Which part, from 1."
    )


class FileTextOut(serializers.Serializer[Any]):
    file_id = serializers.IntegerField()
    name = serializers.CharField()
    part = serializers.IntegerField()
    parts = serializers.IntegerField(help_text="How many parts; 0 while there is no text.")
    text = serializers.CharField(allow_blank=True, help_text="Plain text of this part.")
    status = serializers.ChoiceField(
        choices=["done", "pending", "failed", "none"],
        help_text=(
            "done: there is text; pending: not extracted yet; failed: it could not be read; "
            "none: the file has no text (a picture, a scan without a text layer)."
        ),
    )
    detail = serializers.CharField(
        allow_blank=True, help_text="Why there is no text, for a person."
    )


def text_state(stored: StoredFile, parts: int) -> tuple[str, str]:
    """The ``status`` and ``detail`` of a file's text (see ``FileTextOut``)."""
    processing = StoredFile.Processing
    if stored.text_status == processing.PENDING:
        return "pending", _("The text is not extracted yet. Try again in a minute.")
    if stored.text_status == processing.FAILED:
        return "failed", _("The text of this file could not be read.")
    if parts:
        return "done", ""
    return "none", _("This file has no text to show (a picture or a scan): read its pages.")


class FileTextView(ApiView):
    """The text of a file, a part at a time: for reading on a slow link, and offline."""

    @extend_schema(
        parameters=[FileTextQueryIn],
        responses=FileTextOut,
        operation_id="documents_files_text",
        description=(
            "One part of the file's plain text (under 12 KB each). While there is no text: "
            "200 with `parts` 0, `text` empty and `status` saying why; a part past the last: "
            "404 with code `no_part`."
        ),
    )
    def get(self, request: Request, pk: int, file_id: int) -> Response:
        actor = api_actor(request)
        query = parse(FileTextQueryIn, request.query_params)
        stored = selectors.document_file_get(actor, pk, file_id).stored
        parts = stored.text_parts
        number: int = query["part"]
        if number > max(len(parts), 1):
            raise NotFound(
                _("The text of this file has %(count)s parts: there is no part %(number)s.")
                % {"count": len(parts), "number": number},
                code="no_part",
            )
        status, detail = text_state(stored, len(parts))
        data = {
            "file_id": file_id,
            "name": stored.original_name,
            "part": number,
            "parts": len(parts),
            "text": parts[number - 1] if parts else "",
            "status": status,
            "detail": detail,
        }
        return Response(FileTextOut(data).data)


class FilePreviewView(ApiView):
    """The preview of a file's first page."""

    @extend_schema(
        responses={(200, "image/png"): OpenApiTypes.BINARY},
        operation_id="documents_files_preview",
        description="A PNG of the first page; 404 with a message while it is not ready.",
    )
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        actor = api_actor(request)
        stored = selectors.document_file_get(actor, pk, file_id).stored
        stream = preview_open(stored)
        if stream is None:
            raise preview_missing(stored)
        name = stored.original_name.rsplit(".", 1)[0] + ".png"
        return _bytes_response(
            stream, content_type="image/png", disposition=content_disposition("inline", name)
        )
