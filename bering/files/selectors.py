"""Reads of stored files."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bering.core.errors import NotFound
from bering.files.models import StoredFile


def preview_missing(stored: StoredFile) -> NotFound:
    """Why a file has no preview to show: not ready yet, failed, or none for its kind."""
    if stored.preview_status == StoredFile.Processing.PENDING:
        return NotFound(
            _("The preview is not ready yet. Try again in a minute."), code="preview_not_ready"
        )
    if stored.preview_status == StoredFile.Processing.FAILED:
        return NotFound(_("No preview could be made of this file."), code="preview_failed")
    return NotFound(_("Files of this type have no preview."), code="no_preview")


def reading_pdf_missing(stored: StoredFile) -> NotFound:
    """Why a file has no PDF to read: its copy is not made yet, or there is none."""
    if stored.rendition_status == StoredFile.Processing.PENDING:
        return NotFound(
            _("The PDF copy is not ready yet. Try again in a minute."), code="no_rendition"
        )
    return NotFound(_("There is no PDF copy of this file."), code="no_rendition")


def reading_pdf_name(stored: StoredFile) -> str:
    """The file name the PDF to read is given: a PDF original's own, or the copy's."""
    if stored.kind == StoredFile.Kind.PDF:
        return stored.original_name
    stem = stored.original_name.rsplit(".", 1)[0]
    return str(_("%(name)s, copy for reading") % {"name": stem}) + ".pdf"
