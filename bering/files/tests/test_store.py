"""file_store: what is kept, where, and that a refused upload leaves nothing behind.

Alice the registrar uploads; every refusal is an ``UploadRejected`` (a 400 with the
reason), never a server error.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from bering.core.errors import ValidationFailed
from bering.files.models import StoredFile
from bering.files.services import UploadRejected, file_open, file_store, preview_open
from bering.files.tests import hostile, sample_files
from bering.files.tests.sample_files import KINDS, TITLE

GENERATED = re.compile(r"files/[0-9a-f]{2}/[0-9a-f]{32}\.(pdf|docx|odt|png|jpg|jpeg|tif|tiff)")


def media_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def store(data: bytes, name: str, user_id: int | None = None) -> StoredFile:
    return file_store(stream=io.BytesIO(data), name=name, uploaded_by_id=user_id)


def test_a_scan_is_kept_as_uploaded_under_a_generated_name(registrar, settings):
    data = sample_files.pdf()

    stored = store(data, "Входящее письмо.pdf", registrar.user.pk)

    stored.refresh_from_db()
    assert GENERATED.fullmatch(stored.storage_name)
    assert "Входящее" not in stored.storage_name
    assert stored.original_name == "Входящее письмо.pdf"
    assert stored.kind == StoredFile.Kind.PDF
    assert stored.content_type == "application/pdf"
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.uploaded_by_id == registrar.user.pk
    assert stored.page_count == 1
    assert stored.text_status == StoredFile.Processing.PENDING
    assert stored.preview_status == StoredFile.Processing.PENDING
    with file_open(stored) as fh:
        assert fh.read() == data
    [kept] = media_files(settings)
    assert kept.read_bytes() == data


@pytest.mark.parametrize(
    ("extension", "preview"),
    [
        ("pdf", StoredFile.Processing.PENDING),
        ("docx", StoredFile.Processing.PENDING),  # made of its PDF copy (decision 0013)
        ("odt", StoredFile.Processing.PENDING),
        ("png", StoredFile.Processing.PENDING),
        ("jpg", StoredFile.Processing.PENDING),
        ("tif", StoredFile.Processing.PENDING),
    ],
)
def test_each_kind_is_stored(db, extension, preview):
    stored = store(KINDS[extension](), f"file.{extension}")

    assert GENERATED.fullmatch(stored.storage_name)
    assert stored.storage_name.endswith("." + extension)
    assert stored.preview_status == preview
    assert stored.text_status == StoredFile.Processing.PENDING
    office = extension in ("docx", "odt")
    assert stored.rendition_status == (
        StoredFile.Processing.PENDING if office else StoredFile.Processing.NOT_APPLICABLE
    )


def test_path_traversal_name_cannot_leave_the_media_root(db, settings):
    stored = store(sample_files.pdf(), "../../../../etc/cron.d/evil.pdf")

    assert stored.original_name == "evil.pdf"
    assert GENERATED.fullmatch(stored.storage_name)
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    [kept] = media_files(settings)
    assert kept.is_relative_to(root)


def test_same_name_twice_gives_two_files(db, settings):
    first = store(sample_files.pdf(), "scan.pdf")
    second = store(sample_files.pdf(), "scan.pdf")

    assert first.storage_name != second.storage_name
    assert len(media_files(settings)) == 2


def rejection(data: bytes, name: str) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        store(data, name)
    return caught.value


def test_too_large_is_rejected_without_reading_everything(db, settings):
    settings.BERING_MAX_UPLOAD_BYTES = 1024 * 1024
    stream = io.BytesIO(b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))

    with pytest.raises(UploadRejected) as caught, translation.override("en"):
        file_store(stream=stream, name="big.pdf", uploaded_by_id=None)

    with translation.override("en"):
        assert str(caught.value.message) == "The file is larger than 1 MB."
    assert stream.tell() == 1024 * 1024 + 1


def test_empty_file_is_rejected(db):
    with translation.override("en"):
        assert str(rejection(b"", "empty.pdf").message) == "The file is empty."


def _zip_bomb() -> bytes:
    return hostile.zip_bytes(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<d/>"),
            ("word/media/zeros.bin", b"\x00" * (30 * 1024 * 1024)),
        ]
    )


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "html-as-pdf": (
        lambda: b"<html><script>alert(1)</script></html>",
        "scan.pdf",
        "it looks like a web page (HTML)",
    ),
    "rtl-override-exe": (
        lambda: b"MZ" + b"\x00" * 100,
        "scan\u202efdp.exe",
        "Files of this type are not accepted",
    ),
    "pdf-javascript": (
        lambda: hostile.pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "act.pdf",
        "The PDF contains JavaScript",
    ),
    "pdf-launch": (
        lambda: hostile.pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
        "act.pdf",
        "an action that starts programs",
    ),
    "pdf-embedded-file": (
        lambda: hostile.pdf(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>"),
        "act.pdf",
        "The PDF contains embedded files",
    ),
    "pixel-flood": (
        lambda: hostile.png_header_only(20_000, 20_000),
        "seal.png",
        "larger than 50 megapixels",
    ),
    "xml-bomb": (
        lambda: hostile.zip_bytes(
            [
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b'<!DOCTYPE a [<!ENTITY a "aaaa">]><d>&a;</d>'),
            ]
        ),
        "letter.docx",
        "XML document type declaration",
    ),
    "zip-bomb": (_zip_bomb, "letter.docx", "It may be a zip bomb"),
    "odt-spreadsheet": (
        lambda: hostile.zip_bytes(
            [
                ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                ("content.xml", b"<c/>"),
            ],
            method=0,
        ),
        "budget.odt",
        "its declared type is application/vnd.oasis.opendocument.spreadsheet",
    ),
    "damaged-pdf": (
        lambda: b"%PDF-1.7\n" + bytes(range(256)) * 10,
        "scan.pdf",
        "The file is damaged",
    ),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_a_400_with_a_reason_and_leaves_nothing(db, settings, case):
    make, name, reason = HOSTILE[case]

    with translation.override("en"):
        error = rejection(make(), name)
        message = str(error.message)

    assert isinstance(error, ValidationFailed)
    assert error.status_code == 400
    assert error.code == "upload_rejected"
    assert reason in message
    assert not StoredFile.objects.exists()
    assert media_files(settings) == []


def test_rejection_message_is_in_the_language_of_the_request(db):
    with translation.override("en"):
        error = rejection(b"<html></html>", "scan.pdf")
    assert str(error.message) == (
        "The file content does not match its extension .pdf: it looks like a web page (HTML)."
    )

    error = rejection(b"<html></html>", "scan.pdf")
    with translation.override("ru"):
        assert str(error.message).startswith("Содержимое файла не соответствует расширению .pdf")


def test_text_and_preview_are_made_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = store(sample_files.pdf(), "act.pdf")
        stored.refresh_from_db()
        assert stored.text_status == StoredFile.Processing.PENDING
        assert preview_open(stored) is None

    assert len(callbacks) == 1
    stored.refresh_from_db()
    assert stored.text_status == StoredFile.Processing.DONE
    assert TITLE in stored.text
    assert stored.preview_status == StoredFile.Processing.DONE
    preview = preview_open(stored)
    assert preview is not None
    with preview:
        assert preview.read(8) == b"\x89PNG\r\n\x1a\n"


def test_processing_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        stored = store(sample_files.docx(), "letter.docx")

    assert len(callbacks) == 1  # scheduled with on_commit only, never run inside the request
    stored.refresh_from_db()
    assert stored.text_status == StoredFile.Processing.PENDING


def test_preview_open_is_none_for_kinds_without_one(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = store(sample_files.png(), "scan.png")
    stored.refresh_from_db()
    assert stored.text_status == StoredFile.Processing.NOT_APPLICABLE
    stored.preview_status = StoredFile.Processing.NOT_APPLICABLE  # as for a kind without one
    assert preview_open(stored) is None
