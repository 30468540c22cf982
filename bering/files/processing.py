"""Text and preview of stored files. Runs in the task worker, never in a request.

Idempotent and race-safe. A worker first claims the file with a conditional UPDATE
that must change one row (``processing_claimed_at``), so two workers handed the same
id do not both work on it; each rendition is then written only while it is still
pending. A claim older than ``CLAIM_TIMEOUT`` belongs to a worker that died and may
be taken over, at most ``MAX_ATTEMPTS`` times in all; after that the renditions still
pending are marked failed, so a file that kills its worker cannot do it forever.

A bad file never stops the worker: whatever its parser raises is logged and the
rendition is marked failed. Originals are only read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageOps

from bering.files import inspect, office, pdf
from bering.files.models import StoredFile

log = logging.getLogger(__name__)

MAX_TEXT = 2_000_000
PREVIEW_WIDTH = 800
PREVIEW_MAX_HEIGHT = 1600
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 3

PENDING = StoredFile.Processing.PENDING
DONE = StoredFile.Processing.DONE
FAILED = StoredFile.Processing.FAILED
NOT_APPLICABLE = StoredFile.Processing.NOT_APPLICABLE
IMAGE_KINDS = (StoredFile.Kind.PNG, StoredFile.Kind.JPEG, StoredFile.Kind.TIFF)
_PILLOW_FORMATS: dict[str, list[str]] = {
    StoredFile.Kind.PNG: ["PNG"],
    StoredFile.Kind.JPEG: ["JPEG", "MPO"],
    StoredFile.Kind.TIFF: ["TIFF"],
}
# C0 controls other than tab, newline, form feed and carriage return; PostgreSQL
# refuses NUL in text outright.
_CONTROLS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 12, 13))


def preview_status_for(kind: str) -> str:
    """The preview status a new file of ``kind`` starts with."""
    return PENDING if kind == StoredFile.Kind.PDF or kind in IMAGE_KINDS else NOT_APPLICABLE


def process(stored_id: int) -> bool:
    """Make the pending renditions of one file. False if there was nothing to do here."""
    token = _claim(stored_id)
    if token is None:
        _give_up_if_exhausted(stored_id)
        return False
    try:
        stored = StoredFile.objects.get(pk=stored_id)
        try:
            with default_storage.open(stored.storage_name, "rb") as fh:
                data = fh.read()
        except Exception:  # storage away: stay pending, the sweep tries again
            log.exception("cannot read stored file %s", stored_id)
            return True
        if stored.text_status == PENDING:
            _extract_text(stored, data)
        if stored.preview_status == PENDING:
            _make_preview(stored, data)
    finally:
        StoredFile.objects.filter(pk=stored_id, processing_claimed_at=token).update(
            processing_claimed_at=None
        )
    return True


def process_pending(*, limit: int = 100) -> int:
    """The sweep: process files left pending (a lost task, a dead worker). Returns how many."""
    stale = timezone.now() - CLAIM_TIMEOUT
    ids = list(
        StoredFile.objects.filter(Q(text_status=PENDING) | Q(preview_status=PENDING))
        .filter(Q(processing_claimed_at__isnull=True) | Q(processing_claimed_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for stored_id in ids:
        process(stored_id)
    return len(ids)


def _unclaimed(now: dt.datetime) -> Q:
    return Q(processing_claimed_at__isnull=True) | Q(processing_claimed_at__lt=now - CLAIM_TIMEOUT)


def _claim(stored_id: int) -> dt.datetime | None:
    now = timezone.now()
    changed = (
        StoredFile.objects.filter(Q(text_status=PENDING) | Q(preview_status=PENDING))
        .filter(_unclaimed(now), pk=stored_id, processing_attempts__lt=MAX_ATTEMPTS)
        .update(processing_claimed_at=now, processing_attempts=F("processing_attempts") + 1)
    )
    return now if changed == 1 else None


def _give_up_if_exhausted(stored_id: int) -> None:
    now = timezone.now()
    exhausted = StoredFile.objects.filter(
        _unclaimed(now), pk=stored_id, processing_attempts__gte=MAX_ATTEMPTS
    )
    for field in ("text_status", "preview_status"):
        if exhausted.filter(**{field: PENDING}).update(**{field: FAILED}):
            log.error(
                "gave up the %s of stored file %s after %s attempts", field, stored_id, MAX_ATTEMPTS
            )


def _extract_text(stored: StoredFile, data: bytes) -> None:
    try:
        text = extract_text(stored.kind, data)
        status = DONE if text is not None else NOT_APPLICABLE
    except Exception:  # a broken file must not stop the worker
        log.exception("text extraction failed for stored file %s", stored.pk)
        text, status = None, FAILED
    StoredFile.objects.filter(pk=stored.pk, text_status=PENDING).update(
        text=clean_text(text or ""), text_status=status
    )


def extract_text(kind: str, data: bytes) -> str | None:
    """The plain text of a document; None for kinds that have none (images: no OCR)."""
    if kind == StoredFile.Kind.PDF:
        return pdf.text(data, limit=MAX_TEXT)
    if kind == StoredFile.Kind.DOCX:
        return office.docx_text(data, limit=MAX_TEXT)
    if kind == StoredFile.Kind.ODT:
        return office.odt_text(data, limit=MAX_TEXT)
    return None


def clean_text(text: str) -> str:
    """Text any database keeps: no NUL or other controls, no lone surrogates, bounded."""
    text = text.replace("\r\n", "\n").translate(_CONTROLS)
    return text.encode("utf-8", "replace").decode("utf-8")[:MAX_TEXT]


def _make_preview(stored: StoredFile, data: bytes) -> None:
    pending = StoredFile.objects.filter(pk=stored.pk, preview_status=PENDING)
    try:
        png = render_preview(stored.kind, data)
    except Exception:  # a broken file must not stop the worker
        log.exception("preview failed for stored file %s", stored.pk)
        pending.update(preview_status=FAILED)
        return
    if png is None:
        pending.update(preview_status=NOT_APPLICABLE)
        return
    name = default_storage.save(
        stored.storage_name.rsplit(".", 1)[0] + ".preview.png", ContentFile(png)
    )
    if not pending.update(
        preview_name=name, preview_status=DONE
    ):  # another worker finished first: keep its preview, drop ours
        default_storage.delete(name)


def render_preview(kind: str, data: bytes) -> bytes | None:
    """A PNG of the first page, ``PREVIEW_WIDTH`` wide at most; None if the kind has none."""
    if kind == StoredFile.Kind.PDF:
        image = pdf.render_first_page(data, width=PREVIEW_WIDTH, max_height=PREVIEW_MAX_HEIGHT)
    elif kind in IMAGE_KINDS:
        image = _image_thumbnail(kind, data)
    else:
        return None
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _image_thumbnail(kind: str, data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[kind]) as image:
        inspect.check_pixels(*image.size)  # again: never decode a pixel flood
        image.thumbnail((PREVIEW_WIDTH, PREVIEW_MAX_HEIGHT))  # JPEG: decoded at reduced scale
        thumb = ImageOps.exif_transpose(image)
    if thumb.mode in ("RGBA", "LA", "PA") or "transparency" in thumb.info:
        rgba = thumb.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if thumb.mode.startswith("I;16"):  # 16-bit greyscale scans: scale, do not clip
        return thumb.convert("I").point(lambda value: value / 256).convert("L")
    if thumb.mode not in ("RGB", "L"):
        return thumb.convert("RGB")
    return thumb
