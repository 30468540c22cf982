"""Files of a document: add a file or version, download it, see its preview."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, parse
from bering.api.idempotency import idempotent
from bering.api.lookups import uploads_from
from bering.api.serializers import FileAddIn, FileVersionOut
from bering.documents import selectors, services
from bering.documents.models import DocumentFile
from bering.files.selectors import preview_missing
from bering.files.services import file_open, preview_open

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


def _bytes_response(stream: object, *, content_type: str, disposition: str) -> FileResponse:
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-cache"
    return response


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
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        operation_id="documents_files_download",
        description="The file's bytes as uploaded, with its real Content-Type.",
    )
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        actor = api_actor(request)
        item = selectors.document_file_get(actor, pk, file_id)
        stored = item.stored
        return _bytes_response(
            file_open(stored),
            content_type=stored.content_type,
            disposition=content_disposition("attachment", stored.original_name),
        )


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
