"""Text and preview of stored files. Runs in the task worker, never in a request."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from bering.files.models import StoredFile

log = logging.getLogger(__name__)
MAX_TEXT = 2_000_000


def process(stored_id: int) -> None:
    stored = StoredFile.objects.filter(pk=stored_id).first()
    if stored is None:
        return
    with default_storage.open(stored.storage_name, "rb") as fh:
        data = fh.read()
    if stored.text_status == StoredFile.Processing.PENDING:
        _extract_text(stored, data)
    if stored.preview_status == StoredFile.Processing.PENDING:
        _render_preview(stored, data)


def _extract_text(stored: StoredFile, data: bytes) -> None:
    try:
        text = extract_text(stored.kind, data)
        status = (
            StoredFile.Processing.DONE if text is not None else StoredFile.Processing.NOT_APPLICABLE
        )
    except Exception:  # a broken file must not stop the worker
        log.exception("text extraction failed for %s", stored.pk)
        text, status = "", StoredFile.Processing.FAILED
    StoredFile.objects.filter(pk=stored.pk, text_status=StoredFile.Processing.PENDING).update(
        text=(text or "")[:MAX_TEXT], text_status=status
    )


def extract_text(kind: str, data: bytes) -> str | None:
    if kind == StoredFile.Kind.PDF:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in pdf)
        finally:
            pdf.close()
    if kind == StoredFile.Kind.DOCX:
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs)
    if kind == StoredFile.Kind.ODT:
        from odf import teletype
        from odf.opendocument import load
        from odf.text import P

        odt = load(io.BytesIO(data))
        return "\n".join(teletype.extractText(p) for p in odt.getElementsByType(P))
    return None


def _render_preview(stored: StoredFile, data: bytes) -> None:
    try:
        png = render_first_page(data)
        name = default_storage.save(
            stored.storage_name.rsplit(".", 1)[0] + ".preview.png", ContentFile(png)
        )
        StoredFile.objects.filter(pk=stored.pk).update(
            preview_name=name, preview_status=StoredFile.Processing.DONE
        )
    except Exception:
        log.exception("preview failed for %s", stored.pk)
        StoredFile.objects.filter(pk=stored.pk).update(preview_status=StoredFile.Processing.FAILED)


def render_first_page(data: bytes, width: int = 800) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.convert("L").save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()
