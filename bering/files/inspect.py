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
"""

from __future__ import annotations

import io
import logging
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers import expat

import magic
import olefile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from bering.files import pdf
from bering.files.models import StoredFile

log = logging.getLogger(__name__)

MAX_RTF_DEPTH = 100  # groups nested deeper than real documents ever are
MAX_PIXELS = 50_000_000  # an A0 scan at 300 dpi is 140 MP; an A3 one at 600 dpi is 70 MP
MAX_IMAGE_PAGES = 1_000
MAX_PDF_PAGES = 10_000
MAX_ZIP_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100  # ordinary Office XML packs 5-20 times
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # below this, no ratio makes a bomb
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
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
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

# Messages. The msgids are English; the Russian catalog translates them.
NOT_ACCEPTED = _(
    "Files of this type are not accepted. Allowed: PDF, DOCX, ODT, RTF, DOC, XLSX, PNG, JPEG, TIFF."
)
MISMATCH = _("The file content does not match its extension .%(ext)s: it looks like %(what)s.")
OFFICE_PROTECTED = _(
    "The document is protected by a password or saved in the old .doc format. "
    "Save it as .docx without a password and upload it again."
)
DAMAGED = _("The file is damaged and cannot be read as %(kind)s. Save it again and upload it.")
PDF_PASSWORD = _(
    "The PDF is protected by a password. Save a copy without the password and upload it."
)
PDF_ENCRYPTED = _(
    "The PDF is encrypted (it restricts printing or copying). "
    "Save a copy without protection and upload it."
)
PDF_NO_PAGES = _("The PDF has no pages.")
PDF_TOO_MANY_PAGES = _("The PDF has %(pages)s pages; at most %(limit)s are accepted.")
PDF_TOO_COMPLEX = _(
    "The PDF is built too intricately to be checked. Print it to a new PDF and upload that."
)
PDF_ACTIVE = {
    pdf.Active.JAVASCRIPT: _(
        "The PDF contains JavaScript, which is not accepted. Print it to a new PDF and upload that."
    ),
    pdf.Active.LAUNCH: _(
        "The PDF contains an action that starts programs, which is not accepted. "
        "Print it to a new PDF and upload that."
    ),
    pdf.Active.EMBEDDED_FILE: _(
        "The PDF contains embedded files, which are not accepted. "
        "Upload them as separate attachments."
    ),
    pdf.Active.RICH_MEDIA: _(
        "The PDF contains multimedia (Flash, video or 3D), which is not accepted. "
        "Print it to a new PDF and upload that."
    ),
}
ZIP_TOO_MANY_PARTS = _(
    "The document consists of too many parts (more than %(limit)s). It may be a zip bomb."
)
ZIP_TOO_LARGE = _("The document would unpack to more than %(limit)s MB. It may be a zip bomb.")
ZIP_RATIO = _(
    "The document is compressed %(ratio)s times, far more than real documents are. "
    "It may be a zip bomb."
)
NOT_DOCX = _("This is not a Word document (.docx): the part %(part)s is missing.")
NOT_ODT = _("This is not an OpenDocument text (.odt): %(reason)s.")
ODT_NO_MIMETYPE = _("the mimetype entry is missing")
ODT_WRONG_MIMETYPE = _("its declared type is %(type)s")
ODT_NO_CONTENT = _("the part content.xml is missing")
XML_DOCTYPE = _(
    "The document contains an XML document type declaration (in %(part)s), the means of "
    "XML bombs. Save it again in a word processor and upload it."
)
MACROS = _(
    "The document contains macros or active content, which are not accepted. "
    "Save it as a document without macros and upload it."
)
ZIP_BAD_NAME = _(
    "The document contains a part named %(part)s, which points outside the document. "
    "Save it again and upload it."
)
NOT_XLSX = _("This is not an Excel workbook (.xlsx): %(reason)s.")
XLSX_NO_PART = _("the part %(part)s is missing")
XLSX_WRONG_TYPE = _("it is not declared as an ordinary workbook (a template or add-in?)")
EXTERNAL_LINKS = _(
    "The workbook takes data from other files or sources (external links, data "
    "connections or DDE), which is not accepted. Replace the links by values "
    "(copy, paste values) and upload it again."
)
EMBEDDED_OBJECTS = _(
    "The document contains embedded objects (OLE), which are not accepted. "
    "Save it without them and upload the embedded files separately."
)
NOT_DOC = _(
    "This is not a Word document (.doc): it has no WordDocument stream. "
    "If it is an Excel or PowerPoint file, save it as PDF and upload that."
)
DOC_ENCRYPTED = _(
    "The document is protected by a password. Save it without the password and upload it again."
)
NOT_RTF = _("This is not a valid RTF document: %(reason)s.")
RTF_UNBALANCED = _("its braces do not match")
RTF_TOO_DEEP = _(
    "The RTF document is nested more than %(limit)s levels deep, which real documents "
    "never are. Save it again in a word processor and upload it."
)
RTF_REMOTE = _(
    "The RTF document fetches content from other files or the network when opened "
    "(%(what)s), which is not accepted. Save it again without these links and upload it."
)
IMAGE_TOO_LARGE = _(
    "The image is %(width)s × %(height)s pixels; at most %(limit)s megapixels are accepted."
)
IMAGE_TOO_MANY_PIXELS = _("The image is larger than %(limit)s megapixels, the most accepted.")
IMAGE_TOO_MANY_PAGES = _("The image has more than %(limit)s pages.")


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


# DOCX and ODT: ZIP packages of XML parts


def _open_package(data: bytes) -> zipfile.ZipFile:
    """Open the ZIP after checking its central directory's size, without extracting."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise zipfile.BadZipFile("no end of central directory")
    entries, directory_size = struct.unpack_from("<HI", data, end + 10)
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_ZIP_ENTRIES * 1024:
        raise Refused(ZIP_TOO_MANY_PARTS % {"limit": MAX_ZIP_ENTRIES})
    package = zipfile.ZipFile(io.BytesIO(data))
    try:
        _check_entries(package, len(data))
    except BaseException:
        package.close()
        raise
    return package


def _check_entries(package: zipfile.ZipFile, packed: int) -> None:
    infos = package.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise Refused(ZIP_TOO_MANY_PARTS % {"limit": MAX_ZIP_ENTRIES})
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(ZIP_TOO_LARGE % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024)})
    if unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_ZIP_RATIO * packed:
        raise Refused(ZIP_RATIO % {"ratio": unpacked // packed})
    for info in infos:
        if info.flag_bits & 0x1:
            raise Refused(OFFICE_PROTECTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise zipfile.BadZipFile(f"compression method {info.compress_type}")
        if _escapes(info.orig_filename):
            raise Refused(ZIP_BAD_NAME % {"part": info.orig_filename[:100]})


def _escapes(filename: str) -> bool:
    """A member name another unpacker would write outside its directory."""
    name = filename.replace("\\", "/")
    return (
        name.startswith("/")
        or re.match(r"[A-Za-z]:", name) is not None
        or ".." in name.split("/")
        or "\x00" in name
    )


def _is_xml_part(filename: str) -> bool:
    return filename.lower().endswith((".xml", ".rels", ".vml", ".rdf"))


class _RootReached(Exception):
    pass


def _read_xml(
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    on_element: Callable[[str, dict[str, str]], None] | None = None,
    on_end: Callable[[str], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> None:
    """Parse one XML part with expat, refusing any DOCTYPE (so no entity is ever defined).

    Without ``on_element`` only the prolog is read: parsing stops at the root element,
    the last place a DOCTYPE may stand. Element names are ``namespace local``.
    """

    def doctype(*args: object) -> None:
        raise Refused(XML_DOCTYPE % {"part": info.filename})

    def start(name: str, attributes: dict[str, str]) -> None:
        if on_element is None:
            raise _RootReached
        on_element(name, attributes)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    if on_end is not None:
        parser.EndElementHandler = on_end
    if on_text is not None:
        parser.CharacterDataHandler = on_text
    with package.open(info) as stream:
        try:
            while chunk := stream.read(65536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _RootReached:
            return


def _check_docx(data: bytes, kind: str) -> None:
    with _open_package(data) as package:
        names = {info.filename for info in package.infolist()}
        for required in ("[Content_Types].xml", "word/document.xml"):
            if required not in names:
                raise Refused(NOT_DOCX % {"part": required})
        if any(
            name.lower().endswith("vbaproject.bin") or name.lower().startswith("word/activex/")
            for name in names
        ):
            raise Refused(MACROS)

        def content_type(name: str, attributes: dict[str, str]) -> None:
            if "macroenabled" in attributes.get("ContentType", "").lower():
                raise Refused(MACROS)

        for info in package.infolist():
            if info.filename == "[Content_Types].xml":
                _read_xml(package, info, content_type)
            elif _is_xml_part(info.filename):
                _read_xml(package, info)


_ODF_SCRIPT_NS = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_ODF_MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_MACRO_URLS = ("vnd.sun.star.script:", "vnd.sun.star.basic:", "macro:", "service:")


def _odf_scripts(name: str, attributes: dict[str, str]) -> None:
    """Event listeners run macros (also the application's own ones, with crafted arguments)."""
    if name.startswith(_ODF_SCRIPT_NS + " ") or name.endswith(" event-listener"):
        raise Refused(MACROS)
    for value in attributes.values():
        if value.strip().lower().startswith(_MACRO_URLS):
            raise Refused(MACROS)


def _odf_manifest(name: str, attributes: dict[str, str]) -> None:
    if name == f"{_ODF_MANIFEST_NS} encryption-data":
        raise Refused(OFFICE_PROTECTED)


def _check_odt(data: bytes, kind: str) -> None:
    with _open_package(data) as package:
        infos = {info.filename: info for info in package.infolist()}
        if "mimetype" not in infos:
            raise Refused(NOT_ODT % {"reason": ODT_NO_MIMETYPE})
        if infos["mimetype"].file_size > 200:
            raise Refused(NOT_ODT % {"reason": ODT_WRONG_MIMETYPE % {"type": "?"}})
        declared = package.read("mimetype").strip()
        if declared != ODT_MIMETYPE:
            shown = declared.decode("ascii", "replace")[:100] or "?"
            raise Refused(NOT_ODT % {"reason": ODT_WRONG_MIMETYPE % {"type": shown}})
        if "content.xml" not in infos:
            raise Refused(NOT_ODT % {"reason": ODT_NO_CONTENT})
        if any(name.startswith(("Basic/", "Scripts/")) for name in infos):
            raise Refused(MACROS)
        for filename, info in infos.items():
            if filename == "META-INF/manifest.xml":
                _read_xml(package, info, _odf_manifest)
            elif filename in ("content.xml", "styles.xml"):
                _read_xml(package, info, _odf_scripts)
            elif _is_xml_part(filename):
                _read_xml(package, info)


# XLSX: a ZIP package like DOCX, with its own ways to run and to fetch

_XLSX_LINK_FOLDERS = ("xl/externallinks/", "xl/connections.xml", "xl/querytables/")
_XLSX_LINK_TYPES = ("externallink", "connections+xml", "querytable")
_XLSX_MACRO_TYPES = ("macroenabled", "macrosheet", "vbaproject", "activex")
# Outside string literals a formula has no "|" but in a DDE reference: app|topic!item.
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def _formula_has_dde(formula: str) -> bool:
    return "|" in _STRING_LITERAL.sub("", formula)


def _check_xlsx(data: bytes, kind: str) -> None:
    with _open_package(data) as package:
        names = {info.filename for info in package.infolist()}
        for required in ("[Content_Types].xml", "xl/workbook.xml"):
            if required not in names:
                raise Refused(NOT_XLSX % {"reason": XLSX_NO_PART % {"part": required}})
        lowered = [name.lower() for name in names]
        if any(
            name.endswith("vbaproject.bin") or name.startswith(("xl/activex/", "xl/macrosheets/"))
            for name in lowered
        ):
            raise Refused(MACROS)
        if any(name.startswith(_XLSX_LINK_FOLDERS) for name in lowered):
            raise Refused(EXTERNAL_LINKS)
        if any(name.startswith("xl/embeddings/") and "oleobject" in name for name in lowered):
            raise Refused(EMBEDDED_OBJECTS)
        main_types: list[str] = []

        def content_type(name: str, attributes: dict[str, str]) -> None:
            declared = attributes.get("ContentType", "").lower()
            if any(marker in declared for marker in _XLSX_MACRO_TYPES):
                raise Refused(MACROS)
            if any(marker in declared for marker in _XLSX_LINK_TYPES):
                raise Refused(EXTERNAL_LINKS)
            if "oleobject" in declared:
                raise Refused(EMBEDDED_OBJECTS)
            if attributes.get("PartName", "").lower() == "/xl/workbook.xml":
                main_types.append(declared)

        for info in package.infolist():
            if info.filename == "[Content_Types].xml":
                _read_xml(package, info, content_type)
            elif info.filename == "xl/workbook.xml" or info.filename.startswith("xl/worksheets/"):
                _read_formulas(package, info)
            elif _is_xml_part(info.filename):
                _read_xml(package, info)
        if main_types != [XLSX_MAIN]:
            raise Refused(NOT_XLSX % {"reason": XLSX_WRONG_TYPE})


def _read_formulas(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Cell formulas (``f``) and defined names must not be DDE references."""
    collected: list[str] | None = None

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal collected
        if name.rpartition(" ")[2] in ("f", "definedName"):
            collected = []

    def end(name: str) -> None:
        nonlocal collected
        if collected is not None and name.rpartition(" ")[2] in ("f", "definedName"):
            if _formula_has_dde("".join(collected)):
                raise Refused(EXTERNAL_LINKS)
            collected = None

    def text(chunk: str) -> None:
        if collected is not None:
            collected.append(chunk)

    _read_xml(package, info, start, end, text)


# DOC: an OLE2 compound file (Word 97-2003)

_DOC_MACRO_ENTRIES = {"macros", "_vba_project_cur", "vba", "_vba_project"}
_DOC_OBJECT_ENTRIES = {"objectpool"}
_FIB_ENCRYPTED = 0x0100  # FibBase.fEncrypted
_FIB_WORD = 0xA5EC  # FibBase.wIdent of a Word binary document


def doc_entry_refusal(paths: list[list[str]]) -> str | Promise | None:
    """What is wrong with an OLE file's storages and streams (paths as olefile lists them)."""
    names = {part.lower() for path in paths for part in path}
    if names & _DOC_MACRO_ENTRIES:
        return MACROS
    if names & _DOC_OBJECT_ENTRIES:
        return EMBEDDED_OBJECTS
    if {"encryptioninfo", "encryptedpackage"} & names:
        return DOC_ENCRYPTED
    if ["WordDocument"] not in paths:
        return NOT_DOC
    return None


def _check_doc(data: bytes, kind: str) -> None:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        paths = ole.listdir(streams=True, storages=True)
        refusal = doc_entry_refusal(paths)
        if refusal is not None:
            raise Refused(refusal)
        with ole.openstream("WordDocument") as stream:
            fib = stream.read(12)
    if len(fib) < 12:
        raise ValueError("WordDocument stream too short")
    ident, flags = struct.unpack_from("<H", fib, 0)[0], struct.unpack_from("<H", fib, 10)[0]
    if ident != _FIB_WORD:
        raise Refused(NOT_DOC)
    if flags & _FIB_ENCRYPTED:
        raise Refused(DOC_ENCRYPTED)


# RTF: text with control words

_RTF_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)",
    re.DOTALL,
)
# Fields that fetch another file when the document is opened or updated.
_RTF_FETCHING_FIELDS = {
    "INCLUDETEXT",
    "INCLUDEPICTURE",
    "INCLUDE",
    "IMPORT",
    "LINK",
    "DDE",
    "DDEAUTO",
}


def _check_rtf(data: bytes, kind: str) -> None:
    """Walk the groups once: no objects, no attached template, no fetching fields.

    The text of each field instruction is decoded as a reader would (``\\'hh``,
    ``\\uN`` with its ``\\ucN`` fallback characters, text split by groups) and
    ignorable destinations (``{\\*\\...}``) are left out, so that a field name
    cannot be hidden by escaping or splitting it.
    """
    groups: list[_RtfGroup] = [_RtfGroup()]
    fields: list[tuple[int, list[str]]] = []  # open \fldinst groups: their depth and text
    skip = 0  # fallback characters after \uN still to drop
    starting = False  # just after "{": a "\*" here marks an ignorable destination
    for match in _RTF_TOKEN.finditer(data):
        word, parameter, hexa, symbol, brace, text = match.groups()
        group = groups[-1]
        if brace == b"{":
            if len(groups) > MAX_RTF_DEPTH:
                raise Refused(RTF_TOO_DEEP % {"limit": MAX_RTF_DEPTH})
            groups.append(_RtfGroup(group.uc, group.ignored))
            starting, skip = True, 0
            continue
        if brace == b"}":
            if fields and fields[-1][0] == len(groups):
                _check_field("".join(fields.pop()[1]))
            groups.pop()
            if not groups:
                raise Refused(NOT_RTF % {"reason": RTF_UNBALANCED})
            starting, skip = False, 0
            continue
        star, starting = starting and symbol == b"*", False
        if star:
            group.starred = True
            continue
        if word is not None:
            name = word.decode("ascii")
            if name.startswith("obj"):
                raise Refused(EMBEDDED_OBJECTS)
            if name == "template":
                raise Refused(RTF_REMOTE % {"what": "\\template"})
            if group.starred:  # the destination's name: ignored unless it is a field's
                group.starred = False
                group.ignored = name != "fldinst"
            if name == "fldinst":
                fields.append((len(groups), []))
            elif name == "uc" and parameter is not None:
                group.uc = max(0, int(parameter))
            elif name == "u" and parameter is not None:
                _add(fields, group, chr(int(parameter) % 65536))
                skip = group.uc
            elif name == "tab":
                _add(fields, group, " ")
            continue
        if hexa is not None or symbol is not None:
            if skip:
                skip -= 1
                continue
            chunk = (
                bytes([int(hexa, 16)]).decode("cp1252", "replace")
                if hexa is not None
                else symbol.decode("latin-1")
            )
            _add(fields, group, chunk)
        elif text:
            chunk, skip = text.decode("latin-1")[skip:], max(0, skip - len(text))
            _add(fields, group, chunk)
    while fields:
        _check_field("".join(fields.pop()[1]))


@dataclass
class _RtfGroup:
    uc: int = 1  # \\ucN: how many characters stand for each \\uN
    ignored: bool = False  # inside an ignorable destination other than a field instruction
    starred: bool = False  # "{\\*" seen, the destination's name not yet


def _add(fields: list[tuple[int, list[str]]], group: _RtfGroup, chunk: str) -> None:
    if fields and not group.ignored:
        fields[-1][1].append(chunk)


def _check_field(instruction: str) -> None:
    words = instruction.split()
    first = words[0].upper() if words else ""
    if first in _RTF_FETCHING_FIELDS:
        raise Refused(RTF_REMOTE % {"what": first})
    lowered = instruction.lower()
    if "file:" in lowered or "\\\\" in instruction:
        raise Refused(RTF_REMOTE % {"what": "file:"})


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
    StoredFile.Kind.DOCX: _check_docx,
    StoredFile.Kind.ODT: _check_odt,
    StoredFile.Kind.RTF: _check_rtf,
    StoredFile.Kind.DOC: _check_doc,
    StoredFile.Kind.XLSX: _check_xlsx,
    StoredFile.Kind.PNG: _check_image,
    StoredFile.Kind.JPEG: _check_image,
    StoredFile.Kind.TIFF: _check_image,
}
