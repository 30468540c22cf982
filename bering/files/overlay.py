"""Drawing on a PDF without touching its text: a transparent page made by WeasyPrint from a
bit of HTML, laid over a page of the PDF with pypdf.

Used for the margin note of a published act (``bering.publication.pdf``) and the signature
mark on a PDF rendition (``bering.signatures.marking``). Cyrillic needs a font that has it:
the CSS names DejaVu Sans / Liberation Sans.
"""

from __future__ import annotations

import html
import io
from functools import lru_cache

import pypdf


@lru_cache(maxsize=16)
def transparent_page(width: float, height: float, css: str, body: str) -> bytes:
    """One transparent page of the given size (points) holding ``body`` (HTML) styled by ``css``.

    ``css`` comes after an ``@page`` rule of that size with no margins; ``body`` is trusted
    HTML: escape what a person typed with ``html.escape``."""
    import weasyprint

    page_css = f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }}body {{ margin: 0; }}"
    document = (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<style>{page_css}{css}</style></head><body>{body}</body></html>"
    )
    pdf: bytes = weasyprint.HTML(string=document).write_pdf()
    return pdf


def lay_over(page: pypdf.PageObject, overlay: bytes) -> None:
    """Draw the first page of the PDF ``overlay`` over ``page`` (in place)."""
    page.merge_page(pypdf.PdfReader(io.BytesIO(overlay)).pages[0])


def escape(text: str) -> str:
    """Text for ``transparent_page``'s body."""
    return html.escape(text)
