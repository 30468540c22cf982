"""A registrar finds a letter by a word that is only in the text layer of its scan."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import weasyprint
from playwright.sync_api import Page, expect

from bering.documents import services
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.tests.factories import PASSWORD
from bering.web.tests.test_browser_registration import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_finds_a_letter_by_a_word_inside_its_scan(
    page: Page, live_server, registrar, health
) -> None:
    journal = JournalFactory(organization=health, name="Входящие", index="01-15")
    scan = weasyprint.HTML(
        string="<h1>Акт осмотра</h1><p>При осмотре обнаружена течь кровли спортивного зала "
        "школы в с. Мильково.</p>"
    ).write_pdf()
    # Registered through the service: the task backend of the tests is immediate, so the
    # scan's text is extracted and indexed as soon as the registration commits.
    letter = services.document_register_incoming(
        actor=registrar.actor,
        card=services.Card(
            doc_type=doc_type("incoming-letter"),
            title="О ремонте школы",
            correspondent="Администрация Мильковского муниципального округа",
            correspondent_number="77-ОД",
            correspondent_date=dt.date(2026, 11, 25),
        ),
        journal=journal,
        uploads=[services.Upload(name="акт.pdf", stream=io.BytesIO(scan))],
    )
    other = services.document_register_incoming(
        actor=registrar.actor,
        card=services.Card(
            doc_type=doc_type("incoming-letter"),
            title="О ремонте дороги",
            correspondent="Администрация Мильковского муниципального округа",
            correspondent_number="78-ОД",
            correspondent_date=dt.date(2026, 11, 25),
        ),
        journal=journal,
    )
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Логин").fill("alice")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()

    box = page.locator("form.search input[name=q]")
    box.fill("течи кровли")
    box.press("Enter")
    hits = page.locator("[data-hit]")
    expect(hits).to_have_count(1)
    expect(hits.first).to_have_attribute("data-hit", str(letter.pk))
    expect(hits.first.locator(".snippet mark").first).to_have_text("течь")
    shot(page, "search")
    hits.first.click()
    expect(page.locator(".big-number")).to_have_text(f"№ {letter.reg_number}")

    page.goto(f"{live_server.url}/documents/search/?q=ремонт")
    expect(page.locator("[data-hit]")).to_have_count(2)
    page.goto(f"{live_server.url}/documents/search/?q=ремонт+течь")
    expect(page.locator("[data-hit]")).to_have_count(1)
    assert other.pk != letter.pk
