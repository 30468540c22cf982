"""Text and preview of stored files. Runs in the task worker, never in a request.

Idempotent and race-safe. A worker first claims the file with a conditional UPDATE
that must change one row (``processing_claimed_at``), so two workers handed the same
id do not both work on it; each rendition is then written only while it is still
pending. A claim older than ``CLAIM_TIMEOUT`` belongs to a worker that died and may
be taken over, at most ``MAX_ATTEMPTS`` times in all; after that the renditions still
pending are marked failed, so a file that kills its worker cannot do it forever.

A bad file never stops the worker: whatever its parser raises is logged and the
rendition is marked failed. Originals are only read.

Office files (DOCX, ODT, RTF, DOC, XLSX) first get a PDF copy made by LibreOffice
(``convert``); the first-page preview and the page images are made from that copy.
The text of DOCX and ODT is streamed from the original (``office``); RTF, DOC and
XLSX have no such reader here, so their text is read from the PDF copy (and fails
with it). A conversion that fails or times out is marked failed with its reason and
is not tried again (decision 0013).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageOps

from bering.files import convert, inspect, office, pdf
from bering.files.models import StoredFile
from bering.search import services as search

log = logging.getLogger(__name__)

MAX_TEXT = 2_000_000
PREVIEW_WIDTH = 800
PREVIEW_MAX_HEIGHT = 1600
PAGE_WIDTH = 1240  # page images: 150 dpi on A4, sharp at twice the preview's width
PAGE_MAX_HEIGHT = 3508
MAX_PAGE_IMAGES = 50
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
MAX_ATTEMPTS = 3

PENDING = StoredFile.Processing.PENDING
DONE = StoredFile.Processing.DONE
FAILED = StoredFile.Processing.FAILED
NOT_APPLICABLE = StoredFile.Processing.NOT_APPLICABLE
IMAGE_KINDS = (StoredFile.Kind.PNG, StoredFile.Kind.JPEG, StoredFile.Kind.TIFF)
# Kinds whose text is read from their PDF copy, after it is made.
TEXT_FROM_COPY_KINDS = (StoredFile.Kind.RTF, StoredFile.Kind.DOC, StoredFile.Kind.XLSX)
OFFICE_KINDS = (StoredFile.Kind.DOCX, StoredFile.Kind.ODT, *TEXT_FROM_COPY_KINDS)
_EXTENSION: dict[str, str] = {kind: kind.value for kind in OFFICE_KINDS}
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
    if kind == StoredFile.Kind.PDF or kind in IMAGE_KINDS or kind in OFFICE_KINDS:
        return PENDING
    return NOT_APPLICABLE


def rendition_status_for(kind: str) -> str:
    """The status of the PDF copy a new file of ``kind`` starts with."""
    return PENDING if kind in OFFICE_KINDS else NOT_APPLICABLE


def _any_pending() -> Q:
    return Q(text_status=PENDING) | Q(preview_status=PENDING) | Q(rendition_status=PENDING)


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
        if stored.text_status == PENDING and stored.kind not in TEXT_FROM_COPY_KINDS:
            _extract_text(stored, data)
        if stored.rendition_status == PENDING:
            _make_rendition(stored, data)
            stored.refresh_from_db()
        if stored.text_status == PENDING and stored.kind in TEXT_FROM_COPY_KINDS:
            _extract_text_from_copy(stored)
        if stored.preview_status == PENDING:
            source = _preview_source(stored, data)
            if source is not None:
                _make_preview(stored, source)
    finally:
        StoredFile.objects.filter(pk=stored_id, processing_claimed_at=token).update(
            processing_claimed_at=None
        )
    return True


def process_pending(*, limit: int = 100) -> int:
    """The sweep: process files left pending (a lost task, a dead worker). Returns how many."""
    stale = timezone.now() - CLAIM_TIMEOUT
    ids = list(
        StoredFile.objects.filter(_any_pending())
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
        StoredFile.objects.filter(_any_pending())
        .filter(_unclaimed(now), pk=stored_id, processing_attempts__lt=MAX_ATTEMPTS)
        .update(processing_claimed_at=now, processing_attempts=F("processing_attempts") + 1)
    )
    return now if changed == 1 else None


def _give_up_if_exhausted(stored_id: int) -> None:
    now = timezone.now()
    exhausted = StoredFile.objects.filter(
        _unclaimed(now), pk=stored_id, processing_attempts__gte=MAX_ATTEMPTS
    )
    for field in ("text_status", "rendition_status", "preview_status"):
        if exhausted.filter(**{field: PENDING}).update(**{field: FAILED}):
            log.error(
                "gave up the %s of stored file %s after %s attempts", field, stored_id, MAX_ATTEMPTS
            )


def _extract_text(stored: StoredFile, data: bytes, *, kind: str | None = None) -> None:
    try:
        text = extract_text(kind or stored.kind, data)
        status = DONE if text is not None else NOT_APPLICABLE
    except Exception:  # a broken file must not stop the worker
        log.exception("text extraction failed for stored file %s", stored.pk)
        text, status = None, FAILED
    cleaned = clean_text(text or "")
    with transaction.atomic():
        written = StoredFile.objects.filter(pk=stored.pk, text_status=PENDING).update(
            text=cleaned, text_status=status
        )
        if written and status == DONE:
            search.source_text(stored.text_source, cleaned)


def _extract_text_from_copy(stored: StoredFile) -> None:
    """The text of the PDF copy; failed with the copy, pending while storage is away."""
    pending = StoredFile.objects.filter(pk=stored.pk, text_status=PENDING)
    if stored.rendition_status != DONE or not stored.rendition_name:
        if stored.rendition_status in (FAILED, NOT_APPLICABLE):
            pending.update(text_status=FAILED)
        return
    try:
        with default_storage.open(stored.rendition_name, "rb") as fh:
            copy = fh.read()
    except Exception:  # storage away: stay pending, the sweep tries again
        log.exception("cannot read the PDF copy of stored file %s", stored.pk)
        return
    _extract_text(stored, copy, kind=StoredFile.Kind.PDF)


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


def _stem(stored: StoredFile) -> str:
    """Derived files are named after the original: ``files/ab/<hex>.<what>``."""
    return stored.storage_name.rsplit(".", 1)[0]


def _make_rendition(stored: StoredFile, data: bytes) -> None:
    """The PDF copy of an office file; on failure the reason is kept and it is not retried."""
    pending = StoredFile.objects.filter(pk=stored.pk, rendition_status=PENDING)
    try:
        made = convert.to_pdf(data, extension=_EXTENSION[stored.kind])
        if pdf.page_count(made) < 1:
            raise convert.ConversionFailed("the PDF copy has no pages")
    except convert.ConversionFailed as exc:
        log.warning("no PDF copy of stored file %s: %s", stored.pk, exc.reason)
        pending.update(rendition_status=FAILED, rendition_error=exc.reason[:300])
        return
    except Exception as exc:  # a broken file must not stop the worker
        log.exception("PDF copy failed for stored file %s", stored.pk)
        pending.update(rendition_status=FAILED, rendition_error=repr(exc)[:300])
        return
    name = default_storage.save(_stem(stored) + ".rendition.pdf", ContentFile(made))
    done = pending.update(
        rendition_name=name,
        rendition_status=DONE,
        rendition_error="",
        rendition_sha256=hashlib.sha256(made).hexdigest(),
        rendition_size=len(made),
    )
    if not done:
        default_storage.delete(name)  # another worker finished first


def _preview_source(stored: StoredFile, data: bytes) -> tuple[str, bytes] | None:
    """What the preview is made of: the original, or an office file's PDF copy."""
    if stored.kind not in OFFICE_KINDS:
        return stored.kind, data
    pending = StoredFile.objects.filter(pk=stored.pk, preview_status=PENDING)
    if stored.rendition_status == DONE and stored.rendition_name:
        try:
            with default_storage.open(stored.rendition_name, "rb") as fh:
                return StoredFile.Kind.PDF, fh.read()
        except Exception:  # storage away: stay pending, the sweep tries again
            log.exception("cannot read the PDF copy of stored file %s", stored.pk)
            return None
    if stored.rendition_status in (FAILED, NOT_APPLICABLE):
        pending.update(preview_status=FAILED)
    return None


def _make_preview(stored: StoredFile, source: tuple[str, bytes]) -> None:
    kind, data = source
    pending = StoredFile.objects.filter(pk=stored.pk, preview_status=PENDING)
    try:
        png = render_preview(kind, data)
        pages = (
            pdf.render_pages(
                data, width=PAGE_WIDTH, max_height=PAGE_MAX_HEIGHT, limit=MAX_PAGE_IMAGES
            )
            if kind == StoredFile.Kind.PDF
            else []
        )
    except Exception:  # a broken file must not stop the worker
        log.exception("preview failed for stored file %s", stored.pk)
        pending.update(preview_status=FAILED)
        return
    if png is None:
        pending.update(preview_status=NOT_APPLICABLE)
        return
    name = default_storage.save(_stem(stored) + ".preview.png", ContentFile(png))
    page_names = [
        default_storage.save(f"{_stem(stored)}.page-{number:03d}.png", ContentFile(image))
        for number, image in enumerate(pages, start=1)
    ]
    if not pending.update(
        preview_name=name, preview_status=DONE, page_images=page_names
    ):  # another worker finished first: keep its preview, drop ours
        for dropped in [name, *page_names]:
            default_storage.delete(dropped)


def render_preview(kind: str, data: bytes) -> bytes | None:
    """A PNG of the first page, ``PREVIEW_WIDTH`` wide at most; None if the kind has none."""
    if kind == StoredFile.Kind.PDF:
        image = pdf.render_first_page(data, width=PREVIEW_WIDTH, max_height=PREVIEW_MAX_HEIGHT)
    elif kind in IMAGE_KINDS:
        image = _image_thumbnail(kind, data)
    else:
        return None
    return pdf.encode_png(image)


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
