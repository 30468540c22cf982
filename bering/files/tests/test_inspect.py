"""What is accepted, and every hostile upload of QUALITY.md item 7 refused with its reason.

Alice the registrar uploads genuine scans and letters; Mallory sends the rest.
Messages are compared in English (the msgids); Russian comes from the catalog.
"""

from __future__ import annotations

import io
import zipfile

import pypdf
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bering.files import inspect, pdf
from bering.files.inspect import Refused, check, clean_name
from bering.files.models import StoredFile
from bering.files.tests import hostile, sample_files
from bering.files.tests.sample_files import KINDS


def refusal(data: bytes, name: str) -> str:
    with pytest.raises(Refused) as caught, translation.override("en"):
        check(data=data, name=name)
    with translation.override("en"):
        return str(caught.value.message)


def rezip(data: bytes, *, drop: tuple[str, ...] = (), put: dict[str, bytes] | None = None) -> bytes:
    """The same package with parts dropped or replaced (or added)."""
    put = put or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop or info.filename in put:
                continue
            target.writestr(info, source.read(info))
        for name, body in put.items():
            target.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# Genuine files


@pytest.mark.parametrize(
    ("extension", "kind", "content_type"),
    [
        ("pdf", StoredFile.Kind.PDF, "application/pdf"),
        (
            "docx",
            StoredFile.Kind.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("odt", StoredFile.Kind.ODT, "application/vnd.oasis.opendocument.text"),
        ("png", StoredFile.Kind.PNG, "image/png"),
        ("jpg", StoredFile.Kind.JPEG, "image/jpeg"),
        ("tif", StoredFile.Kind.TIFF, "image/tiff"),
    ],
)
def test_genuine_files_are_accepted(extension, kind, content_type):
    checked = check(data=KINDS[extension](), name=f"Постановление №12.{extension.upper()}")

    assert checked.kind == kind
    assert checked.extension == extension
    assert checked.content_type == content_type
    assert checked.clean_name == f"Постановление №12.{extension.upper()}"


def test_jpeg_and_tiff_have_long_extensions_too():
    assert check(data=sample_files.jpeg(), name="scan.jpeg").kind == StoredFile.Kind.JPEG
    assert check(data=sample_files.tiff(), name="scan.tiff").kind == StoredFile.Kind.TIFF


def test_page_count_of_pdf_and_multipage_tiff():
    assert check(data=sample_files.pdf(), name="a.pdf").page_count == 1
    assert check(data=hostile.pdf(pages=3), name="a.pdf").page_count == 3
    assert check(data=sample_files.tiff(pages=3), name="scan.tif").page_count == 3
    assert check(data=sample_files.docx(), name="a.docx").page_count is None


def test_pdf_with_a_web_link_is_accepted():
    link = b"/OpenAction << /S /URI /URI (https://kamgov.ru) >>"
    assert check(data=hostile.pdf(link), name="a.pdf").kind == StoredFile.Kind.PDF


# Names: display-only


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\system32\\scan.pdf", "scan.pdf"),
        ("/var/lib/bering/media/files/ab/x.pdf", "x.pdf"),
        ("..", "file"),
        ("", "file"),
        ("  . письмо.pdf . ", "письмо.pdf"),
        ("счёт\u202efdp.exe", "счётfdp.exe"),  # shown by a browser as "счётexe.pdf"
        ("report\u200b\u2066.pdf", "report.pdf"),
        ("line\nbreak\r\x00.pdf", "linebreak.pdf"),
        ("<script>alert(1)<\\script>.pdf", "script>.pdf"),
        ("Й.pdf", "Й.pdf"),  # decomposed Й (И + combining breve) becomes one letter
    ],
)
def test_clean_name(raw, shown):
    assert clean_name(raw) == shown


def test_long_names_keep_their_extension():
    name = clean_name("П" * 400 + ".pdf")
    assert len(name) == 200
    assert name.endswith("П.pdf")


def test_rtl_override_cannot_disguise_a_program():
    """The extension is read after cleaning: the real one, .exe."""
    message = refusal(b"MZ\x90\x00" + b"\x00" * 200, "invoice\u202efdp.exe")
    assert message.startswith("Files of this type are not accepted.")


def test_rtl_override_is_removed_from_an_accepted_name():
    checked = check(data=sample_files.pdf(), name="report\u202eexe.pdf")
    assert checked.clean_name == "reportexe.pdf"


@pytest.mark.parametrize("name", ["virus.exe", "page.html", "pic.svg", "no_extension", "a.xls"])
def test_other_types_are_refused(name):
    assert refusal(sample_files.pdf(), name) == (
        "Files of this type are not accepted. "
        "Allowed: PDF, DOCX, ODT, RTF, DOC, XLSX, PNG, JPEG, TIFF."
    )


# Type confusion


@pytest.mark.parametrize(
    ("data", "name", "looks_like"),
    [
        (
            b"<html><body><script>alert(document.cookie)</script></body></html>",
            "scan.pdf",
            "a web page (HTML)",
        ),
        (b"<!DOCTYPE html><html><script>x()</script>", "letter.docx", "a web page (HTML)"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "seal.png",
            "an SVG image",
        ),
        (b"MZ\x90\x00\x03" + b"\x00" * 300, "report.pdf", "a Windows program"),
        (b"just some words\n", "notes.odt", "plain text"),
        (b"%PDF-1.4", "photo.jpg", "a PDF document"),
    ],
)
def test_content_must_match_the_extension(data, name, looks_like):
    extension = name.rsplit(".", 1)[1]
    assert refusal(data, name) == (
        f"The file content does not match its extension .{extension}: it looks like {looks_like}."
    )


def test_real_files_under_each_others_extensions_are_refused():
    assert "it looks like a PDF document" in refusal(sample_files.pdf(), "a.docx")
    assert "it looks like a PNG image" in refusal(sample_files.png(), "a.jpg")
    assert "it looks like a JPEG image" in refusal(sample_files.jpeg(), "a.tif")
    assert "does not match its extension .pdf" in refusal(sample_files.docx(), "a.pdf")


def test_old_doc_or_password_protected_docx():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert refusal(ole, "letter.docx").startswith(
        "The document is protected by a password or saved in the old .doc format."
    )


# Zip bombs


def _streamed_zip(entries: list[tuple[str, int]], extra: dict[str, bytes]) -> bytes:
    """Entries of ``size`` zero bytes each, written in chunks (no big buffer)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in extra.items():
            zf.writestr(name, body)
        chunk = b"\x00" * (1024 * 1024)
        for name, size in entries:
            with zf.open(name, "w") as stream:
                for _ in range(size // len(chunk)):
                    stream.write(chunk)
    return out.getvalue()


def _docx_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(sample_files.docx())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_zip_bomb_by_ratio_is_refused():
    bomb = _streamed_zip([("word/media/image1.png", 50 * 1024 * 1024)], _docx_parts())
    assert len(bomb) < 200_000
    message = refusal(bomb, "letter.docx")
    assert message.startswith("The document is compressed ")
    assert message.endswith("It may be a zip bomb.")


def test_zip_bomb_by_size_is_refused():
    bomb = _streamed_zip([("word/media/a.bin", 101 * 1024 * 1024)], _docx_parts())
    assert refusal(bomb, "letter.docx") == (
        "The document would unpack to more than 100 MB. It may be a zip bomb."
    )


def test_zip_with_too_many_entries_is_refused():
    parts = _docx_parts()
    parts.update({f"word/media/{i}.xml": b"" for i in range(5_001)})
    bomb = hostile.zip_bytes(list(parts.items()))
    assert refusal(bomb, "letter.docx") == (
        "The document consists of too many parts (more than 5000). It may be a zip bomb."
    )


def test_zip_that_understates_its_entry_count_is_still_counted():
    parts = _docx_parts()
    parts.update({f"word/media/{i}.xml": b"" for i in range(5_001)})
    bomb = bytearray(hostile.zip_bytes(list(parts.items())))
    end = bomb.rfind(b"PK\x05\x06")
    bomb[end + 8 : end + 12] = b"\x01\x00\x01\x00"  # "1 entry on this disk, 1 in all"
    assert "too many parts" in refusal(bytes(bomb), "letter.docx")


def test_ratio_is_not_held_against_small_documents():
    """Highly repetitive but small XML packs 1000 times; below 10 MB that is no bomb."""
    parts = _docx_parts()
    parts["word/glossary.xml"] = b"<?xml version='1.0'?><g>" + b"<a/>" * 2_000_000 + b"</g>"
    data = hostile.zip_bytes(list(parts.items()))
    assert check(data=data, name="letter.docx").kind == StoredFile.Kind.DOCX


def test_encrypted_zip_entries_are_refused():
    data = bytearray(sample_files.docx())
    header = data.find(b"PK\x01\x02")
    while data[header + 46 : header + 46 + 17] != b"word/document.xml":
        header = data.find(b"PK\x01\x02", header + 1)
    data[header + 8] |= 0x1  # central directory: general purpose flag "encrypted"
    assert refusal(bytes(data), "letter.docx").startswith("The document is protected by a password")


def test_unusual_compression_is_refused_as_damaged():
    parts = list(_docx_parts().items())
    data = hostile.zip_bytes(parts, method=zipfile.ZIP_BZIP2)
    assert refusal(data, "letter.docx") == (
        "The file is damaged and cannot be read as DOCX. Save it again and upload it."
    )


def test_truncated_zip_is_damaged():
    data = sample_files.docx()
    assert "damaged" in refusal(data[: len(data) // 2], "letter.docx")


# XML bombs and XXE

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&xxe;</Types>"""


def test_billion_laughs_in_docx_is_refused():
    data = rezip(sample_files.docx(), put={"word/document.xml": BILLION_LAUGHS})
    assert refusal(data, "letter.docx") == (
        "The document contains an XML document type declaration (in word/document.xml), "
        "the means of XML bombs. Save it again in a word processor and upload it."
    )


def test_external_entity_in_content_types_is_refused():
    data = rezip(sample_files.docx(), put={"[Content_Types].xml": XXE})
    assert "(in [Content_Types].xml)" in refusal(data, "letter.docx")


def test_doctype_hidden_in_utf16_is_refused():
    utf16 = BILLION_LAUGHS.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
    data = rezip(sample_files.docx(), put={"word/styles.xml": utf16.decode().encode("utf-16")})
    assert "(in word/styles.xml)" in refusal(data, "letter.docx")


def test_doctype_after_a_long_comment_is_refused():
    padded = b'<?xml version="1.0"?><!--' + b" " * 1_000_000 + b"-->" + BILLION_LAUGHS[21:]
    data = rezip(sample_files.docx(), put={"word/settings.xml": padded})
    assert "(in word/settings.xml)" in refusal(data, "letter.docx")


def test_billion_laughs_in_odt_is_refused():
    bomb = BILLION_LAUGHS.replace(b"w:document", b"office:document-content")
    data = rezip(sample_files.odt(), put={"content.xml": bomb})
    assert "(in content.xml)" in refusal(data, "letter.odt")


def test_malformed_xml_part_is_damaged():
    data = rezip(sample_files.docx(), put={"word/document.xml": b"<w:document><unclosed"})
    assert refusal(data, "letter.docx").startswith("The file is damaged")


# Not really DOCX / ODT


def test_docx_needs_its_main_parts():
    plain_zip = hostile.zip_bytes([("readme.txt", b"hello")])
    assert refusal(plain_zip, "letter.docx") == (
        "This is not a Word document (.docx): the part [Content_Types].xml is missing."
    )
    no_body = rezip(sample_files.docx(), drop=("word/document.xml",))
    assert refusal(no_body, "letter.docx") == (
        "This is not a Word document (.docx): the part word/document.xml is missing."
    )


def test_odt_needs_its_mimetype_and_content():
    no_mimetype = rezip(sample_files.odt(), drop=("mimetype",))
    assert refusal(no_mimetype, "letter.odt") == (
        "This is not an OpenDocument text (.odt): the mimetype entry is missing."
    )
    no_content = rezip(sample_files.odt(), drop=("content.xml",))
    assert refusal(no_content, "letter.odt") == (
        "This is not an OpenDocument text (.odt): the part content.xml is missing."
    )


def test_spreadsheet_renamed_to_odt_is_refused():
    sheet = rezip(
        sample_files.odt(), put={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}
    )
    assert refusal(sheet, "budget.odt") == (
        "This is not an OpenDocument text (.odt): its declared type is "
        "application/vnd.oasis.opendocument.spreadsheet."
    )


def test_docx_renamed_to_odt_is_refused():
    assert "the mimetype entry is missing" in refusal(sample_files.docx(), "letter.odt")


# Macros and active content in office files


def test_docx_with_a_vba_project_is_refused():
    data = rezip(sample_files.docx(), put={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})
    assert refusal(data, "letter.docx") == (
        "The document contains macros or active content, which are not accepted. "
        "Save it as a document without macros and upload it."
    )


def test_macro_enabled_docm_renamed_to_docx_is_refused():
    parts = _docx_parts()
    types = parts["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    assert types != parts["[Content_Types].xml"]
    data = rezip(sample_files.docx(), put={"[Content_Types].xml": types})
    assert refusal(data, "letter.docx").startswith("The document contains macros")


def test_docx_with_activex_is_refused():
    data = rezip(sample_files.docx(), put={"word/activeX/activeX1.xml": b"<ax/>"})
    assert refusal(data, "letter.docx").startswith("The document contains macros")


def test_odt_with_basic_macros_is_refused():
    data = rezip(sample_files.odt(), put={"Basic/Standard/Module1.xml": b"<module/>"})
    assert refusal(data, "letter.odt").startswith("The document contains macros")


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"
  xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">
<office:body><office:text>{body}</office:text></office:body></office:document-content>"""


def _odt_with(body: str) -> bytes:
    return rezip(sample_files.odt(), put={"content.xml": ODT_CONTENT.format(body=body).encode()})


def test_odt_with_a_script_event_listener_is_refused():
    """CVE-2018-16858: hovering a link ran LibreOffice's own Python with chosen arguments."""
    data = _odt_with(
        '<text:p><text:a xlink:type="simple" xlink:href="https://kamgov.ru">'
        "<office:event-listeners>"
        '<script:event-listener script:language="ooo:script" script:event-name="dom:mouseover"'
        ' xlink:href="vnd.sun.star.script:../../../program/python-core-3.5.5/lib/pydoc.py'
        '$tempfilepager(1, calc.exe)?language=Python&amp;location=share"/>'
        "</office:event-listeners>Наведите</text:a></text:p>"
    )
    assert refusal(data, "letter.odt").startswith("The document contains macros")


def test_odt_with_a_macro_link_is_refused():
    data = _odt_with(
        '<text:p><text:a xlink:href="vnd.sun.star.script:Standard.Module1.Main?'
        'language=Basic&amp;location=document">ссылка</text:a></text:p>'
    )
    assert refusal(data, "letter.odt").startswith("The document contains macros")


def test_odt_with_an_ordinary_link_is_accepted():
    data = _odt_with('<text:p><text:a xlink:href="https://kamgov.ru">сайт</text:a></text:p>')
    assert check(data=data, name="letter.odt").kind == StoredFile.Kind.ODT


def test_password_protected_odt_is_refused():
    manifest = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">
  <manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>
 </manifest:file-entry>
</manifest:manifest>"""
    data = rezip(sample_files.odt(), put={"META-INF/manifest.xml": manifest})
    assert refusal(data, "letter.odt").startswith("The document is protected by a password")


# PDFs with active content

JS = b"<< /S /JavaScript /JS (app.alert('pwned')) >>"
JS_REFUSED = (
    "The PDF contains JavaScript, which is not accepted. Print it to a new PDF and upload that."
)


@pytest.mark.parametrize(
    "hostile_pdf",
    [
        pytest.param(lambda: hostile.pdf(b"/OpenAction 4 0 R", JS), id="open-action"),
        pytest.param(
            lambda: hostile.pdf(
                b"/Names << /JavaScript 4 0 R >>", b"<< /Names [(init) 5 0 R] >>", JS
            ),
            id="document-level-names-tree",
        ),
        pytest.param(
            lambda: hostile.pdf(
                b"",
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A 5 0 R >>",
                JS,
                page_extra=b"/Annots [4 0 R]",
            ),
            id="link-annotation",
        ),
        pytest.param(
            lambda: hostile.pdf(page_extra=b"/AA << /O << /S /JavaScript /JS (x()) >> >>"),
            id="page-open-additional-action",
        ),
        pytest.param(
            lambda: hostile.pdf(b"/OpenAction 4 0 R", b"<< /S /J#61vaScript /J#53 (x()) >>"),
            id="hex-escaped-names",
        ),
        pytest.param(
            lambda: hostile.pdf(b"/OpenAction 4 0 R", JS, compressed=True),
            id="inside-compressed-object-stream",
        ),
        pytest.param(
            lambda: hostile.pdf(b"/AcroForm << /Fields [] /XFA (<xdp:xdp/>) >>"), id="xfa-form"
        ),
    ],
)
def test_pdf_javascript_is_refused(hostile_pdf):
    assert refusal(hostile_pdf(), "act.pdf") == JS_REFUSED


def test_javascript_hidden_in_an_object_stream_is_found_by_parsing():
    """No name is visible in the raw bytes: only the parsed objects show it."""
    data = hostile.pdf(b"/OpenAction 4 0 R", b"<< /S /J#61vaScript /J#53 (x()) >>", compressed=True)
    assert b"JavaScript" not in data
    assert pdf.scan(data).active == {pdf.Active.JAVASCRIPT}


@pytest.mark.parametrize(
    "hostile_pdf",
    [
        lambda: hostile.pdf(b"/OpenAction << /S /Launch /F (C:\\\\Windows\\\\cmd.exe) >>"),
        lambda: hostile.pdf(
            b"/OpenAction 4 0 R", b"<< /S /Launch /F (cmd.exe) >>", compressed=True
        ),
    ],
)
def test_pdf_launch_action_is_refused(hostile_pdf):
    assert refusal(hostile_pdf(), "act.pdf") == (
        "The PDF contains an action that starts programs, which is not accepted. "
        "Print it to a new PDF and upload that."
    )


EMBEDDED_REFUSED = (
    "The PDF contains embedded files, which are not accepted. Upload them as separate attachments."
)


def test_pdf_embedded_file_is_refused():
    data = hostile.pdf(
        b"/Names << /EmbeddedFiles 4 0 R >>",
        b"<< /Names [(invoice.exe) 5 0 R] >>",
        b"<< /Type /Filespec /F (invoice.exe) /EF << /F 6 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    )
    assert refusal(data, "act.pdf") == EMBEDDED_REFUSED


def test_pdf_file_attachment_annotation_is_refused():
    data = hostile.pdf(
        b"",
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS (a.exe) >>",
        page_extra=b"/Annots [4 0 R]",
        compressed=True,
    )
    assert refusal(data, "act.pdf") == EMBEDDED_REFUSED


def test_pdf_rich_media_is_refused():
    data = hostile.pdf(
        b"",
        b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>",
        page_extra=b"/Annots [4 0 R]",
    )
    assert refusal(data, "act.pdf").startswith("The PDF contains multimedia")


def test_javascript_is_named_before_other_active_content():
    data = hostile.pdf(b"/OpenAction 4 0 R", b"<< /S /Launch /F (x) /Next " + JS + b" >>")
    assert refusal(data, "act.pdf") == JS_REFUSED


# Encrypted, damaged, empty PDFs


def _encrypted(user_password: str, owner_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(sample_files.pdf()))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_with_a_password_is_refused():
    assert refusal(_encrypted("secret", "secret"), "act.pdf") == (
        "The PDF is protected by a password. Save a copy without the password and upload it."
    )


def test_pdf_with_owner_restrictions_is_refused():
    assert refusal(_encrypted("", "owner"), "act.pdf") == (
        "The PDF is encrypted (it restricts printing or copying). "
        "Save a copy without protection and upload it."
    )


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>",
        b"%PDF-",
    ],
)
def test_damaged_pdf_is_refused(data):
    assert refusal(data, "scan.pdf") == (
        "The file is damaged and cannot be read as PDF. Save it again and upload it."
    )


def test_pdf_without_pages_is_refused():
    """PDFium will not even open it ("PDF has no pages" stays as a second line of defence)."""
    assert refusal(hostile.pdf(pages=0), "scan.pdf").startswith("The file is damaged")


def test_pdf_with_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(inspect, "MAX_PDF_PAGES", 2)
    assert refusal(hostile.pdf(pages=3), "scan.pdf") == (
        "The PDF has 3 pages; at most 2 are accepted."
    )


def test_pdf_that_takes_too_long_to_check_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "SCAN_SECONDS", -1.0)
    assert refusal(sample_files.pdf(), "scan.pdf") == (
        "The PDF is built too intricately to be checked. Print it to a new PDF and upload that."
    )


# Pixel floods and damaged images


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pixel_flood_is_refused_before_decoding():
    """A 100-byte PNG claiming 10000 x 10000 pixels (300 MB once decoded)."""
    flood = hostile.png_header_only(10_000, 10_000)
    assert len(flood) < 200
    assert refusal(flood, "seal.png") == (
        "The image is 10000 × 10000 pixels; at most 50 megapixels are accepted."
    )


def test_pixel_flood_beyond_pillows_own_limit_is_refused():
    """Pillow itself refuses to open this one; the message is ours all the same."""
    message = refusal(hostile.png_header_only(100_000, 100_000), "seal.png")
    assert message == "The image is larger than 50 megapixels, the most accepted."


def test_image_at_the_limit_is_accepted():
    data = hostile.png_header_only(10_000, 5_000)
    assert check(data=data, name="plan.png").kind == StoredFile.Kind.PNG


def test_tiff_page_flood_is_refused(monkeypatch):
    monkeypatch.setattr(inspect, "MAX_IMAGE_PAGES", 2)
    assert refusal(sample_files.tiff(pages=3), "scan.tif") == "The image has more than 2 pages."


def test_tiff_with_a_huge_later_page_is_refused():
    small = Image.new("L", (10, 10))
    out = io.BytesIO()
    small.save(out, format="TIFF", save_all=True, append_images=[Image.new("1", (9_000, 9_000))])
    assert refusal(out.getvalue(), "scan.tif") == (
        "The image is 9000 × 9000 pixels; at most 50 megapixels are accepted."
    )


def test_png_with_a_bad_checksum_is_damaged():
    data = bytearray(sample_files.png())
    data[-20] ^= 0xFF  # inside the last IDAT's checksum or data
    assert refusal(bytes(data), "seal.png") == (
        "The file is damaged and cannot be read as PNG. Save it again and upload it."
    )


def test_jpeg_signature_with_garbage_is_damaged():
    assert refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 50, "photo.jpg").startswith(
        "The file is damaged and cannot be read as JPEG."
    )


# Nothing a parser throws becomes a server error


def test_unexpected_parser_error_is_a_refusal(monkeypatch):
    def boom(data, kind):
        raise RecursionError("deeply nested")

    monkeypatch.setitem(inspect._CHECKS, StoredFile.Kind.PDF, boom)
    assert refusal(sample_files.pdf(), "scan.pdf").startswith("The file is damaged")


SIGNATURES = {
    "pdf": b"%PDF-1.7\n",
    "docx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "tif": b"II*\x00",
}


def _answer(data: bytes, name: str) -> None:
    try:
        check(data=data, name=name)
    except Refused as exc:
        assert str(exc.message)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUIET = pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow reports corrupt EXIF


@QUIET
@FUZZ
@given(extension=st.sampled_from(sorted(SIGNATURES)), tail=st.binary(max_size=3000))
def test_random_bytes_after_a_valid_signature_never_crash(extension, tail):
    _answer(SIGNATURES[extension] + tail, f"fuzz.{extension}")


@QUIET
@FUZZ
@given(
    extension=st.sampled_from(sorted(KINDS)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
    cut=st.floats(0.05, 1),
)
def test_mutated_genuine_files_never_crash(extension, flips, cut):
    data = bytearray(KINDS[extension]())
    for where, value in flips:
        data[int(where * len(data))] = value
    _answer(bytes(data[: max(1, int(cut * len(data)))]), f"fuzz.{extension}")
