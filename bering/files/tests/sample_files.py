"""Genuine files for the tests, made once per run (WeasyPrint takes a moment)."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw

from bering.files import samples

TITLE = "Постановление о бюджете"
BODY = "Утвердить бюджет Камчатского края на 2027 год."


@cache
def pdf() -> bytes:
    return samples.make_pdf(TITLE, BODY)


@cache
def docx() -> bytes:
    return samples.make_docx(TITLE, BODY)


@cache
def odt() -> bytes:
    return samples.make_odt(TITLE, BODY)


@cache
def png() -> bytes:
    return samples.make_png(120, 80)


def _picture(width: int = 120, height: int = 80) -> Image.Image:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    ImageDraw.Draw(image).rectangle((10, 10, 60, 40), fill="white")
    return image


@cache
def jpeg() -> bytes:
    out = io.BytesIO()
    _picture().save(out, format="JPEG", quality=85)
    return out.getvalue()


@cache
def tiff(pages: int = 1) -> bytes:
    out = io.BytesIO()
    first, *rest = [_picture() for _ in range(pages)]
    first.save(out, format="TIFF", save_all=True, append_images=rest, compression="tiff_lzw")
    return out.getvalue()


KINDS = {
    "pdf": pdf,
    "docx": docx,
    "odt": odt,
    "png": png,
    "jpg": jpeg,
    "tif": tiff,
}
