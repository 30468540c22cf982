"""Checks of DOC (an OLE2 compound file) and RTF uploads for ``inspect.check``."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

import olefile
from django.utils.functional import Promise

from bering.files.inspect_refusals import (
    DOC_ENCRYPTED,
    EMBEDDED_OBJECTS,
    MACROS,
    NOT_DOC,
    NOT_RTF,
    RTF_REMOTE,
    RTF_TOO_DEEP,
    RTF_UNBALANCED,
    Refused,
)

MAX_RTF_DEPTH = 100  # groups nested deeper than real documents ever are


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


def check_doc(data: bytes, kind: str) -> None:
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


def check_rtf(data: bytes, kind: str) -> None:
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
