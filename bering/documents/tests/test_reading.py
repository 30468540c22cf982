"""Reading a DOCX draft before signing it: text first, page images on demand, a marked copy.

Needs LibreOffice (``scripts/bootstrap.sh`` installs it); fails, not skips, without it.
"""

from __future__ import annotations

import hashlib
import io
import shutil

import pytest

from bering.approvals import services as approval_services
from bering.approvals.models import Visa
from bering.approvals.reference import ensure_regulations
from bering.approvals.services import StagePlan
from bering.documents import services
from bering.documents.models import Document
from bering.documents.tests.factories import doc_type
from bering.files import samples
from conftest import _persona

TITLE = "О порядке завоза топлива"
BODY = "Обеспечить завоз топлива в отдалённые сёла до 1 сентября."


@pytest.fixture(autouse=True)
def _soffice() -> None:
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice is not installed: run scripts/bootstrap.sh (it installs it)")


def docx_draft(author, signer, captured, *, body: str = BODY) -> Document:
    ensure_regulations()
    with captured(execute=True):  # the worker runs at commit (immediate tasks in tests)
        return services.document_create(
            actor=author.actor,
            card=services.Card(
                doc_type=doc_type("normative-act"), title=TITLE, signer=signer.employee
            ),
            flow=doc_type("normative-act").flow,
            uploads=[
                services.Upload(
                    name="проект.docx", stream=io.BytesIO(samples.make_docx(TITLE, body))
                )
            ],
        )


def test_the_approver_reads_the_docx_text_on_the_decision_screen(
    executor, head, health, django_capture_on_commit_callbacks
):
    lawyer = _persona(health, "pavel", "Павлов", "Павел", "Начальник правового отдела")
    draft = docx_draft(executor, head, django_capture_on_commit_callbacks)
    approval_services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(approver=lawyer.employee)

    screen = lawyer.client().get(f"/approvals/visas/{visa.pk}/").content.decode()

    assert 'data-test="doc-text"' in screen
    assert BODY in screen and TITLE in screen
    assert 'data-test="rendition-mark"' in screen
    item = draft.files.get()
    assert f"/documents/{draft.pk}/files/{item.pk}/pages/1.png" in screen
    assert 'loading="lazy"' in screen and "<details" in screen


def test_document_card_text_copy_pages_and_zoom(executor, head, django_capture_on_commit_callbacks):
    draft = docx_draft(executor, head, django_capture_on_commit_callbacks)
    item = draft.files.get()
    client = executor.client()
    base = f"/documents/{draft.pk}/files/{item.pk}"

    card = client.get(f"/documents/{draft.pk}/").content.decode()
    assert BODY in card and 'data-test="rendition-mark"' in card and "DOCX" in card

    copy = client.get(f"{base}/pdf/")
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    assert b"".join(copy.streaming_content).startswith(b"%PDF-")
    original = client.get(f"{base}/download/")
    signed = b"".join(original.streaming_content)
    assert signed.startswith(b"PK") and hashlib.sha256(signed).hexdigest() == item.stored.sha256

    image = client.get(f"{base}/pages/1.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    page = client.get(f"{base}/pages/1/?zoom=200").content.decode()
    assert 'width="2480"' in page and 'class="zoomed"' in page
    assert client.get(f"{base}/pages/1/?zoom=evil").status_code == 200
    assert client.get(f"{base}/pages/2/").status_code == 404
    assert client.get(f"{base}/pages/2.png").status_code == 404


def test_long_text_comes_in_parts_under_20_kb(executor, head, django_capture_on_commit_callbacks):
    body = "\n".join(f"Пункт {n}. {BODY} Ответственные — руководители." for n in range(800))
    draft = docx_draft(executor, head, django_capture_on_commit_callbacks, body=body)
    item = draft.files.get()
    client = executor.client()

    card = client.get(f"/documents/{draft.pk}/").content.decode()
    assert "Пункт 0." in card and "Пункт 799." not in card
    assert f"/documents/{draft.pk}/files/{item.pk}/text/?part=2" in card
    count = len(item.stored.text_parts)
    assert count > 3
    seen = []
    for number in range(1, count + 1):
        response = client.get(f"/documents/{draft.pk}/files/{item.pk}/text/?part={number}")
        assert response.status_code == 200
        assert len(response.content) < 20 * 1024
        seen.append(response.content.decode())
    assert "Пункт 799." in seen[-1]
