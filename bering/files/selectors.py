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
