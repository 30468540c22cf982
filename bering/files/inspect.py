"""What an upload really is: the extension must agree with the content.

First version: extension and libmagic must agree. Hardening against hostile
files (bombs, scripts in PDFs, pixel floods) lives here too.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import magic
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bering.files.models import StoredFile

KIND_BY_EXTENSION = {
    "pdf": StoredFile.Kind.PDF,
    "docx": StoredFile.Kind.DOCX,
    "odt": StoredFile.Kind.ODT,
    "png": StoredFile.Kind.PNG,
    "jpg": StoredFile.Kind.JPEG,
    "jpeg": StoredFile.Kind.JPEG,
    "tif": StoredFile.Kind.TIFF,
    "tiff": StoredFile.Kind.TIFF,
}
MIME_BY_KIND = {
    StoredFile.Kind.PDF: {"application/pdf"},
    StoredFile.Kind.DOCX: {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
        "application/octet-stream",
    },
    StoredFile.Kind.ODT: {"application/vnd.oasis.opendocument.text", "application/zip"},
    StoredFile.Kind.PNG: {"image/png"},
    StoredFile.Kind.JPEG: {"image/jpeg"},
    StoredFile.Kind.TIFF: {"image/tiff"},
}
CONTENT_TYPE = {
    StoredFile.Kind.PDF: "application/pdf",
    StoredFile.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    StoredFile.Kind.ODT: "application/vnd.oasis.opendocument.text",
    StoredFile.Kind.PNG: "image/png",
    StoredFile.Kind.JPEG: "image/jpeg",
    StoredFile.Kind.TIFF: "image/tiff",
}


class Refused(Exception):
    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Checked:
    kind: str
    extension: str
    content_type: str
    clean_name: str
    page_count: int | None = None


def clean_name(name: str) -> str:
    """A display name without paths, control or bidi-override characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    base = base.strip(" .")
    return base[:200] or "file"


def check(*, data: bytes, name: str) -> Checked:
    display = clean_name(name)
    extension = display.rsplit(".", 1)[-1].lower() if "." in display else ""
    kind = KIND_BY_EXTENSION.get(extension)
    if kind is None:
        raise Refused(
            _("Files of this type are not accepted. Allowed: PDF, DOCX, ODT, PNG, JPEG, TIFF.")
        )
    sniffed = magic.from_buffer(data[:65536], mime=True)
    if sniffed not in MIME_BY_KIND[kind]:
        raise Refused(
            _("The file content does not match its extension .%(ext)s (it looks like %(mime)s).")
            % {"ext": extension, "mime": sniffed}
        )
    return Checked(
        kind=kind, extension=extension, content_type=CONTENT_TYPE[kind], clean_name=display
    )
