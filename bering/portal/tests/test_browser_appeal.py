"""A citizen's appeal from a phone to the answer, in real Chromium (390×844).

Galina signs in to the internet reception with a code from her e-mail, writes
to the Ministry of Health with a file and gets the receipt with the QR code;
Alice registers it; Boris gives a resolution; Vera drafts the answer from her
assignment; the answer is approved, signed and registered (through the
approvals services: their pages have their own browser test); Alice sends it to
the citizen; Galina downloads the answer PDF in her account and opens the
tracking page from the receipt's link: «ответ направлен».
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import weasyprint
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from bering.appeals.models import Appeal
from bering.appeals.tests.conftest import make_citizen
from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.assignments.models import Report
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    """The guides' pictures: ``BERING_SCREENSHOTS=docs/user/img pytest ...``."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def staff_login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_citizen_appeal_from_phone_to_answer(
    browser: Browser, live_server, registrar, head, executor, tmp_path, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BERING_SITE_URL = live_server.url
    base = live_server.url
    doc_type("appeal")
    out_journal = JournalFactory(
        organization=registrar.org, name="Исходящие", flow="outgoing", index="02"
    )
    galina = make_citizen()
    context = browser.new_context(viewport=PHONE, locale="ru-RU", has_touch=True, is_mobile=True)
    phone = context.new_page()

    # Sign in with the one-time code from the e-mail.
    phone.goto(f"{base}/reception/login/")
    phone.locator("input[name=email]").fill(galina.login_email)
    phone.locator("form button[type=submit]").first.click()
    phone.wait_for_url(lambda url: "/login/code/" in url)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    phone.locator("input[name=code]").fill(code)
    phone.locator("form button[type=submit]").click()
    phone.wait_for_url(lambda url: "/login/" not in url)

    # Write to the Ministry of Health with a photo of the problem.
    photo = tmp_path / "справка.pdf"
    photo.write_bytes(weasyprint.HTML(string="<p>Справка из поликлиники</p>").write_pdf())
    phone.goto(f"{base}/reception/write/")
    phone.locator("input[name=q]").fill("здравоохран")
    phone.locator('button[value="find"]').click()
    phone.locator("select[name=organization]").select_option(str(registrar.org.pk))
    phone.locator("textarea[name=text]").fill(
        "Прошу организовать запись к эндокринологу в поликлинике № 3."
    )
    phone.locator("main form input[type=file]").set_input_files(str(photo))
    phone.locator("input[name=consent]").check()
    shot(phone, "reception-write")
    phone.locator('button[value="send"]').click()
    qr = phone.locator("[data-test=qr]")
    expect(qr).to_be_visible()
    tracking_url = phone.locator("[data-test=tracking-url]").inner_text().strip()
    assert "/reception/t/" in tracking_url
    shot(phone, "reception-receipt")
    appeal = Appeal.objects.get(citizen=galina)
    assert appeal.files.count() == 1

    # The registrar registers it from the queue, naming the executor.
    desk = context.browser.new_context(viewport={"width": 820, "height": 1180}, locale="ru-RU")
    tablet = desk.new_page()
    staff_login(tablet, base, "alice")
    tablet.goto(f"{base}/appeals/queue/")
    tablet.locator(f'[data-appeal="{appeal.pk}"] a').click()
    form = tablet.locator("form[data-form=register-appeal]")
    form.locator("select[name=executor]").select_option(str(executor.employee.pk))
    shot(tablet, "appeal-card")
    form.locator('[data-action="register-appeal"]').click()
    expect(tablet.locator('[data-status="registered"]')).to_be_visible()
    appeal.refresh_from_db()
    letter = appeal.document
    assert letter is not None and letter.reg_number.endswith("-ОГ")

    # The head gives a resolution on the registered appeal.
    staff_login(tablet, base, "boris")
    tablet.goto(f"{base}/assignments/document/{letter.pk}/resolution/")
    resolution = tablet.locator("form[data-form=resolution]")
    resolution.locator("textarea[name=text]").fill("Подготовить ответ заявителю")
    resolution.locator("select[name=responsible]").select_option(str(executor.employee.pk))
    resolution.locator("input[name=days]").fill("5")
    resolution.locator('[data-action="save-resolution"]').click()
    tablet.wait_for_url(lambda url: "/resolution/" not in url)

    # The executor reports with the draft of the answer.
    answer_pdf = tmp_path / "ответ.pdf"
    answer_pdf.write_bytes(
        weasyprint.HTML(string="<p>Запись к эндокринологу открыта на 15.12.2026.</p>").write_pdf()
    )
    staff_login(tablet, base, "vera")
    tablet.goto(f"{base}/assignments/document/{letter.pk}/")
    report = tablet.locator("form[data-form=report]")
    report.locator("textarea[name=text]").fill("Проект ответа подготовлен")
    report.locator("select[name=reply_type]").select_option(str(doc_type("outgoing-letter").pk))
    report.locator("input[name=reply_title]").fill("О записи к эндокринологу")
    report.locator("input[name=reply_file]").set_input_files(str(answer_pdf))
    report.locator('[data-action="report"]').click()
    expect(tablet.locator('[data-status="reported"]').first).to_be_visible()
    reply = Report.objects.get().reply
    assert reply is not None and reply.in_reply_to_id == letter.pk

    # Approved (signing stage only), signed by the head, registered.
    reply.signer = head.employee
    reply.save(update_fields=["signer"])
    approvals.approval_start(actor=executor.actor, document=reply, plan=[])
    sign = Visa.objects.get(run__document=reply, kind=Visa.Kind.SIGN)
    approvals.approval_sign(actor=head.actor, visa=sign, password=PASSWORD)
    reply = document_services.document_register(
        actor=registrar.actor, document=Document.objects.get(pk=reply.pk), journal=out_journal
    )

    # The registrar sends the answer to the citizen from the appeal's card.
    staff_login(tablet, base, "alice")
    tablet.goto(f"{base}/appeals/{appeal.pk}/")
    send = tablet.locator("form[data-form=send-answer]")
    send.locator("select[name=answer]").select_option(str(reply.pk))
    send.locator("select[name=result]").select_option("supported")
    send.locator('[data-action="send-answer"]').click()
    expect(tablet.locator('[data-status="answered"]')).to_be_visible()
    shot(tablet, "appeal-answered")

    # The citizen downloads the answer PDF in the account...
    phone.goto(f"{base}/reception/appeals/{appeal.pk}/")
    with phone.expect_download() as download_info:
        phone.locator(f'a[href="/reception/appeals/{appeal.pk}/answer/"]').click()
    path = tmp_path / "answer.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert reply.reg_number in text and "ПОДПИСАН" in text

    # ...and opens the tracking page from the receipt's link: the answer is sent.
    phone.goto(tracking_url)
    expect(phone.locator("body")).to_contain_text("ответ направлен", ignore_case=True)
    expect(phone.locator("body")).to_contain_text(reply.reg_number)
    expect(phone.locator("body")).not_to_contain_text("Гусева")
    shot(phone, "reception-tracking")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    context.close()
    desk.close()
