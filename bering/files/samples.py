"""Real sample files (PDF, DOCX, ODT, PNG) for tests and the demo region.

Each function returns the bytes of a small but genuine file that the upload
checks, text extraction and previews treat exactly like a clerk's upload.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from functools import lru_cache

DEFAULT_LETTERHEAD = "Правительство Камчатского края"
_ADDRESS = "пл. Ленина, д. 1, г. Петропавловск-Камчатский, 683040"

_CSS = """
@page { size: A4; margin: 18mm 18mm 20mm 28mm; }
body { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 13pt;
       line-height: 1.35; color: #000; }
.head { text-align: center; border-bottom: 1.5pt solid #000; padding-bottom: 3mm;
        margin-bottom: 6mm; }
.region { font-size: 10pt; letter-spacing: 1pt; text-transform: uppercase; }
.org { font-size: 15pt; font-weight: bold; margin: 1mm 0; }
.addr { font-size: 9pt; }
.meta { font-size: 11pt; margin-bottom: 8mm; }
h1 { font-size: 13pt; font-weight: bold; margin: 0 0 6mm 0; width: 60%; }
p { text-indent: 12.5mm; margin: 0 0 2mm 0; text-align: justify; }
.sign { margin-top: 14mm; }
"""


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()] or [""]


def make_pdf(
    title: str,
    body: str,
    *,
    letterhead: str = DEFAULT_LETTERHEAD,
    number: str = "",
    date: dt.date | None = None,
    signer: str = "",
) -> bytes:
    """An A4 letter with a letterhead, in Cyrillic, rendered by WeasyPrint."""
    from weasyprint import HTML

    esc = html.escape
    meta = ""
    if number or date:
        meta = (
            f"<div class='meta'>{esc(date.strftime('%d.%m.%Y') if date else '')}"
            f" № {esc(number or '________')}</div>"
        )
    sign = f"<div class='sign'>{esc(signer)}</div>" if signer else ""
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in _paragraphs(body))
    document = (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        "<div class='head'><div class='region'>Камчатский край</div>"
        f"<div class='org'>{esc(letterhead)}</div><div class='addr'>{esc(_ADDRESS)}</div></div>"
        f"{meta}<h1>{esc(title)}</h1>{paragraphs}{sign}</body></html>"
    )
    pdf: bytes = HTML(string=document).write_pdf(font_config=_font_config())
    return pdf


@lru_cache(maxsize=1)
def _font_config() -> object:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def make_docx(title: str, body: str, *, letterhead: str = DEFAULT_LETTERHEAD) -> bytes:
    """A Word document (python-docx) with a letterhead, a heading and paragraphs."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(letterhead)
    run.bold = True
    document.add_heading(title, level=1)
    for text in _paragraphs(body):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(title: str, body: str, *, letterhead: str = DEFAULT_LETTERHEAD) -> bytes:
    """An OpenDocument text (odfpy) with a letterhead, a heading and paragraphs."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(P(text=letterhead))
    document.text.addElement(H(outlinelevel=1, text=title))
    for text in _paragraphs(body):
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def make_png(
    width: int = 64, height: int = 64, *, color: tuple[int, int, int] = (30, 90, 160)
) -> bytes:
    """A PNG image of the given size (Pillow): a filled rectangle with a white stripe."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (max(width, 1), max(height, 1)), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height // 3, width, height // 3 + max(height // 10, 1)), fill="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
