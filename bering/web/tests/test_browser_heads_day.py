"""The head's day in real Chromium, on a tablet (820×1180) and a phone (390×844).

Vera's DOCX draft went to Boris for a visa; he did not agree. Vera uploads a new
version and starts round 2 from the pre-filled route (the rework of defect 1).
Boris lands on «Ждут моего решения», opens the draft and reads its text on the
screen, sees the words changed since his visa, agrees in one tap, signs, and
confirms a draft resolution whose shown term is the term he gets.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from bering.approvals import services as approvals
from bering.approvals.models import ApprovalRun, Visa
from bering.assignments import services as assignments
from bering.assignments.models import Assignment
from bering.assignments.tests.factories import spec
from bering.documents import services as documents
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.files import samples
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"tablet": {"width": 820, "height": 1180}, "phone": {"width": 390, "height": 844}}
BEFORE = "Завезти 300 тонн угля в с. Никольское до 15 декабря."
AFTER = "Завезти 350 тонн угля в с. Никольское до 10 декабря."


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    # Polls the address: a boosted sign-in changes it without a full page load.
    expect(page).not_to_have_url(re.compile(r"/login/"), timeout=60_000)


def _docx(body: str) -> documents.Upload:
    return documents.Upload(
        name="О завозе топлива.docx", stream=io.BytesIO(samples.make_docx("О завозе топлива", body))
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_heads_day(browser: Browser, live_server, size, head, executor, registrar) -> None:
    base = live_server.url
    context = browser.new_context(
        viewport=SIZES[size], locale="ru-RU", timezone_id="Asia/Kamchatka", has_touch=True
    )
    page = context.new_page()

    # Round 1: Boris does not agree.
    draft = documents.document_create(
        actor=executor.actor,
        card=documents.Card(
            doc_type=doc_type("outgoing-letter"), title="О завозе топлива", signer=head.employee
        ),
        flow="outgoing",
        uploads=[_docx(BEFORE)],
    )
    approvals.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
    )
    first = Visa.objects.get(run__document=draft, approver=head.employee, kind=Visa.Kind.VISA)
    approvals.visa_decide(
        actor=head.actor, visa=first, outcome="rejected", comment="Уточните объём"
    )

    # Vera: a new version, and round 2 from the pre-filled route (Boris kept).
    documents.document_file_add(
        actor=executor.actor,
        document=Document.objects.get(pk=draft.pk),
        upload=_docx(AFTER),
        replaces_slot=1,
    )
    sign_in(page, base, "vera")
    page.goto(f"{base}/approvals/documents/{draft.pk}/")
    start = page.locator('[data-action="start"]').locator("xpath=ancestor::form")
    expect(start.locator('[data-test="from-previous"]')).to_be_visible()
    expect(start.locator(f'input[name=keep][value="{head.employee.pk}"]')).to_be_checked()
    with page.expect_response(lambda r: "/start/" in r.url):
        start.locator('[data-action="start"]').click()
    assert ApprovalRun.objects.filter(document=draft).count() == 2, page.locator(
        ".messages"
    ).all_inner_texts()
    assert ApprovalRun.objects.filter(document=draft).count() == 2
    assert Visa.objects.filter(
        run__document=draft, run__round=2, approver=head.employee, kind=Visa.Kind.VISA
    ).exists()

    # A draft resolution waits for Boris too.
    letter = documents.document_register_incoming(
        actor=registrar.actor,
        card=documents.Card(
            doc_type=doc_type("incoming-letter"),
            title="О подготовке к отопительному сезону",
            correspondent="Администрация Елизовского района",
            correspondent_number="12",
            correspondent_date=dt.date(2026, 11, 20),
        ),
        journal=JournalFactory(organization=registrar.org),
    )
    resolution = assignments.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, days=5),
        author=head.employee,
    )

    # Boris lands on «Ждут моего решения».
    # A browser of his own: a fresh context, so nothing of Vera's session (a late
    # response setting another CSRF cookie) can race his sign-in.
    context.close()
    context = browser.new_context(
        viewport=SIZES[size], locale="ru-RU", timezone_id="Asia/Kamchatka", has_touch=True
    )
    page = context.new_page()
    sign_in(page, base, "boris")
    expect(page).to_have_url(f"{base}/desk/")
    expect(page.locator('[data-desk="visa"]')).to_have_count(1)
    expect(page.locator('[data-desk="resolution"]')).to_have_count(1)
    page.locator('[data-desk="visa"] a').click()

    # He reads the DOCX's text on the screen and sees what changed since his visa.
    expect(page.locator("body")).to_contain_text("Завезти 350 тонн угля")
    expect(page.locator("[data-test=diff] ins").first).to_contain_text("350")
    expect(page.locator("[data-test=diff] del").first).to_contain_text("300")
    assert "@@" not in page.content()
    page.locator('[data-action="agree"]').click()
    expect(page.locator(".msg.success")).to_contain_text("Согласовано")

    # Then signs it.
    page.goto(f"{base}/desk/")
    page.locator('[data-desk="sign"] a').click()
    page.locator('[data-test="sign-form"] input[type=password]').fill(PASSWORD)
    page.locator('[data-action="sign"]').click()
    expect(page.locator(".msg.success")).to_be_visible()
    assert Document.objects.get(pk=draft.pk).status == Document.Status.SIGNED

    # And confirms the draft resolution: the term shown is the term he gets.
    page.goto(f"{base}/desk/")
    page.locator('[data-desk="resolution"] a').click()
    card = page.locator(f'[data-resolution="{resolution.pk}"]')
    shown = re.search(r"срок (\d\d\.\d\d\.\d{4})", card.inner_text()).group(1)
    card.locator('[data-action="confirm"]').click()
    expect(page.locator(f'[data-resolution="{resolution.pk}"]')).to_have_count(0)
    due = Assignment.objects.get(resolution=resolution, role="responsible").due_at
    assert due.astimezone(registrar.org.tz).strftime("%d.%m.%Y") == shown
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], width
    context.close()
