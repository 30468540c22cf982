"""A region administrator on a tablet reads the dashboard, filters to agreements,
sees the bottleneck stage and downloads the XLSX (real Chromium)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_region_admin_finds_the_bottleneck_of_agreements(
    page: Page, live_server, approvals, visas, assignments, registrar, tmp_path
) -> None:
    registrar.user.is_region_admin = True
    registrar.user.save()
    page.goto(f"{live_server.url}/login/")
    page.locator("input[name=username]").fill("alice")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.goto(f"{live_server.url}/reports/")
    filters = page.locator("[data-test=report-filters]")
    expect(filters).to_be_visible()

    filters.locator("input[name=from]").fill("2025-12-01")
    filters.locator("input[name=to]").fill("2026-02-28")
    filters.locator("select[name=type]").select_option("agreement")
    filters.locator("[data-action=apply-filters]").click()

    card = page.locator("[data-doc-type=agreement]")
    expect(card).to_have_attribute("data-bottleneck", "Правовое управление")
    expect(card.locator("[data-sentence]")).to_contain_text("Правовое управление")
    expect(card.locator("[data-people]")).to_contain_text("Павлов")
    expect(page.locator("[data-figure=approval-count]")).to_have_text("4")
    assert "type=agreement" in page.url
    assert page.locator("svg.chart").count() >= 2
    shot(page, "reports-dashboard")

    page.locator("[data-report=approval-time] h2 a").click()
    expect(page.locator("table[data-table=approval-stages]")).to_be_visible()
    shot(page, "reports-approval-time")
    with page.expect_download() as info:
        page.locator("[data-export=xlsx]").click()
    download = info.value
    assert download.suggested_filename == "approval-time.xlsx"
    path = tmp_path / "approval-time.xlsx"
    download.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    types = {r[0]: r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert types["Соглашение"][1] == 4  # the region: three of Минздрав, one of Минобр
    assert types["Соглашение"][7] == "Правовое управление"
