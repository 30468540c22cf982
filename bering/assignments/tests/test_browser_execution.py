"""The whole execution story on tablets, in real Chromium.

Alice registers an incoming letter and prepares a draft resolution; Boris, the
head, confirms it in one tap on his tablet; Vera reports with a reply draft;
the reply is approved, signed and registered (approval through its services),
and Alice sends it to the Ministry of Education, whose registrar Oleg
registers it; Alice sees "registered, № ...".
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import weasyprint
from playwright.sync_api import Page, expect

from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.assignments import services
from bering.assignments.models import Report, Resolution
from bering.assignments.tests.factories import spec
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange.models import Delivery
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def test_letter_to_answer_registered_by_the_addressee(
    page: Page, live_server, registrar, head, executor, controller, outsider, tmp_path
) -> None:
    base = live_server.url
    doc_type("incoming-letter")
    JournalFactory(organization=registrar.org, name="Входящие", index="01-15")
    out_journal = JournalFactory(
        organization=registrar.org, name="Исходящие", flow="outgoing", index="02"
    )
    JournalFactory(organization=outsider.org, name="Входящие Минобра", index="05")
    scan = weasyprint.HTML(string="<p>О завозе топлива в с. Никольское</p>").write_pdf()
    letter = document_services.document_register_incoming(
        actor=registrar.actor,
        card=document_services.Card(
            doc_type=doc_type("incoming-letter"),
            title="О завозе топлива в с. Никольское",
            correspondent="Министерство образования Камчатского края",
            correspondent_number="125-ОД",
            correspondent_date=dt.date(2026, 11, 20),
        ),
        journal=registrar.org.journals.get(name="Входящие"),
        uploads=[document_services.Upload(name="скан.pdf", stream=io.BytesIO(scan))],
    )
    draft = services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, controller=controller.employee, text="Подготовить ответ"),
        author=head.employee,
    )

    # The head confirms the draft in one tap on the tablet screen.
    login(page, base, "boris")
    page.goto(f"{base}/assignments/head/")
    card = page.locator(f'[data-resolution="{draft.pk}"]')
    expect(card).to_be_visible()
    card.locator('[data-action="confirm"]').click()
    expect(page.locator(f'[data-resolution="{draft.pk}"]')).to_have_count(0)
    assert Resolution.objects.get(pk=draft.pk).status == Resolution.Status.ACTIVE

    # The executor reports with a reply draft.
    reply_pdf = tmp_path / "ответ.pdf"
    reply_pdf.write_bytes(weasyprint.HTML(string="<p>Ответ о завозе топлива</p>").write_pdf())
    login(page, base, "vera")
    page.goto(f"{base}/assignments/")
    row = page.locator("[data-list=mine] [data-assignment]")
    expect(row).to_have_count(1)
    page.goto(f"{base}/assignments/document/{letter.pk}/")
    form = page.locator("form[data-form=report]")
    form.locator("textarea[name=text]").fill("Проект ответа подготовлен")
    form.locator("select[name=reply_type]").select_option(str(doc_type("outgoing-letter").pk))
    form.locator("input[name=reply_title]").fill("О завозе топлива")
    form.locator("input[name=reply_file]").set_input_files(str(reply_pdf))
    form.locator('[data-action="report"]').click()
    expect(page.locator('[data-status="reported"]').first).to_be_visible()
    reply = Report.objects.get().reply
    assert reply is not None and reply.in_reply_to_id == letter.pk

    # Approval, signing and registration of the reply (through the approvals services).
    run = approvals.approval_start(
        actor=executor.actor,
        document=reply,
        plan=[approvals.StagePlan(name="Согласование", approver_ids=(controller.employee.pk,))],
    )
    visa = Visa.objects.get(run=run, approver=controller.employee, kind=Visa.Kind.VISA)
    approvals.visa_decide(actor=controller.actor, visa=visa, outcome="agreed")
    sign = Visa.objects.get(run=run, kind=Visa.Kind.SIGN)
    approvals.approval_sign(actor=head.actor, visa=sign, password=PASSWORD)
    reply = document_services.document_register(
        actor=registrar.actor, document=Document.objects.get(pk=reply.pk), journal=out_journal
    )

    # The registrar sends it to the Ministry of Education.
    login(page, base, "alice")
    page.goto(f"{base}/documents/{reply.pk}/")
    page.locator("[data-link=delivery]").click()
    send = page.locator("form[data-form=send]")
    send.locator(f'input[name=addressees][value="{outsider.org.pk}"]').check()
    send.locator('[data-action="send"]').click()
    expect(page.locator('[data-status="delivered"]')).to_have_count(1)

    # Their registrar registers it from the queue.
    login(page, base, "oleg")
    page.goto(f"{base}/exchange/")
    delivery = Delivery.objects.get()
    page.locator(f'[data-delivery="{delivery.pk}"] a').click()
    register = page.locator("form[data-form=register-delivery]")
    register.locator("select[name=journal]").select_option(label="Входящие Минобра")
    register.locator("select[name=doc_type]").select_option(str(doc_type("incoming-letter").pk))
    register.locator('[data-action="register-delivery"]').click()
    page.wait_for_url(lambda url: "/documents/" in url)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.REGISTERED
    expect(page.locator(".big-number")).to_have_text(f"№ {delivery.their_number}")

    # The sender sees "registered, № ...".
    login(page, base, "alice")
    page.goto(f"{base}/exchange/document/{reply.pk}/")
    expect(page.locator('[data-status="registered"] [data-their-number]')).to_contain_text(
        f"№ {delivery.their_number}"
    )
