"""The published PDF: the signed act's PDF, cleaned of active content and stamped.

The signed original is never touched: its bytes are read, copied page by page into
a new PDF (the catalog's /OpenAction, /AA, /Names — JavaScript and embedded files —
and /AcroForm are not copied), page actions and annotations that run or carry
something are dropped, and a margin note made by WeasyPrint on a transparent page of
the same size is laid over each page.
"""

from __future__ import annotations

import io

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from bering.files import overlay

# Annotations that run, play or carry files; the rest (links, comments) stay.
_DROPPED_SUBTYPES = {
    "/FileAttachment",
    "/Screen",
    "/Movie",
    "/Sound",
    "/RichMedia",
    "/3D",
    "/Widget",  # form fields: the form (/AcroForm) is not copied
}
_SAFE_ACTIONS = {"/URI", "/GoTo", "/GoToR", "/Named"}


def _annotation_safe(annotation: DictionaryObject) -> bool:
    if annotation.get("/Subtype") in _DROPPED_SUBTYPES or "/AA" in annotation:
        return False
    action = annotation.get("/A")
    if action is None:
        return True
    action = action.get_object()
    return (
        isinstance(action, DictionaryObject)
        and action.get("/S") in _SAFE_ACTIONS
        and ("/Next" not in action)
    )


def _clean_page(page: pypdf.PageObject) -> None:
    for key in ("/AA", "/PieceInfo"):
        if key in page:
            del page[NameObject(key)]
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject(
        ref for ref in annotations.get_object() if _annotation_safe(ref.get_object())
    )
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page[NameObject("/Annots")]


def _note_page(width: float, height: float, note: str) -> bytes:
    """One transparent page of the given size holding the note in its left margin."""
    css = (
        ".note { position: absolute; left: 4mm; bottom: 4mm; width: "
        f"{max(height - 8 * 2.835, 100):.2f}pt;"
        " transform-origin: left bottom; transform: rotate(-90deg) translate(0, 100%);"
        " font: 6.5pt 'DejaVu Sans', 'Liberation Sans', sans-serif; color: #1a3c6e; }"
    )
    return overlay.transparent_page(
        width, height, css, f"<div class='note'>{overlay.escape(note)}</div>"
    )


def publish_copy(data: bytes, note: str) -> bytes:
    """A cleaned copy of the PDF ``data`` with ``note`` in the margin of every page."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    writer = pypdf.PdfWriter()
    for source in reader.pages:
        _clean_page(source)  # the reader's copy in memory, before anything is copied
        page = writer.add_page(source)
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        overlay.lay_over(page, _note_page(width, height, note))
    writer.add_metadata({"/Producer": "Bering"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
