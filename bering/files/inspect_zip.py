"""Checks of ZIP packages of XML parts (DOCX, ODT, XLSX) for ``inspect.check``.

The central directory is read and nothing is extracted; XML parts are parsed with
expat and a DOCTYPE is refused, so no entity is ever expanded.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from xml.parsers import expat

from bering.files.inspect_refusals import (
    EMBEDDED_OBJECTS,
    EXTERNAL_LINKS,
    MACROS,
    NOT_DOCX,
    NOT_ODT,
    NOT_XLSX,
    ODT_NO_CONTENT,
    ODT_NO_MIMETYPE,
    ODT_WRONG_MIMETYPE,
    OFFICE_PROTECTED,
    XLSX_NO_PART,
    XLSX_WRONG_TYPE,
    XML_DOCTYPE,
    ZIP_BAD_NAME,
    ZIP_RATIO,
    ZIP_TOO_LARGE,
    ZIP_TOO_MANY_PARTS,
    Refused,
)

MAX_ZIP_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100  # ordinary Office XML packs 5-20 times
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # below this, no ratio makes a bomb

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


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


def check_docx(data: bytes, kind: str) -> None:
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


def check_odt(data: bytes, kind: str) -> None:
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


def check_xlsx(data: bytes, kind: str) -> None:
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
