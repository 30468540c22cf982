"""Alice sets up a route template on a tablet, in real Chromium.

From «На согласование» to the templates, a new template, two stages, a
participant each, the second stage moved first; a mistyped number of days is
shown back with its message. Elements are found by ``data-action`` and names.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bering.approvals.models import RouteStage, RouteTemplate
from bering.approvals.tests.test_browser_approval import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registrar_sets_up_a_route_on_a_tablet(
    page: Page, live_server, registrar, lawyer, economist
) -> None:
    base = live_server.url
    login(page, base, "alice")
    page.goto(f"{base}/approvals/")
    page.locator('[data-action="route-templates"]').click()
    expect(page).to_have_url(re.compile(r"/approvals/routes/$"))
    form = page.locator('[data-test="template-form"]')
    form.locator("input[name=name]").fill("Проекты приказов")
    form.locator('[data-action="template-create"]').click()
    expect(page).to_have_url(re.compile(r"/approvals/routes/\d+/$"))

    stage_form = page.locator('[data-test="stage-form"]')
    stage_form.locator("input[name=name]").fill("Экономисты")
    stage_form.locator('[data-action="stage-add"]').click()
    stage_form.locator("input[name=name]").fill("Юристы")
    stage_form.locator("select[name=mode]").select_option("sequential")
    stage_form.locator("input[name=days]").fill("2")
    stage_form.locator('[data-action="stage-add"]').click()
    expect(page.locator('[data-test="stage"]')).to_have_count(2)

    page.locator('[data-test="stage"][data-order="2"] [data-action="stage-up"]').click()
    expect(page.locator('[data-test="stage"][data-order="1"] h3')).to_contain_text("Юристы")

    participant = page.locator('[data-test="participant-form"]')
    participant.locator("select[name=stage]").select_option(label="1. Юристы")
    participant.locator("select[name=kind]").select_option("position")
    participant.locator('[data-action="participant-add"]').click()
    # Refused with its message (no position chosen); what was chosen is still there.
    expect(participant.locator(".errorlist")).to_be_visible()
    expect(participant.locator("select[name=kind]")).to_have_value("position")
    participant.locator("select[name=position]").select_option(label=lawyer.employee.position.name)
    participant.locator('[data-action="participant-add"]').click()
    page.locator('[data-test="stage"][data-order="2"] [data-action="participant-choose"]').click()
    participant.locator("select[name=kind]").select_option("employee")
    participant.locator("select[name=employee]").select_option(value=str(economist.employee.pk))
    participant.locator('[data-action="participant-add"]').click()
    expect(page.locator('[data-test="participant"]')).to_have_count(2)
    shot(page, "route-template")

    template = RouteTemplate.objects.get(name="Проекты приказов")
    assert list(
        RouteStage.objects.filter(template=template)
        .order_by("order")
        .values_list("name", "days", "participants__kind")
    ) == [("Юристы", 2, "position"), ("Экономисты", None, "employee")]
