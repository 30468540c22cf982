"""A draft's whole approval on a tablet, in real Chromium.

Pavel agrees with one tap; Raisa returns the draft with a remark; Vera uploads
a new version and sends it again; Raisa sees what changed and agrees; Boris
signs with his password; Alice registers it and it gets its number. Elements
are found by their ``data-action`` and names, so translations do not matter.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bering.approvals.tests.conftest import create_draft, make_pdf
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INBOX = re.compile(r"/approvals/$")
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"approval-{name}.png"), full_page=True)


def login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def open_task(page: Page, base: str, document: Document) -> None:
    page.goto(f"{base}/approvals/")
    page.locator(f'a[data-action="open-visa"][data-document="{document.pk}"]').click()
    expect(page.locator('[data-test="visa-status"]')).to_be_visible()


def test_draft_is_approved_signed_and_registered_on_a_tablet(
    page: Page, live_server, health, executor, head, registrar, lawyer, economist, tmp_path
) -> None:
    base = live_server.url
    JournalFactory(
        organization=health,
        name="Исходящие",
        flow="outgoing",
        index="02-10",
        template="{index}/{seq}",
    )
    draft = create_draft(executor, head, text="Завоз топлива до 1 октября.")

    # Vera sends her draft to Pavel and Raisa.
    login(page, base, "vera")
    page.goto(f"{base}/documents/{draft.pk}/")
    page.locator('[data-action="approval-route"]').click()
    for person in (lawyer, economist):
        page.locator(f'input[name=add][value="{person.employee.pk}"]').check()
    shot(page, "start")
    page.locator('[data-action="start"]').click()
    expect(page.locator('[data-test="document-status"]')).to_have_attribute(
        "data-status", "on_approval"
    )

    # Pavel agrees with one tap.
    login(page, base, "pavel")
    open_task(page, base, draft)
    expect(page.locator('[data-test="due-explanation"]')).to_contain_text("рабоч")
    shot(page, "decide")
    page.locator('[data-action="agree"]').click()
    expect(page.locator(f'a[data-document="{draft.pk}"]')).to_have_count(0)

    # Raisa returns it with a remark.
    login(page, base, "raisa")
    open_task(page, base, draft)
    page.locator("textarea[name=comment]").fill("Укажите объём топлива в тоннах.")
    page.locator('[data-action="reject"]').click()
    expect(page).to_have_url(INBOX)
    draft.refresh_from_db()
    assert draft.status == Document.Status.REWORK

    # Vera uploads a new version and sends the draft again.
    login(page, base, "vera")
    page.goto(f"{base}/approvals/documents/{draft.pk}/")
    expect(page.get_by_text("Укажите объём топлива в тоннах.")).to_be_visible()
    new_version = tmp_path / "проект-v2.pdf"
    new_version.write_bytes(make_pdf("Завоз топлива до 1 октября: 350 тонн."))
    page.locator('[data-test="upload-form"] input[name=file]').set_input_files(str(new_version))
    page.locator('[data-action="upload"]').click()
    expect(page).to_have_url(re.compile(rf"/documents/{draft.pk}/$"))
    page.goto(f"{base}/approvals/documents/{draft.pk}/")
    for person in (lawyer, economist):
        page.locator(f'input[name=add][value="{person.employee.pk}"]').check()
    page.locator('[data-action="start"]').click()
    expect(page.locator('[data-test="round"][data-round="2"]')).to_be_visible()

    # Raisa sees what changed since her visa, and agrees.
    login(page, base, "raisa")
    open_task(page, base, draft)
    expect(page.locator('[data-test="changed-file"]')).to_contain_text("1 → 2")
    expect(page.locator('[data-test="diff"]')).to_contain_text("350 тонн")
    shot(page, "changes")
    page.locator('[data-action="agree"]').click()
    expect(page).to_have_url(INBOX)
    login(page, base, "pavel")
    open_task(page, base, draft)
    page.locator('[data-action="agree"]').click()
    expect(page).to_have_url(INBOX)

    # Boris signs with his password.
    login(page, base, "boris")
    open_task(page, base, draft)
    page.locator('[data-test="sign-form"] input[name=password]').fill(PASSWORD)
    shot(page, "sign")
    page.locator('[data-action="sign"]').click()
    expect(page.locator('[data-test="document-status"]')).to_have_attribute("data-status", "signed")

    # Alice registers it: the document gets its number.
    login(page, base, "alice")
    page.goto(f"{base}/approvals/documents/{draft.pk}/")
    page.locator('[data-action="register"]').click()
    expect(page.locator(".big-number")).to_have_text("№ 02-10/1")
    draft.refresh_from_db()
    assert draft.status == Document.Status.REGISTERED and draft.reg_number == "02-10/1"
    page.goto(f"{base}/approvals/documents/{draft.pk}/sheet/")
    expect(page.locator('[data-test="signature"]')).to_contain_text(
        draft.files.order_by("-version").first().stored.sha256
    )  # type: ignore[union-attr]
    shot(page, "sheet")
