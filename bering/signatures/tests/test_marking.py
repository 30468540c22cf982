"""The signature mark (ГОСТ Р 7.0.97-2016) on the PDF copy of a signed file.

Boris (the head) signs Vera's draft with a qualified signature. The marked copy shows the
blue frame at the bottom of the last page — found by rendering the page — and says
«ДОКУМЕНТ ПОДПИСАН», the serial and the owner; the signed original's bytes stay as they
were. Oleg of another ministry gets 404 from the page and the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from bering.api.tests.conftest import bearer
from bering.audit.models import AuditEvent
from bering.core.errors import NotFound
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentFile
from bering.documents.tests.factories import doc_type
from bering.files import processing, samples
from bering.files.models import StoredFile
from bering.ops import database
from bering.signatures import marking
from bering.signatures.models import Signature
from conftest import Persona

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
SERIAL = "01DB5F2A00E3B04C8B4A3E1C9D6F7A21"
CERTIFICATE = {
    "serial": SERIAL,
    "owner": "Борисов Борис",
    "organization": "Минздрав",
    "title": "Министр",
    "issuer": "Казначейство России",
    "valid_from": "2026-01-15T09:30:00+00:00",
    "valid_to": "2027-04-15T09:30:00+00:00",
    "algorithm": "ГОСТ Р 34.10-2012 256",
    "thumbprint": "ab" * 20,
}
BLUE = (0x1F, 0x3F, 0x99)


def _draft(author: Persona, signer: Persona, name: str, data: bytes) -> Document:
    return document_services.document_create(
        actor=author.actor,
        card=document_services.Card(
            doc_type=doc_type("memo"), title="О завозе топлива", signer=signer.employee
        ),
        flow="internal",
        uploads=[document_services.Upload(name=name, stream=io.BytesIO(data))],
    )


def _main(document: Document) -> DocumentFile:
    return DocumentFile.objects.select_related("stored").get(document=document)


def _qualified(item: DocumentFile, signer: Persona, **certificate: str) -> Signature:
    return Signature.objects.create(
        document_file=item,
        kind=Signature.Kind.QUALIFIED,
        signer=signer.employee,
        post=signer.employee,
        user=signer.user,
        signed_at=AT,
        sha256=item.stored.sha256,
        certificate={**CERTIFICATE, **certificate},
        verification="valid",
        verified_at=AT,
    )


def _blue_in_bottom(pdf: bytes) -> int:
    """Pixels of the frame's blue in the bottom quarter of the last page, rendered."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[len(document) - 1].render(scale=1.5).to_pil().convert("RGB")
    finally:
        document.close()
    width, height = image.size
    bottom = image.crop((0, height * 3 // 4, width, height))
    raw = bottom.tobytes()
    return sum(
        1 for at in range(0, len(raw), 3) if all(abs(raw[at + i] - BLUE[i]) < 40 for i in range(3))
    )


def _last_page_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return reader.pages[-1].extract_text()


def _stored_sha(stored: StoredFile) -> str:
    return hashlib.sha256(Path(default_storage.path(stored.storage_name)).read_bytes()).hexdigest()


@pytest.fixture
def pdf_draft(executor: Persona, head: Persona) -> Document:
    body = "Обеспечить завоз топлива в населённые пункты. " * 40
    return _draft(executor, head, "проект.pdf", samples.make_pdf("О завозе топлива", body))


def test_the_mark_is_drawn_on_a_copy_of_a_pdf_and_the_original_stays(
    pdf_draft: Document, head: Persona
) -> None:
    item = _main(pdf_draft)
    before = _stored_sha(item.stored)
    signature = _qualified(item, head)

    assert marking.signature_mark_make(signature.pk) is True

    signature.refresh_from_db()
    assert signature.marked_name.startswith("marks/")
    marked = default_storage.open(signature.marked_name, "rb").read()
    original = default_storage.open(item.stored.storage_name, "rb").read()
    assert _blue_in_bottom(marked) > 300
    assert _blue_in_bottom(original) == 0
    text = _last_page_text(marked)
    assert "ДОКУМЕНТ ПОДПИСАН" in text and SERIAL in text and "Борисов Борис" in text
    assert "с 15.01.2026 по 15.04.2027" in text
    assert len(pypdf.PdfReader(io.BytesIO(marked)).pages) == len(
        pypdf.PdfReader(io.BytesIO(original)).pages
    )
    assert _stored_sha(item.stored) == before == item.stored.sha256
    [event] = AuditEvent.objects.filter(verb="signature.marked")
    assert (event.object_type, event.object_id) == ("document", pdf_draft.pk)
    assert event.data["signature"] == signature.pk


def test_the_mark_is_made_once_and_two_signatures_get_two_frames(
    pdf_draft: Document, head: Persona, executor: Persona
) -> None:
    item = _main(pdf_draft)
    first = _qualified(item, head)
    second = _qualified(item, executor, serial="7700AA", owner="Васильева Вера")
    assert marking.signature_mark_make(first.pk)
    first.refresh_from_db()
    kept = first.marked_name
    assert marking.signature_mark_make(first.pk)  # again: nothing new
    first.refresh_from_db()
    assert first.marked_name == kept
    assert AuditEvent.objects.filter(verb="signature.marked").count() == 1

    assert marking.signature_mark_make(second.pk)
    second.refresh_from_db()
    text = _last_page_text(default_storage.open(second.marked_name, "rb").read())
    assert text.count("ДОКУМЕНТ ПОДПИСАН") == 2
    assert SERIAL in text and "7700AA" in text and "Васильева Вера" in text


def test_a_second_worker_keeps_the_first_copy_and_drops_its_own(
    pdf_draft: Document, head: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _main(pdf_draft)
    signature = _qualified(item, head)
    # The first worker won meanwhile: its name is set after this one read the row.
    won = default_storage.save("marks/00/first.marked.pdf", io.BytesIO(b"%PDF first"))
    saved: list[str] = []
    real_save = default_storage.save

    def save_then_lose(name: str, content: object, **kwargs: object) -> str:
        stored_name: str = real_save(name, content, **kwargs)  # type: ignore[arg-type]
        saved.append(stored_name)
        Signature.objects.filter(pk=signature.pk).update(marked_name=won)
        return stored_name

    # Storage is the outside world: its save is where the other worker gets in first.
    monkeypatch.setattr(default_storage, "save", save_then_lose)
    assert marking.signature_mark_make(signature.pk)
    monkeypatch.undo()
    signature.refresh_from_db()
    assert signature.marked_name == won
    assert saved and not default_storage.exists(saved[0])
    assert not AuditEvent.objects.filter(verb="signature.marked").exists()


def test_an_office_file_waits_for_its_rendition_then_the_sweep_marks_it(
    executor: Persona, head: Persona
) -> None:
    docx = samples.make_docx("О завозе топлива", "Обеспечить завоз топлива.")
    document = _draft(executor, head, "проект.docx", docx)
    item = _main(document)
    assert item.stored.rendition_status == StoredFile.Processing.PENDING
    before = _stored_sha(item.stored)
    signature = _qualified(item, head)

    assert marking.signature_mark_make(signature.pk) is False  # no PDF copy yet
    call_command("signatures_mark_pending", verbosity=0)
    signature.refresh_from_db()
    assert signature.marked_name == ""

    processing.process(item.stored.pk)  # the worker makes the PDF copy (LibreOffice)
    item.stored.refresh_from_db()
    assert item.stored.rendition_status == StoredFile.Processing.DONE
    call_command("signatures_mark_pending", verbosity=0)
    signature.refresh_from_db()
    marked = default_storage.open(signature.marked_name, "rb").read()
    rendition = default_storage.open(item.stored.rendition_name, "rb").read()
    assert _blue_in_bottom(marked) > 300
    assert _blue_in_bottom(rendition) == 0
    assert "ДОКУМЕНТ ПОДПИСАН" in _last_page_text(marked)
    assert _stored_sha(item.stored) == before == item.stored.sha256


def test_a_simple_signature_gets_no_mark(pdf_draft: Document, head: Persona) -> None:
    item = _main(pdf_draft)
    simple = Signature.objects.create(
        document_file=item,
        signer=head.employee,
        post=head.employee,
        user=head.user,
        signed_at=AT,
        sha256=item.stored.sha256,
    )
    assert marking.signature_mark_make(simple.pk) is False
    assert simple.pk not in [s.pk for s in marking.marks_pending()]
    answer = head.client().get(f"/signatures/{simple.pk}/marked.pdf")
    assert answer.status_code == 404


def test_the_page_and_the_api_serve_the_copy_and_say_while_it_is_prepared(
    pdf_draft: Document, head: Persona, executor: Persona, outsider: Persona
) -> None:
    signature = _qualified(_main(pdf_draft), head)
    page_url = f"/signatures/{signature.pk}/marked.pdf"
    api_url = f"/api/v1/signatures/{signature.pk}/marked-copy"

    waiting = bearer(executor.user).get(api_url)
    assert waiting.status_code == 404
    assert waiting.json()["code"] == "no_mark"
    assert waiting.json()["detail"]  # «Копия с отметкой ещё готовится»
    assert executor.client().get(page_url).status_code == 404

    marking.signature_mark_make(signature.pk)
    signature.refresh_from_db()
    made = default_storage.open(signature.marked_name, "rb").read()

    page = executor.client().get(page_url)
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert b"".join(page.streaming_content) == made  # type: ignore[attr-defined]
    assert page["X-Bering-SHA256"] == hashlib.sha256(made).hexdigest()
    part = executor.client().get(page_url, headers={"range": "bytes=0-99"})
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == made[:100]  # type: ignore[attr-defined]

    api = bearer(executor.user).get(api_url)
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    assert b"".join(api.streaming_content) == made  # type: ignore[attr-defined]

    assert outsider.client().get(page_url).status_code == 404
    refused = bearer(outsider.user).get(api_url)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert bearer(executor.user).get("/api/v1/signatures/999999/marked-copy").status_code == 404


def test_a_backup_takes_the_marked_copy_with_the_original(
    pdf_draft: Document, head: Persona
) -> None:
    item = _main(pdf_draft)
    signature = _qualified(item, head)
    marking.signature_mark_make(signature.pk)
    signature.refresh_from_db()
    with connection.cursor() as cursor:
        snapshot = database.snapshot_read(
            database._cursor_query(cursor), database.existing_tables()
        )
    [row] = [r for r in snapshot.stored_files if r.id == item.stored.pk]
    assert (signature.marked_name, "marked") in row.derived()


def test_a_file_without_a_pdf_copy_says_the_mark_cannot_be_drawn(
    executor: Persona, head: Persona
) -> None:
    docx = samples.make_docx("О завозе топлива", "Обеспечить завоз топлива.")
    item = _main(_draft(executor, head, "проект.docx", docx))
    signature = _qualified(item, head)
    api_url = f"/api/v1/signatures/{signature.pk}/marked-copy"
    waiting = bearer(executor.user).get(api_url).json()
    StoredFile.objects.filter(pk=item.stored.pk).update(
        rendition_status=StoredFile.Processing.FAILED
    )
    assert marking.signature_mark_make(signature.pk) is False
    assert signature.pk not in [s.pk for s in marking.marks_pending()]
    never = bearer(executor.user).get(api_url)
    assert never.status_code == 404 and never.json()["code"] == "no_mark"
    assert never.json()["detail"] != waiting["detail"]


def _encrypted(pdf: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt("секрет")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_broken_pdfs_do_not_hold_back_the_marks_after_them(
    pdf_draft: Document, executor: Persona, head: Persona
) -> None:
    pdf = samples.make_pdf("Зашифрованный", "Текст, который не прочесть без пароля.")
    locked = _main(_draft(executor, head, "зашифрован.pdf", pdf))
    # The file in storage turns out encrypted: mark_pdf cannot read it.
    Path(default_storage.path(locked.stored.storage_name)).write_bytes(_encrypted(pdf))
    broken = [_qualified(locked, head) for _ in range(marking.BATCH)]
    later = _qualified(_main(pdf_draft), head)
    assert [s.pk for s in marking.marks_pending()] == [s.pk for s in broken]

    assert marking.marks_make_pending() == 0  # each broken one fails once
    assert marking.marks_make_pending() == 1  # the untried one goes first
    later.refresh_from_db()
    assert later.marked_name and _blue_in_bottom(default_storage.open(later.marked_name).read())

    for _run in range(2 * marking.ATTEMPTS):
        marking.marks_make_pending()
    attempts = Signature.objects.filter(pk__in=[s.pk for s in broken])
    assert set(attempts.values_list("mark_attempts", flat=True)) == {marking.ATTEMPTS}
    assert list(marking.marks_pending()) == []
    assert set(attempts.values_list("marked_name", flat=True)) == {""}

    with translation.override("en"), pytest.raises(NotFound) as caught:
        marking.marked_copy(attempts.select_related("document_file__stored").first())
    assert "cannot be read" in str(caught.value.message)
    answer = bearer(executor.user).get(f"/api/v1/signatures/{broken[0].pk}/marked-copy")
    assert answer.status_code == 404 and answer.json()["code"] == "no_mark"
