"""A head on a tablet turns the second factor on, signs out and signs in with a code
(real Chromium)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from bering.accounts.tests.test_twofactor import code_for
from bering.orgs.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BERING_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login/")
    page.locator("input[name=username]").fill("boris")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()


def test_head_turns_on_the_second_factor_and_signs_in_with_a_code(
    page: Page, live_server, head
) -> None:
    sign_in(page, live_server.url)
    page.locator("details.who summary").click()
    page.get_by_role("link", name="Безопасность входа").click()
    expect(page.locator("[data-state=off]")).to_be_visible()
    page.get_by_role("button", name="Включить второй фактор").click()
    expect(page.locator("[data-test=qr] svg")).to_be_visible()
    shot(page, "security-setup")
    device = TOTPDevice.objects.get(user=head.user, confirmed=False)
    page.locator("input[name=code]").fill(code_for(device))
    page.get_by_role("button", name="Включить второй фактор").click()
    expect(page.locator("[data-state=on]")).to_be_visible()

    page.locator("details.who summary").click()
    page.get_by_role("button", name="Выйти").click()
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Код из приложения")).to_be_visible()
    shot(page, "login-code")
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Войти").click()
    expect(page.locator("[data-test=code-error]")).to_contain_text("Неверный код")
    device.refresh_from_db()
    device.throttle_reset()
    page.locator("input[name=code]").fill(code_for(device, steps_ahead=1))
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{live_server.url}/desk/")  # a head lands on his desk
