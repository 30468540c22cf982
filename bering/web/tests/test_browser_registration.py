"""A registrar on a tablet registers an incoming letter with its scan (real Chromium)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import weasyprint
from playwright.sync_api import Page, expect

from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_registrar_registers_incoming_letter_on_tablet(
    page: Page, live_server, registrar, health, tmp_path
) -> None:
    doc_type("incoming-letter")  # transactional tests start from an empty table
    JournalFactory(organization=health, name="Входящие", index="01-15", template="{index}/{seq}")
    scan = tmp_path / "письмо-алеутский-мо.pdf"
    scan.write_bytes(
        weasyprint.HTML(
            string="<h1>Администрация Алеутского муниципального округа</h1>"
            "<p>О завозе топлива в с. Никольское</p>"
        ).write_pdf()
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Логин").fill("alice")
    page.get_by_label("Пароль").fill(PASSWORD)
    shot(page, "login")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Мои документы")).to_be_visible()

    page.get_by_role("link", name="Зарегистрировать входящий").first.click()
    expect(page.get_by_role("heading", name="Регистрация входящего документа")).to_be_visible()
    page.get_by_label("Корреспондент").fill("Администрация Алеутского муниципального округа")
    page.get_by_label("Их номер").fill("125-ОД")
    page.get_by_label("Их дата").fill("2026-11-20")
    page.get_by_label("Краткое содержание").fill("О завозе топлива в с. Никольское")
    page.get_by_label("Скан (PDF)").set_input_files(str(scan))
    shot(page, "register-incoming")
    page.get_by_role("button", name="Зарегистрировать").click()

    expect(page.get_by_text("Зарегистрирован: № 01-15/1")).to_be_visible()
    expect(page.locator(".big-number")).to_have_text("№ 01-15/1")
    # The text comes first; the page images open on demand and are real pictures.
    expect(page.locator('[data-test="doc-text"]')).to_contain_text("Никольское")
    page.locator('[data-test="page-images"] summary').click()
    preview = page.locator('[data-test="page-images"] img').first
    expect(preview).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    shot(page, "document-card")
    doc = Document.objects.get()
    assert doc.reg_number == "01-15/1"
    assert doc.registered_by_id == registrar.employee.pk
