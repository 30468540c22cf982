"""PDF copies of office files by LibreOffice: made in the worker, never instead of the original.

These tests need LibreOffice (``scripts/bootstrap.sh`` installs it) and fail, not skip,
without it.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from bering.files import convert, orphans, pdf, processing, reading
from bering.files.models import StoredFile
from bering.files.tests import sample_files
from bering.files.tests.sample_files import BODY, TITLE
from bering.files.tests.test_processing import stored_file

Processing = StoredFile.Processing


def office_file(data: bytes, kind: str, **fields) -> StoredFile:
    return stored_file(data, kind, rendition_status=processing.rendition_status_for(kind), **fields)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return bytes(fh.read())


def _office_processes() -> list[str]:
    """Command lines of running LibreOffice processes started for this test's conversions."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"{tempfile.gettempdir()}/bering-office-" in command:
            found.append(command)
    return found


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_file_gets_a_pdf_copy_pages_and_keeps_its_bytes(db, soffice, kind):
    data = getattr(sample_files, kind)()
    stored = office_file(data, kind)
    assert stored.rendition_status == stored.preview_status == Processing.PENDING

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.DONE, stored.rendition_error
    assert stored.rendition_name.endswith(".rendition.pdf")
    copy = read(stored.rendition_name)
    assert copy.startswith(b"%PDF-")
    copy_text = pdf.text(copy, limit=100_000)
    assert TITLE in copy_text and BODY in copy_text
    assert stored.text_status == Processing.DONE and TITLE in stored.text
    assert stored.preview_status == Processing.DONE
    assert stored.page_image_count == 1
    page = Image.open(io.BytesIO(read(stored.page_images[0])))
    assert page.format == "PNG" and page.width == processing.PAGE_WIDTH
    assert Image.open(io.BytesIO(read(stored.preview_name))).width == processing.PREVIEW_WIDTH
    original = read(stored.storage_name)
    assert original == data
    assert hashlib.sha256(original).hexdigest() == stored.sha256
    assert stored.storage_name != stored.rendition_name
    assert _office_processes() == []


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", sample_files.docx()[:3000], b"PK\x03\x04" + bytes(5000)],
    ids=["garbage", "truncated", "zeros"],
)
def test_a_broken_office_file_ends_failed_with_a_reason(db, soffice, data, caplog):
    stored = office_file(data, "docx")

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.FAILED
    assert "LibreOffice" in stored.rendition_error
    assert stored.preview_status == Processing.FAILED
    assert stored.rendition_name == "" and stored.page_images == []
    assert stored.processing_claimed_at is None
    # Nothing is left pending, so neither the task nor the sweep tries it again.
    assert processing.process(stored.pk) is False
    assert processing.process_pending() == 0
    assert _office_processes() == []


def test_a_conversion_past_the_time_limit_is_killed_and_failed(db, soffice, settings):
    settings.BERING_OFFICE_TIMEOUT = 0.3
    stored = office_file(sample_files.docx(), "docx")

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.FAILED
    assert "did not finish in 0.3 s" in stored.rendition_error
    assert stored.preview_status == Processing.FAILED
    assert _office_processes() == []
    assert processing.process(stored.pk) is False


def test_conversion_runs_with_its_own_profile_and_limits(soffice, monkeypatch):
    seen = {}
    real = convert._run

    def spy(command, *, env, cwd, limits):
        seen.update(command=command, env=env, cwd=cwd, limits=limits)
        real(command, env=env, cwd=cwd, limits=limits)

    monkeypatch.setattr(convert, "_run", spy)
    made = convert.to_pdf(sample_files.odt(), extension="odt")

    assert made.startswith(b"%PDF-")
    assert any(
        a.startswith(f"-env:UserInstallation=file://{seen['cwd']}/") for a in seen["command"]
    )
    assert seen["env"]["HOME"] == seen["cwd"]
    assert set(seen["env"]) <= {
        "HOME", "TMPDIR", "PATH", "LANG", "SAL_USE_VCLPLUGIN", "http_proxy", "https_proxy",
        "no_proxy",
    }  # fmt: skip
    assert seen["limits"].memory_bytes == 1536 * 1024 * 1024
    assert not os.path.exists(seen["cwd"])  # the profile and the output went with it


def test_a_missing_converter_fails_the_copy_not_the_worker(db, settings):
    settings.BERING_OFFICE_SOFFICE = "no-such-soffice"
    stored = office_file(sample_files.odt(), "odt")

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.FAILED
    assert "not installed" in stored.rendition_error
    assert stored.text_status == Processing.DONE  # the text comes from the original


def test_pdf_originals_get_page_images_and_no_copy(db):
    stored = stored_file(sample_files.pdf(), "pdf")

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.rendition_status == Processing.NOT_APPLICABLE
    assert stored.page_image_count == 1
    assert read(stored.page_images[0]).startswith(b"\x89PNG")


def test_the_orphan_sweep_keeps_copies_and_page_images(db, soffice, settings):
    stored = office_file(sample_files.docx(), "docx")
    processing.process(stored.pk)
    stored.refresh_from_db()
    folder = stored.storage_name.split("/")[1]
    leftover = default_storage.save(f"files/{folder}/0123abcd.page-001.png", io.BytesIO(b"x"))

    result = orphans.orphans_sweep(folders=[folder], grace=orphans.dt.timedelta(0))

    assert result.deleted == [leftover]
    for name in [stored.storage_name, stored.preview_name, stored.rendition_name]:
        assert default_storage.exists(name)
    assert all(default_storage.exists(name) for name in stored.page_images)


# Text in parts for a slow link


def test_text_parts_are_small_and_lose_nothing():
    text = ("Абзац с <угловыми> скобками & амперсандом.\n" * 2000) + "х" * 50_000
    parts = reading.text_parts(text)

    assert len(parts) > 5
    assert all(reading._size(part) <= reading.PART_BYTES for part in parts)
    assert "".join(parts) == text


def test_no_text_no_parts():
    assert reading.text_parts("") == []
    assert reading.text_parts("\n \n") == []
