"""Text and previews: made once, by one worker, and a bad file never stops the worker."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from PIL import Image

from bering.files import processing
from bering.files.models import StoredFile
from bering.files.tasks import file_process
from bering.files.tests import sample_files
from bering.files.tests.sample_files import BODY, KINDS, TITLE

Processing = StoredFile.Processing


def stored_file(data: bytes, kind: str, **fields) -> StoredFile:
    """A row and its bytes, written directly: as if file_store had accepted them."""
    extension = {"jpeg": "jpg", "tiff": "tif"}.get(kind, kind)
    name = default_storage.save(
        f"files/t/{hashlib.sha256(data).hexdigest()}.{extension}", ContentFile(data)
    )
    defaults = {
        "original_name": f"file.{extension}",
        "content_type": "application/octet-stream",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "preview_status": processing.preview_status_for(kind),
        "rendition_status": processing.rendition_status_for(kind),
    }
    return StoredFile.objects.create(storage_name=name, kind=kind, **{**defaults, **fields})


def media_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file())


def preview_image(stored: StoredFile) -> Image.Image:
    with default_storage.open(stored.preview_name, "rb") as fh:
        data = fh.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG"
    return image


# Text


@pytest.mark.parametrize(("extension", "kind"), [("pdf", "pdf"), ("docx", "docx"), ("odt", "odt")])
def test_text_of_real_documents_in_russian(db, extension, kind):
    stored = stored_file(KINDS[extension](), kind)

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.text_status == Processing.DONE
    assert TITLE in stored.text
    assert BODY in stored.text
    assert "Правительство Камчатского края" in stored.text
    assert "\r" not in stored.text


def test_images_have_no_text(db):
    stored = stored_file(sample_files.png(), "png")
    processing.process(stored.pk)
    stored.refresh_from_db()
    assert stored.text_status == Processing.NOT_APPLICABLE
    assert stored.text == ""


def test_docx_text_includes_tables_headers_and_line_breaks(db):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Губернатор Камчатского края"
    paragraph = document.add_paragraph("Первая строка")
    paragraph.add_run().add_break()
    paragraph.add_run("вторая\tстрока")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Статья расходов"
    table.cell(0, 1).text = "Сумма"
    out = io.BytesIO()
    document.save(out)

    text = processing.extract_text("docx", out.getvalue())

    assert text is not None
    assert "Первая строка\nвторая\tстрока\n" in text
    assert "Статья расходов\nСумма\n" in text
    assert "Губернатор Камчатского края" in text
    assert text.index("Статья") < text.index("Губернатор")  # body first


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">
<office:body><office:text>{body}</office:text></office:body></office:document-content>"""


def odt_with(body: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_files.odt())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = ODT_CONTENT.format(body=body).encode()
            target.writestr(info, data)
    return out.getvalue()


def test_odt_text_includes_headings_lists_tables_and_spaces():
    data = odt_with(
        '<text:h text:outline-level="1">Постановление о бюджете</text:h>'
        '<text:list><text:list-item><text:p>пункт<text:s text:c="3"/>один</text:p>'
        "</text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>ячейка</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        "<text:p>строка<text:line-break/>вторая<text:tab/>конец</text:p>"
    )

    text = processing.extract_text("odt", data)

    assert text == ("Постановление о бюджете\nпункт   один\nячейка\nстрока\nвторая\tконец\n")


def test_odt_space_bomb_stays_small():
    """odfpy would build a string of two billion spaces from this one element."""
    data = odt_with('<text:p>а<text:s text:c="2000000000"/>б</text:p>')

    text = processing.extract_text("odt", data)

    assert text == "а" + " " * 100 + "б\n"


def test_odt_deleted_text_of_tracked_changes_is_left_out():
    data = odt_with(
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<text:p>удалённый текст</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes><text:p>действующий текст</text:p>"
    )

    assert processing.extract_text("odt", data) == "действующий текст\n"


def test_text_is_cut_at_the_limit(db, monkeypatch):
    monkeypatch.setattr(processing, "MAX_TEXT", 10)
    for extension, kind in [("pdf", "pdf"), ("docx", "docx"), ("odt", "odt")]:
        stored = stored_file(KINDS[extension](), kind)
        processing.process(stored.pk)
        stored.refresh_from_db()
        assert stored.text_status == Processing.DONE
        assert len(stored.text) == 10


def test_clean_text_keeps_what_any_database_stores():
    dirty = "Пост\x00ановление\r\nо бюджете\x07\ud800\f"
    assert processing.clean_text(dirty) == "Постановление\nо бюджете?\f"


def test_text_with_nul_and_surrogates_is_saved(db, monkeypatch):
    """PostgreSQL refuses NUL in text; the row must be saved all the same."""
    monkeypatch.setattr(processing, "extract_text", lambda kind, data: "a\x00b\udfffc")
    stored = stored_file(sample_files.pdf(), "pdf")

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.text_status == Processing.DONE
    assert stored.text == "ab?c"


# Previews


def test_pdf_preview_is_a_png_of_the_first_page(db):
    stored = stored_file(sample_files.pdf(), "pdf")

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.preview_status == Processing.DONE
    assert stored.preview_name.endswith(".preview.png")
    image = preview_image(stored)
    assert image.width == processing.PREVIEW_WIDTH
    assert 1.3 < image.height / image.width < 1.5  # A4
    assert image.getextrema()[0] < 100  # some ink on the page, not a blank


def test_very_tall_pdf_page_preview_is_bounded(db):
    from bering.files.tests import hostile

    tall = hostile.pdf().replace(b"[0 0 595 842]", b"[0 0 10 14400]")
    stored = stored_file(tall, "pdf")

    processing.process(stored.pk)

    stored.refresh_from_db()
    image = preview_image(stored)
    assert image.height <= processing.PREVIEW_MAX_HEIGHT
    assert image.width <= processing.PREVIEW_WIDTH


@pytest.mark.parametrize(("extension", "kind"), [("png", "png"), ("jpg", "jpeg"), ("tif", "tiff")])
def test_image_preview_is_a_png(db, extension, kind):
    stored = stored_file(KINDS[extension](), kind)

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.preview_status == Processing.DONE
    image = preview_image(stored)
    assert image.size == (120, 80)  # small images are not enlarged


def _image(mode: str, size: tuple[int, int], color, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind", "size", "grey"),
    [
        pytest.param(
            _image("1", (2480, 3508), 0, "TIFF", compression="group4"),
            "tiff",
            (800, 1132),
            0,
            id="fax-g4-a4-300dpi",
        ),
        pytest.param(_image("I;16", (300, 200), 40000, "PNG"), "png", (300, 200), 156, id="16-bit"),
        pytest.param(
            _image("CMYK", (300, 200), (0, 0, 0, 255), "JPEG"), "jpeg", (300, 200), 0, id="cmyk"
        ),
        pytest.param(_image("P", (300, 200), 0, "PNG"), "png", (300, 200), 0, id="palette"),
    ],
)
def test_scans_in_any_image_mode_get_a_preview(db, data, kind, size, grey):
    stored = stored_file(data, kind)

    processing.process(stored.pk)

    stored.refresh_from_db()
    image = preview_image(stored).convert("L")
    assert image.size == size
    low, high = image.getextrema()
    assert abs(low - grey) <= 2
    assert abs(high - grey) <= 2


def test_large_image_preview_is_downscaled_and_flattened(db):
    picture = Image.new("RGBA", (3000, 2000), (255, 0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    stored = stored_file(out.getvalue(), "png")

    processing.process(stored.pk)

    stored.refresh_from_db()
    image = preview_image(stored)
    assert image.size == (800, 533)
    assert image.mode == "RGB"
    assert image.getpixel((10, 10)) == (255, 255, 255)  # transparent becomes white paper


def test_jpeg_rotated_by_exif_is_shown_upright(db):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "blue").save(out, format="JPEG", exif=exif)
    stored = stored_file(out.getvalue(), "jpeg")

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert preview_image(stored).size == (100, 200)


def test_office_documents_wait_for_their_pdf_copy_for_a_preview(db, monkeypatch):
    """The preview of a DOCX is made of its PDF copy (test_renditions.py); none, none."""
    from bering.files import convert

    def no_converter(*args, **kwargs):
        raise convert.ConversionFailed("no converter here")

    monkeypatch.setattr(convert, "to_pdf", no_converter)
    stored = stored_file(sample_files.docx(), "docx")
    assert stored.preview_status == Processing.PENDING

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert (stored.rendition_status, stored.rendition_error) == (
        Processing.FAILED,
        "no converter here",
    )
    assert stored.preview_status == Processing.FAILED
    assert stored.preview_name == ""


# Bad files never stop the worker


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, "pdf"),
        (b"PK\x03\x04 not really a zip", "docx"),
        (b"PK\x03\x04 not really a zip", "odt"),
        (b"\x89PNG\r\n\x1a\n broken", "png"),
        (b"\xff\xd8\xff broken", "jpeg"),
    ],
)
def test_a_broken_file_is_marked_failed(db, data, kind, caplog):
    stored = stored_file(data, kind)

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    if kind in ("pdf", "docx", "odt"):
        assert stored.text_status == Processing.FAILED
    if kind in ("pdf", "png", "jpeg"):
        assert stored.preview_status == Processing.FAILED
    assert stored.processing_claimed_at is None
    assert "failed for stored file" in caplog.text


def test_a_pixel_flood_that_reached_storage_is_not_decoded(db):
    from bering.files.tests import hostile

    stored = stored_file(hostile.png_header_only(20_000, 20_000), "png")

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.preview_status == Processing.FAILED


def test_missing_bytes_leave_the_file_pending_for_the_sweep(db):
    stored = stored_file(sample_files.pdf(), "pdf")
    default_storage.delete(stored.storage_name)

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.text_status == Processing.PENDING
    assert stored.processing_claimed_at is None
    assert stored.processing_attempts == 1


def test_unknown_id_is_ignored(db):
    assert processing.process(999_999) is False


# Idempotence and claims


def test_processing_twice_does_nothing_the_second_time(db, settings, monkeypatch):
    stored = stored_file(sample_files.pdf(), "pdf")
    assert processing.process(stored.pk) is True
    stored.refresh_from_db()
    files_after_first = media_files(settings)
    calls = []
    monkeypatch.setattr(processing, "extract_text", lambda *a: calls.append(a) or "other")
    monkeypatch.setattr(processing, "render_preview", lambda *a: calls.append(a) or b"png")

    assert processing.process(stored.pk) is False

    again = StoredFile.objects.get(pk=stored.pk)
    assert calls == []
    assert media_files(settings) == files_after_first
    assert (again.text, again.preview_name, again.processing_attempts) == (
        stored.text,
        stored.preview_name,
        1,
    )


def test_a_file_claimed_by_another_worker_is_left_to_it(db, monkeypatch):
    stored = stored_file(sample_files.pdf(), "pdf", processing_claimed_at=timezone.now())
    monkeypatch.setattr(processing, "extract_text", pytest.fail)

    assert processing.process(stored.pk) is False

    stored.refresh_from_db()
    assert stored.text_status == Processing.PENDING


def test_a_claim_of_a_dead_worker_is_taken_over(db):
    dead = timezone.now() - processing.CLAIM_TIMEOUT - timezone.timedelta(seconds=1)
    stored = stored_file(
        sample_files.pdf(), "pdf", processing_claimed_at=dead, processing_attempts=1
    )

    assert processing.process(stored.pk) is True

    stored.refresh_from_db()
    assert stored.text_status == Processing.DONE
    assert stored.processing_attempts == 2
    assert stored.processing_claimed_at is None


def test_a_file_that_killed_its_workers_is_given_up(db, monkeypatch):
    dead = timezone.now() - processing.CLAIM_TIMEOUT - timezone.timedelta(seconds=1)
    stored = stored_file(
        sample_files.pdf(),
        "pdf",
        processing_claimed_at=dead,
        processing_attempts=processing.MAX_ATTEMPTS,
    )
    monkeypatch.setattr(processing, "extract_text", pytest.fail)

    assert processing.process(stored.pk) is False

    stored.refresh_from_db()
    assert stored.text_status == Processing.FAILED
    assert stored.preview_status == Processing.FAILED


def test_a_rendition_finished_elsewhere_is_not_overwritten(db, settings, monkeypatch):
    """A worker taking over a stale claim loses to the original one finishing first."""
    stored = stored_file(sample_files.pdf(), "pdf")
    real = processing.render_preview

    def meanwhile(kind, data):
        StoredFile.objects.filter(pk=stored.pk).update(
            preview_status=Processing.DONE, preview_name="files/t/theirs.preview.png"
        )
        return real(kind, data)

    monkeypatch.setattr(processing, "render_preview", meanwhile)

    processing.process(stored.pk)

    stored.refresh_from_db()
    assert stored.preview_name == "files/t/theirs.preview.png"
    assert not [p for p in media_files(settings) if p.name.endswith(".preview.png")]


# Entry points: the task and the sweep


def test_the_task_processes_the_file(db):
    stored = stored_file(sample_files.odt(), "odt")

    result = file_process.enqueue(stored.pk)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is True
    stored.refresh_from_db()
    assert TITLE in stored.text


def test_the_sweep_processes_what_was_left_pending(db, monkeypatch):
    lost = stored_file(sample_files.pdf(), "pdf")
    busy = stored_file(sample_files.docx(), "docx", processing_claimed_at=timezone.now())
    done = stored_file(
        sample_files.png(),
        "png",
        text_status=Processing.NOT_APPLICABLE,
        preview_status=Processing.DONE,
    )

    call_command("files_process_pending", verbosity=0)

    for item in (lost, busy, done):
        item.refresh_from_db()
    assert lost.text_status == Processing.DONE
    assert lost.preview_status == Processing.DONE
    assert busy.text_status == Processing.PENDING
    assert done.processing_attempts == 0


def _zlib_level(png: bytes) -> int:
    """FLEVEL of the first IDAT's zlib header: 2 is zlib's default level, 3 its maximum."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    at = 8
    while True:
        length = int.from_bytes(png[at : at + 4], "big")
        kind = png[at + 4 : at + 8]
        if kind == b"IDAT":
            return png[at + 9] >> 6
        at += 12 + length


def test_previews_and_page_images_are_png_at_the_default_level_not_optimized():
    """Pillow's ``optimize`` (level 9) took 5-8 times longer for 3-5 % fewer bytes."""
    from bering.files import pdf
    from bering.files.samples import make_pdf

    data = make_pdf("О ремонте причала", "Текст письма о ремонте причала. " * 50)
    preview = processing.render_preview("pdf", data)
    assert preview is not None and _zlib_level(preview) == 2
    pages = pdf.render_pages(data, width=600, max_height=900, limit=1)
    assert len(pages) == 1 and _zlib_level(pages[0]) == 2
