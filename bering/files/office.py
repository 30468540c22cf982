"""Plain text of DOCX and ODT files, read as a stream of XML with expat.

python-docx and odfpy build a whole object tree of every part (images included)
and odfpy expands ``<text:s text:c="2000000000"/>`` into two billion spaces, so
here the few parts holding text are streamed instead: memory stays bounded by
``limit``, and a DOCTYPE is refused again as in ``inspect`` (no entity expansion).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from xml.parsers import expat

MAX_SPACES = 100
_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


class _Full(Exception):
    pass


class _Text:
    """Collects text up to ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.limit = limit

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.size += len(chunk)
        if self.size >= self.limit:
            raise _Full

    def result(self) -> str:
        return "".join(self.parts)[: self.limit]


def _parse(package: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    def doctype(*args: object) -> None:
        raise ValueError(f"DOCTYPE in {name}")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    with package.open(name) as stream:
        while chunk := stream.read(65536):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def docx_text(data: bytes, *, limit: int) -> str:
    """Body first, then headers, footers and notes; paragraphs end with a newline."""
    text = _Text(limit)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = sorted(
            (n for n in package.namelist() if _DOCX_PARTS.fullmatch(n)),
            key=lambda n: (n != "word/document.xml", n),
        )
        with contextlib.suppress(_Full):
            for name in names:
                _parse(package, name, _docx_parser(text))
    return text.result()


def _docx_parser(text: _Text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    inside_t = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal inside_t
        local = _local(name)
        if local == "t":
            inside_t += 1
        elif local == "tab":
            text.add("\t")
        elif local in ("br", "cr"):
            text.add("\n")
        elif local == "noBreakHyphen":
            text.add("-")

    def end(name: str) -> None:
        nonlocal inside_t
        local = _local(name)
        if local == "t":
            inside_t -= 1
        elif local == "p":
            text.add("\n")

    def chars(data: str) -> None:
        if inside_t:
            text.add(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    return parser


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def odt_text(data: bytes, *, limit: int) -> str:
    """The body (content.xml): headings and paragraphs, tables and lists included."""
    text = _Text(limit)
    with zipfile.ZipFile(io.BytesIO(data)) as package, contextlib.suppress(_Full):
        _parse(package, "content.xml", _odt_parser(text))
    return text.result()


def _odt_parser(text: _Text) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    paragraphs = 0  # depth of text:p / text:h
    deleted = 0  # inside text:tracked-changes: text that was deleted

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal paragraphs, deleted
        namespace, _, local = name.rpartition(" ")
        if namespace != _ODF_TEXT:
            return
        if local in ("p", "h"):
            paragraphs += 1
        elif local == "tracked-changes":
            deleted += 1
        elif deleted or not paragraphs:
            return
        elif local == "s":
            count = attributes.get(f"{_ODF_TEXT} c", "1")
            text.add(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
        elif local == "tab":
            text.add("\t")
        elif local == "line-break":
            text.add("\n")

    def end(name: str) -> None:
        nonlocal paragraphs, deleted
        namespace, _, local = name.rpartition(" ")
        if namespace != _ODF_TEXT:
            return
        if local in ("p", "h"):
            paragraphs -= 1
            if not deleted:
                text.add("\n")
        elif local == "tracked-changes":
            deleted -= 1

    def chars(data: str) -> None:
        if paragraphs and not deleted:
            text.add(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    return parser
