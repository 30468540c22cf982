"""A qualified signature in real Chromium: Boris downloads his DOCX draft, signs it on his
device (here: the test's key), uploads the detached signature; the card shows the
certificate and the verdict, and the PDF copy made from the DOCX carries the signature
mark — checked by rendering its last page. Elements are found by ``data-`` attributes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bering.approvals import services
from bering.approvals.tests.test_browser_approval import login, open_task, shot
from bering.approvals.tests.test_workflow import plan, visa_of
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import doc_type
from bering.files import samples
from bering.signatures import testpki
from bering.signatures.models import Signature
from bering.signatures.tests.test_marking import _blue_in_bottom, _last_page_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_signs_a_docx_with_an_uploaded_signature_and_the_copy_is_marked(
    page: Page, live_server, settings, tmp_path: Path, executor, head, lawyer
) -> None:
    ca = testpki.make_ca("УЦ Камчатского края", algorithm="gost256")
    boris = testpki.make_cert(ca, owner="Борисов Борис", title="Министр", algorithm="gost256")
    (tmp_path / "root.cer").write_bytes(ca.certificate)
    (tmp_path / "ca.crl").write_bytes(testpki.make_crl(ca))
    settings.BERING_SIGNATURE_TRUST_ROOTS = [str(tmp_path / "root.cer")]
    settings.BERING_SIGNATURE_CRLS = [str(tmp_path / "ca.crl")]

    body = "Обеспечить завоз топлива в населённые пункты до 1 октября."
    draft = document_services.document_create(
        actor=executor.actor,
        card=document_services.Card(
            doc_type=doc_type("normative-act"), title="О завозе топлива", signer=head.employee
        ),
        flow=doc_type("normative-act").flow,
        uploads=[
            document_services.Upload(
                name="проект.docx", stream=io.BytesIO(samples.make_docx("О завозе топлива", body))
            )
        ],
    )
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    services.visa_decide(actor=lawyer.actor, visa=visa_of(draft, lawyer), outcome="agreed")

    base = live_server.url
    login(page, base, "boris")
    open_task(page, base, draft)
    page.locator('[data-test="qualified"] summary').click()
    # The exact bytes, fetched as the signer's tool would fetch them.
    link = page.locator('[data-test="to-sign"]').first.get_attribute("href")
    original = page.request.get(f"{base}{link}").body()
    signature = tmp_path / "проект.docx.sig"
    signature.write_bytes(
        testpki.sign_detached(original, boris, signing_time=dt.datetime.now(dt.UTC))
    )
    page.locator('[data-test="qualified-form"] input[type=file]').set_input_files(str(signature))
    shot(page, "sign-qualified")
    page.locator('[data-action="sign-qualified"]').click()
    expect(page.locator('[data-test="document-status"]')).to_have_attribute("data-status", "signed")

    page.goto(f"{base}/documents/{draft.pk}/")
    serial = Signature.objects.get(document_file__document=draft).certificate["serial"]
    expect(page.locator('[data-test="certificate"]')).to_contain_text(serial)
    expect(page.locator('[data-test="verification"]')).to_have_count(1)
    marked = page.locator('[data-test="marked-copy"]')
    expect(marked).to_be_visible()
    shot(page, "card-qualified")
    copy = page.request.get(f"{base}{marked.get_attribute('href')}")
    assert copy.headers["content-type"] == "application/pdf"
    pdf = copy.body()
    assert _blue_in_bottom(pdf) > 500, "the blue frame is drawn at the bottom of the last page"
    text = _last_page_text(pdf)
    assert "ДОКУМЕНТ ПОДПИСАН" in text and serial in text and "Борисов Борис" in text
    # The signed original is untouched, and carries no mark.
    assert page.request.get(f"{base}{link}").body() == original
    draft.refresh_from_db()
    assert draft.status == Document.Status.SIGNED
