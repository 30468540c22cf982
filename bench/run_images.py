"""Encoding a page's picture: the time and bytes of each format for the preview (800 px)
and a page image (1 200 px) of a real one-page PDF letter in Russian, median of 15.

    .venv/bin/python bench/run_images.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from PIL import Image  # noqa: E402

from bering.files import pdf, processing, samples  # noqa: E402

CHOICES: list[tuple[str, dict[str, Any]]] = [
    ("PNG, optimize (before)", {"format": "PNG", "optimize": True}),
    ("PNG, level 6 (now)", {"format": "PNG", "compress_level": 6}),
    ("PNG, level 1", {"format": "PNG", "compress_level": 1}),
    ("WebP q80, method 0", {"format": "WEBP", "quality": 80, "method": 0}),
    ("WebP lossless, method 0", {"format": "WEBP", "lossless": True, "method": 0}),
]


def _page(data: bytes, width: int) -> Image.Image:
    with pdf.document(data) as document:
        page = document[0]
        page_width, _height = page.get_size()
        image: Image.Image = page.render(scale=width / page_width, grayscale=True).to_pil()
        page.close()
    return image.convert("L")


def main() -> None:
    line = "Правительство Камчатского края направляет проект постановления о ремонте причала."
    data = samples.make_pdf("О ремонте причала", " ".join([line] * 40))
    pictures = {
        "preview": pdf.render_first_page(
            data, width=processing.PREVIEW_WIDTH, max_height=processing.PREVIEW_MAX_HEIGHT
        ),
        "page": _page(data, 1200),
    }
    print(f"load average {os.getloadavg()}")
    print("| picture | encoding | median ms | KB |\n|---|---|---|---|")
    for name, image in pictures.items():
        for label, options in CHOICES:
            times, size = [], 0
            for _ in range(15):
                out = io.BytesIO()
                start = time.perf_counter()
                image.save(out, **options)
                times.append(time.perf_counter() - start)
                size = len(out.getvalue())
            width, height = image.size
            print(
                f"| {name} {width}×{height} | {label} | {statistics.median(times) * 1000:.1f} "
                f"| {size / 1024:.1f} |"
            )


if __name__ == "__main__":
    main()
