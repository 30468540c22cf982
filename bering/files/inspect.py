"""What an upload really is, and whether it is safe to keep and to hand out.

The extension chooses the kind; the content must then prove it: the right
signature, and a structure the kind's parser accepts within fixed limits. Every
refusal carries a message naming the reason. Hostile files are refused rather than
repaired, because originals are never modified (docs/decisions/0003-hostile-uploads.md):

- zip bombs (DOCX, ODT, XLSX): the central directory is read, nothing is extracted;
  too many entries, too many unpacked bytes, a bomb-like ratio, or member names that
  climb out of the package (``../``, absolute paths) are refused;
- XML bombs: a document type declaration in any XML part is refused, so no entity
  is ever expanded;
- macros and scripts: VBA projects, macro-enabled types, ActiveX, ODF Basic and
  script event listeners; VBA storages of old .doc files; Excel 4.0 macro sheets;
  PDF JavaScript, launch actions, embedded files, rich media;
- content fetched or run when opened: XLSX external links, data connections and
  DDE formulas; embedded OLE objects in XLSX, DOC (``ObjectPool``) and RTF
  (``\\object``); RTF fields that include remote files, RTF attached templates;
- type confusion (HTML saved as .pdf): the signature must match the extension;
- pixel floods: image dimensions are read from the header and checked before any
  pixel is decoded;
- encrypted or damaged PDFs.

Names are display-only (``clean_name``); files are stored under generated names.
The checks of ZIP packages (DOCX, ODT, XLSX) are in ``inspect_zip``, of DOC and RTF in
``inspect_doc_rtf``; the refusals and their messages in ``inspect_refusals``.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import magic
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from bering.files import pdf
from bering.files.inspect_doc_rtf import check_doc, check_rtf
from bering.files.inspect_refusals import (
    DAMAGED,
    DOC_ENCRYPTED,
    IMAGE_TOO_LARGE,
    IMAGE_TOO_MANY_PAGES,
    IMAGE_TOO_MANY_PIXELS,
    MISMATCH,
    NOT_ACCEPTED,
    OFFICE_PROTECTED,
    PDF_ACTIVE,
    PDF_ENCRYPTED,
    PDF_NO_PAGES,
    PDF_PASSWORD,
    PDF_TOO_COMPLEX,
    PDF_TOO_MANY_PAGES,
)
from bering.files.inspect_refusals import Refused as Refused
from bering.files.inspect_zip import check_docx, check_odt, check_xlsx
from bering.files.models import StoredFile

log = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000  # an A0 scan at 300 dpi is 140 MP; an A3 one at 600 dpi is 70 MP
MAX_IMAGE_PAGES = 1_000
MAX_PDF_PAGES = 10_000
NAME_LENGTH = 200

KIND_BY_EXTENSION = {
    "pdf": StoredFile.Kind.PDF,
    "docx": StoredFile.Kind.DOCX,
    "odt": StoredFile.Kind.ODT,
    "rtf": StoredFile.Kind.RTF,
    "doc": StoredFile.Kind.DOC,
    "xlsx": StoredFile.Kind.XLSX,
    "png": StoredFile.Kind.PNG,
    "jpg": StoredFile.Kind.JPEG,
    "jpeg": StoredFile.Kind.JPEG,
    "tif": StoredFile.Kind.TIFF,
    "tiff": StoredFile.Kind.TIFF,
}
CONTENT_TYPE = {
    StoredFile.Kind.PDF: "application/pdf",
    StoredFile.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    StoredFile.Kind.ODT: "application/vnd.oasis.opendocument.text",
    StoredFile.Kind.RTF: "application/rtf",
    StoredFile.Kind.DOC: "application/msword",
    StoredFile.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    StoredFile.Kind.PNG: "image/png",
    StoredFile.Kind.JPEG: "image/jpeg",
    StoredFile.Kind.TIFF: "image/tiff",
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    StoredFile.Kind.PDF: lambda head: head.lstrip(b"\x00\t\n\x0c\r ").startswith(b"%PDF-"),
    StoredFile.Kind.DOCX: lambda head: head.startswith(_ZIP),
    StoredFile.Kind.ODT: lambda head: head.startswith(_ZIP),
    StoredFile.Kind.RTF: lambda head: head.startswith(b"{\\rtf"),
    StoredFile.Kind.DOC: lambda head: head.startswith(_OLE),
    StoredFile.Kind.XLSX: lambda head: head.startswith(_ZIP),
    StoredFile.Kind.PNG: lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    StoredFile.Kind.JPEG: lambda head: head.startswith(b"\xff\xd8\xff"),
    StoredFile.Kind.TIFF: lambda head: head[:4] in (b"II*\x00", b"MM\x00*"),
}
_PILLOW_FORMATS: dict[str, list[str]] = {
    StoredFile.Kind.PNG: ["PNG"],
    StoredFile.Kind.JPEG: ["JPEG", "MPO"],
    StoredFile.Kind.TIFF: ["TIFF"],
}
# What libmagic's verdict means to a clerk, for the "it looks like ..." message.
_LOOKS_LIKE: dict[str, str | Promise] = {
    "text/html": _("a web page (HTML)"),
    "application/xhtml+xml": _("a web page (HTML)"),
    "image/svg+xml": _("an SVG image"),
    "text/xml": _("an XML file"),
    "application/xml": _("an XML file"),
    "text/plain": _("plain text"),
    "text/javascript": _("a script"),
    "application/javascript": _("a script"),
    "text/x-shellscript": _("a script"),
    "text/x-python": _("a script"),
    "application/x-dosexec": _("a Windows program"),
    "application/x-executable": _("a program"),
    "application/x-sharedlib": _("a program"),
    "application/x-pie-executable": _("a program"),
    "application/zip": _("a ZIP archive"),
    "application/x-rar": _("a RAR archive"),
    "application/x-7z-compressed": _("a 7-Zip archive"),
    "application/gzip": _("a gzip archive"),
    "application/x-ole-storage": _("an old-format Office file"),
    "application/msword": _("an old-format Word file (.doc)"),
    "application/vnd.ms-excel": _("an Excel file"),
    "application/rtf": _("an RTF document"),
    "text/rtf": _("an RTF document"),
    "application/pdf": _("a PDF document"),
    CONTENT_TYPE[StoredFile.Kind.DOCX]: _("a Word document (.docx)"),
    CONTENT_TYPE[StoredFile.Kind.ODT]: _("an OpenDocument text (.odt)"),
    CONTENT_TYPE[StoredFile.Kind.XLSX]: _("an Excel workbook (.xlsx)"),
    "image/png": _("a PNG image"),
    "image/jpeg": _("a JPEG image"),
    "image/tiff": _("a TIFF image"),
    "image/gif": _("a GIF image"),
    "image/webp": _("a WebP image"),
    "image/bmp": _("a BMP image"),
    "application/octet-stream": _("unrecognised binary data"),
}


@dataclass(frozen=True)
class Checked:
    kind: str
    extension: str
    content_type: str
    clean_name: str
    page_count: int | None = None


def clean_name(name: str) -> str:
    """A display name: no directories, no control, format (bidi override) or private characters.

    The extension is read from this cleaned name, so ``invoice\\u202efdp.exe`` (shown
    by a browser as ``invoiceexe.pdf``) is an ``.exe``, and refused.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    base = base.strip(" .")
    if len(base) > NAME_LENGTH:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = stem[: NAME_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            base = base[:NAME_LENGTH]
    return base or "file"


def check(*, data: bytes, name: str) -> Checked:
    """Decide whether ``data`` uploaded as ``name`` is accepted; raise ``Refused`` if not."""
    display = clean_name(name)
    extension = display.rsplit(".", 1)[-1].lower() if "." in display else ""
    kind = KIND_BY_EXTENSION.get(extension)
    if kind is None:
        raise Refused(NOT_ACCEPTED)
    head = data[:1024]
    if not _SIGNATURES[kind](head):
        if kind == StoredFile.Kind.DOCX and head.startswith(_OLE):
            raise Refused(OFFICE_PROTECTED)
        if kind == StoredFile.Kind.XLSX and head.startswith(_OLE):
            raise Refused(DOC_ENCRYPTED)  # an encrypted OOXML package is an OLE container
        raise Refused(MISMATCH % {"ext": extension, "what": looks_like(data)})
    try:
        pages = _CHECKS[kind](data, kind)
    except Refused:
        raise
    except Exception as exc:  # whatever a parser throws at hostile bytes, the answer is 4xx
        log.info("refused a %s upload that failed its check: %r", kind, exc)
        raise Refused(DAMAGED % {"kind": kind.upper()}) from exc
    return Checked(
        kind=kind,
        extension=extension,
        content_type=CONTENT_TYPE[kind],
        clean_name=display,
        page_count=pages,
    )


def looks_like(data: bytes) -> str | Promise:
    mime = magic.from_buffer(data[:65536], mime=True)
    return _LOOKS_LIKE.get(mime, mime)


# PDF


def _check_pdf(data: bytes, kind: str) -> int:
    try:
        pages = pdf.page_count(data)
    except pdf.NeedsPassword as exc:
        raise Refused(PDF_PASSWORD) from exc
    except pdf.Unreadable as exc:
        raise Refused(DAMAGED % {"kind": "PDF"}) from exc
    if pages < 1:
        raise Refused(PDF_NO_PAGES)
    if pages > MAX_PDF_PAGES:
        raise Refused(PDF_TOO_MANY_PAGES % {"pages": pages, "limit": MAX_PDF_PAGES})
    try:
        found = pdf.scan(data)
    except pdf.TooComplex as exc:
        raise Refused(PDF_TOO_COMPLEX) from exc
    if found.encrypted:
        raise Refused(PDF_ENCRYPTED)
    for active, message in PDF_ACTIVE.items():  # the most dangerous first
        if active in found.active:
            raise Refused(message)
    return pages


# Images


def _check_image(data: bytes, kind: str) -> int:
    """Dimensions come from the header; no pixel is decoded here."""
    try:
        with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[kind]) as image:
            pages = 0
            for index in range(MAX_IMAGE_PAGES + 1):
                try:
                    image.seek(index)
                except EOFError:
                    break
                if kind != StoredFile.Kind.TIFF and index > 0:
                    break  # an animated PNG or a camera's MPO: only the first frame is shown
                check_pixels(*image.size)
                pages = index + 1
            else:
                raise Refused(IMAGE_TOO_MANY_PAGES % {"limit": MAX_IMAGE_PAGES})
        with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS[kind]) as image:
            image.verify()  # checksums (PNG) and structure, still without decoding
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused(IMAGE_TOO_MANY_PIXELS % {"limit": MAX_PIXELS // 1_000_000}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Refused(DAMAGED % {"kind": kind.upper()}) from exc
    return pages


def check_pixels(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ValueError("empty image")
    if width * height > MAX_PIXELS:
        raise Refused(
            IMAGE_TOO_LARGE % {"width": width, "height": height, "limit": MAX_PIXELS // 1_000_000}
        )


_CHECKS: dict[str, Callable[[bytes, str], int | None]] = {
    StoredFile.Kind.PDF: _check_pdf,
    StoredFile.Kind.DOCX: check_docx,
    StoredFile.Kind.ODT: check_odt,
    StoredFile.Kind.RTF: check_rtf,
    StoredFile.Kind.DOC: check_doc,
    StoredFile.Kind.XLSX: check_xlsx,
    StoredFile.Kind.PNG: _check_image,
    StoredFile.Kind.JPEG: _check_image,
    StoredFile.Kind.TIFF: _check_image,
}
