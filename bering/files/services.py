"""Storing uploaded files. Originals are never modified; names are generated."""

from __future__ import annotations

import hashlib
import uuid
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bering.core.errors import ValidationFailed
from bering.files import inspect, processing
from bering.files.models import StoredFile

_CHUNK = 1024 * 1024


class UploadRejected(ValidationFailed):
    code = "upload_rejected"


def file_store(*, stream: IO[bytes], name: str, uploaded_by_id: int | None) -> StoredFile:
    """Check an upload and keep it. Raises ``UploadRejected`` with the reason.

    Must run inside the transaction that links the file to its document, so a
    refused document leaves no row behind. Text and preview are made after commit.
    """
    limit = settings.BERING_MAX_UPLOAD_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRejected(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        )
    if not data:
        raise UploadRejected(_("The file is empty."))
    try:
        checked = inspect.check(data=data, name=name)
    except inspect.Refused as exc:
        raise UploadRejected(exc.message) from exc
    storage_name = f"files/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{checked.extension}"
    saved_name = default_storage.save(storage_name, ContentFile(data))
    stored = StoredFile.objects.create(
        storage_name=saved_name,
        original_name=checked.clean_name,
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=uploaded_by_id,
        page_count=checked.page_count,
        text_status=StoredFile.Processing.PENDING,
        preview_status=processing.preview_status_for(checked.kind),
        rendition_status=processing.rendition_status_for(checked.kind),
    )
    transaction.on_commit(lambda: _schedule_processing(stored.pk))
    return stored


def _schedule_processing(stored_id: int) -> None:
    from bering.files.tasks import file_process

    file_process.enqueue(stored_id)


def file_open(stored: StoredFile) -> IO[bytes]:
    return default_storage.open(stored.storage_name, "rb")


def preview_open(stored: StoredFile) -> IO[bytes] | None:
    if stored.preview_status != StoredFile.Processing.DONE or not stored.preview_name:
        return None
    return default_storage.open(stored.preview_name, "rb")


def rendition_open(stored: StoredFile) -> IO[bytes] | None:
    """The PDF copy of an office file for reading, if made. Never what is signed."""
    if stored.rendition_status != StoredFile.Processing.DONE or not stored.rendition_name:
        return None
    return default_storage.open(stored.rendition_name, "rb")


def rendition_digest(stored: StoredFile) -> tuple[str, int] | None:
    """The sha256 (hex) and size of the PDF copy, if made.

    Kept when the copy is made; a copy made before that is hashed here once (read in
    chunks, never whole in memory) and the result kept, so later calls cost nothing."""
    if stored.rendition_status != StoredFile.Processing.DONE or not stored.rendition_name:
        return None
    if stored.rendition_sha256 and stored.rendition_size is not None:
        return stored.rendition_sha256, stored.rendition_size
    digest, size = hashlib.sha256(), 0
    with default_storage.open(stored.rendition_name, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    StoredFile.objects.filter(pk=stored.pk, rendition_name=stored.rendition_name).update(
        rendition_sha256=digest.hexdigest(), rendition_size=size
    )
    stored.rendition_sha256, stored.rendition_size = digest.hexdigest(), size
    return stored.rendition_sha256, size


def page_image_open(stored: StoredFile, number: int) -> IO[bytes] | None:
    """The PNG of page ``number`` (from 1), if made."""
    if stored.preview_status != StoredFile.Processing.DONE:
        return None
    if 1 <= number <= stored.page_image_count:
        return default_storage.open(stored.page_images[number - 1], "rb")
    if number == 1 and stored.preview_name:  # files processed before page images existed
        return default_storage.open(stored.preview_name, "rb")
    return None
