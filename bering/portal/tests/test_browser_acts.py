"""A citizen finds the budget act on the public site and checks the PDF, in real Chromium.

The act is written, signed, registered and published through the services (their
pages have their own tests); the citizen, not signed in, opens /acts/ on a phone,
searches «о бюджете», opens the act and downloads the PDF: its SHA-256 is the one
the page shows.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bering.publication import services
from bering.publication.tests.conftest import BUDGET, act_pdf, mark, signed_act

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    """The guide's pictures: ``BERING_SCREENSHOTS=docs/user/img pytest ...``."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_citizen_finds_the_budget_and_downloads_the_pdf_whose_digest_the_page_shows(
    browser: Browser, live_server, registrar, head, executor, tmp_path
) -> None:
    for title, body in (
        (BUDGET, "Утвердить основные характеристики краевого бюджета на 2027 год."),
        ("О мерах поддержки рыболовецких артелей", "Выделить средства артелям."),
    ):
        act = signed_act(executor, head, registrar, title=title, data=act_pdf(title, body))
        mark(executor, act)
        services.publication_publish(actor=registrar.actor, document=act)

    context = browser.new_context(viewport=PHONE, locale="ru-RU", has_touch=True, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{live_server.url}/acts/")
    expect(phone.locator("ul.acts li")).to_have_count(2)
    shot(phone, "publication-list")

    phone.locator("input[name=q]").fill("о бюджете")
    phone.locator("form[role=search] button[type=submit]").click()
    phone.wait_for_url(lambda url: "q=" in url)
    expect(phone.locator("ul.acts li")).to_have_count(1)
    phone.locator("ul.acts li a").click()
    expect(phone.locator("h1")).to_contain_text("Постановление")
    expect(phone.locator("main")).to_contain_text(BUDGET)
    shown = phone.locator("#pdf-sha256").inner_text().strip()
    shot(phone, "publication-act")

    with phone.expect_download() as download_info:
        phone.locator("a.button", has_text="PDF").click()
    path = tmp_path / "act.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == shown
    context.close()
