"""A stored file as an HTTP download: one place for the headers every page uses."""

from __future__ import annotations

from django.http import FileResponse

from bering.files.models import StoredFile
from bering.files.services import file_open


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
