"""The pages for keeping route templates, without a browser.

Alice (registrar) builds a two-stage route on the pages; Vera (executor) then sends
her draft along it and sees Pavel and Raisa as approvers. A refused change shows
the page again with a 400 and everything typed; Vera may read but not change.
"""

from __future__ import annotations

import re

import pytest

from bering.approvals.models import ApprovalRun, RouteParticipant, RouteStage, RouteTemplate, Visa
from bering.audit.models import AuditEvent
from bering.documents.models import Document


def new_template(client, name: str = "Проекты НПА") -> RouteTemplate:  # type: ignore[no-untyped-def]
    response = client.post("/approvals/routes/", {"name": name, "doc_type": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    template = RouteTemplate.objects.get(name=name)
    assert response["Location"] == f"/approvals/routes/{template.pk}/"
    return template


def act(client, template: RouteTemplate, change: str, **data):  # type: ignore[no-untyped-def]
    """Post one change to its own URL, e.g. ``stages/3/move-up/``."""
    return client.post(f"/approvals/routes/{template.pk}/{change}", data)


def test_a_two_stage_route_built_on_the_pages_is_used_to_start_approval(
    registrar, executor, lawyer, economist, draft
) -> None:
    client = registrar.client()
    inbox = client.get("/approvals/").content.decode()
    assert 'data-action="route-templates"' in inbox
    template = new_template(client)
    page = client.get(f"/approvals/routes/{template.pk}/")
    assert page.status_code == 200 and b'data-test="stage-form"' in page.content
    for name in ("Экономисты", "Юристы"):
        assert act(client, template, "stages/add/", name=name, mode="parallel").status_code == 302
    economists, lawyers = RouteStage.objects.filter(template=template).order_by("order")
    # The lawyers go first: move their stage up.
    assert act(client, template, f"stages/{lawyers.pk}/move-up/").status_code == 302
    assert (
        act(
            client,
            template,
            f"stages/{lawyers.pk}/change/",
            name="Правовой отдел",
            mode="sequential",
            days="2",
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            template,
            "participants/add/",
            stage=lawyers.pk,
            kind="position",
            position=lawyer.employee.position_id,
        ).status_code
        == 302
    )
    assert (
        act(
            client,
            template,
            "participants/add/",
            stage=economists.pk,
            kind="employee",
            employee=economist.employee.pk,
        ).status_code
        == 302
    )
    lawyers.refresh_from_db()
    assert (lawyers.order, lawyers.name, lawyers.mode, lawyers.days) == (
        1,
        "Правовой отдел",
        "sequential",
        2,
    )
    page = client.get(f"/approvals/routes/{template.pk}/").content.decode()
    assert page.index("Правовой отдел") < page.index("Экономисты")
    assert lawyer.user.display_name in page  # who holds the position now
    assert page.count('data-test="participant"') == 2
    listing = client.get("/approvals/routes/").content.decode()
    assert "Проекты НПА" in listing and "1. Правовой отдел → 2. Экономисты" in listing

    # Vera sends her draft along the template and sees who approves.
    author = executor.client()
    route_page = author.get(f"/approvals/documents/{draft.pk}/?template={template.pk}")
    assert "Проекты НПА" in route_page.content.decode()
    response = author.post(
        f"/approvals/documents/{draft.pk}/start/",
        {"template": template.pk, "keep": [lawyer.employee.pk, economist.employee.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_APPROVAL
    run = ApprovalRun.objects.get(document=draft)
    assert run.template_id == template.pk
    assert [
        (v.stage.order, v.stage.name, v.approver_id)
        for v in Visa.objects.filter(run=run, kind="visa").select_related("stage")
    ] == [(1, "Правовой отдел", lawyer.employee.pk), (2, "Экономисты", economist.employee.pk)]
    shown = author.get(f"/approvals/documents/{draft.pk}/").content.decode()
    assert lawyer.user.display_name in shown and economist.user.display_name in shown


def test_a_refused_change_shows_the_page_again_with_what_was_typed(registrar, health) -> None:
    client = registrar.client()
    template = new_template(client, "Приказы")
    events = AuditEvent.objects.count()

    again = client.post("/approvals/routes/", {"name": "Приказы"})
    assert again.status_code == 400
    assert "Приказы" in again.content.decode() and 'class="errorlist' in again.content.decode()

    too_long = act(client, template, "stages/add/", name="Экономисты", mode="sequential", days="45")
    body = too_long.content.decode()
    assert too_long.status_code == 400
    assert 'value="Экономисты"' in body and 'value="45"' in body
    assert re.search(r'<option value="sequential" selected>', body)

    act(client, template, "stages/add/", name="Юристы", mode="parallel")
    stage = RouteStage.objects.get(template=template)
    events = AuditEvent.objects.count()
    missing = act(client, template, "participants/add/", stage=stage.pk, kind="employee")
    assert missing.status_code == 400
    assert f'<option value="{stage.pk}" selected>' in missing.content.decode()
    assert '<option value="employee" selected>' in missing.content.decode()

    bad_edit = act(client, template, f"stages/{stage.pk}/change/", name="", mode="parallel")
    assert bad_edit.status_code == 400 and "<details open>" in bad_edit.content.decode()

    # The page itself takes no change, and a change's URL takes no GET.
    assert act(client, template, "", action="stage_remove", stage=stage.pk).status_code == 405
    assert (
        client.get(f"/approvals/routes/{template.pk}/stages/{stage.pk}/remove/").status_code == 405
    )
    assert AuditEvent.objects.count() == events
    assert not RouteParticipant.objects.exists()
    assert list(RouteStage.objects.values_list("name", flat=True)) == ["Юристы"]


def test_switching_off_hides_the_template_from_authors(registrar, executor, draft) -> None:
    client = registrar.client()
    template = new_template(client, "Старый маршрут")
    assert act(client, template, "switch-off/").status_code == 302
    template.refresh_from_db()
    assert not template.is_active
    assert (
        "Старый маршрут"
        not in executor.client().get(f"/approvals/documents/{draft.pk}/").content.decode()
    )
    assert (
        'data-action="activate"' in client.get(f"/approvals/routes/{template.pk}/").content.decode()
    )
    assert act(client, template, "switch-on/").status_code == 302
    template.refresh_from_db()
    assert template.is_active
    history = client.get(f"/approvals/routes/{template.pk}/").content.decode()
    assert history.count("<li>", history.index('data-test="route-history"')) >= 3


def test_an_executor_reads_the_routes_but_cannot_change_them(registrar, executor) -> None:
    template = new_template(registrar.client(), "Приказы")
    act(registrar.client(), template, "stages/add/", name="Юристы", mode="parallel")
    client = executor.client()
    assert 'data-action="route-templates"' not in client.get("/approvals/").content.decode()
    listing = client.get("/approvals/routes/")
    assert listing.status_code == 200 and "Приказы" in listing.content.decode()
    assert b'data-test="template-form"' not in listing.content
    page = client.get(f"/approvals/routes/{template.pk}/")
    assert page.status_code == 200 and "Юристы" in page.content.decode()
    assert b"<form" not in page.content.split(b'<main id="main">')[1]
    assert client.post("/approvals/routes/", {"name": "Мой"}).status_code == 403
    stage = RouteStage.objects.get()
    for change, data in (
        (f"stages/{stage.pk}/remove/", {}),
        ("rename/", {"name": "Моё"}),
        ("switch-off/", {}),
    ):
        assert act(client, template, change, **data).status_code == 403
    template.refresh_from_db()
    assert template.name == "Приказы" and template.is_active and RouteStage.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizations_template_page_is_not_found(registrar, outsider, method) -> None:
    template = new_template(registrar.client(), "МЕТКА-ЧУЖОГО-МАРШРУТА")
    client = outsider.client()
    url = f"/approvals/routes/{template.pk}/"
    response = client.post(url, {"action": "deactivate"}) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert "МЕТКА-ЧУЖОГО-МАРШРУТА" not in response.content.decode()
    assert "МЕТКА-ЧУЖОГО-МАРШРУТА" not in client.get("/approvals/routes/").content.decode()
    template.refresh_from_db()
    assert template.is_active


def test_the_list_page_costs_the_same_queries_for_any_number_of_templates(
    registrar, lawyer, economist
) -> None:
    """Templates, stages and participants come prefetched: the count does not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for i in range(n):
            template = RouteTemplate.objects.create(
                organization=registrar.employee.organization,
                name=f"Маршрут {RouteTemplate.objects.count()} {i}",
            )
            for order, person in enumerate((lawyer, economist), start=1):
                stage = RouteStage.objects.create(
                    template=template, order=order, name=f"Этап {order}"
                )
                RouteParticipant.objects.create(
                    stage=stage, kind=RouteParticipant.Kind.EMPLOYEE, employee=person.employee
                )

    client = registrar.client()
    add(2)
    client.get("/approvals/routes/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/approvals/routes/").status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/approvals/routes/")
    assert page.content.decode().count("Маршрут ") >= 8
    assert len(many.captured_queries) == len(few.captured_queries) <= 15


def test_the_template_page_names_todays_people_in_a_fixed_number_of_queries(
    registrar, lawyer, economist
) -> None:
    """Who holds a position or heads a department is found for all participants at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    template = RouteTemplate.objects.create(
        organization=registrar.employee.organization, name="Много участников"
    )
    stage = RouteStage.objects.create(template=template, order=1, name="Все")
    client = registrar.client()

    def add_participants(n: int) -> None:
        for _ in range(n):
            for person in (lawyer, economist):
                RouteParticipant.objects.create(
                    stage=stage,
                    order=stage.participants.count() + 1,
                    kind=RouteParticipant.Kind.POSITION,
                    position=person.employee.position,
                )

    add_participants(1)
    client.get(f"/approvals/routes/{template.pk}/")
    with CaptureQueriesContext(connection) as few:
        first = client.get(f"/approvals/routes/{template.pk}/")
    add_participants(3)
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/approvals/routes/{template.pk}/")
    assert first.status_code == page.status_code == 200
    assert lawyer.employee.user.last_name in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_each_change_has_its_own_url(registrar, lawyer) -> None:
    """Rename, move a stage down, remove a participant and a stage: one URL each."""
    client = registrar.client()
    template = new_template(client, "Письма")
    for name in ("Первый", "Второй"):
        assert act(client, template, "stages/add/", name=name, mode="parallel").status_code == 302
    first, second = RouteStage.objects.filter(template=template).order_by("order")
    add = act(
        client,
        template,
        "participants/add/",
        stage=first.pk,
        kind="employee",
        employee=lawyer.employee.pk,
    )
    assert add.status_code == 302
    participant = RouteParticipant.objects.get(stage=first)

    refused = act(client, template, "rename/", name="  ", doc_type="")
    assert refused.status_code == 400
    assert "<details open>" in refused.content.decode()
    # Shown at the change's URL: the page's links must lead back to the page itself.
    assert f'href="/approvals/routes/{template.pk}/?stage={first.pk}#participant"' in (
        refused.content.decode()
    )
    assert act(client, template, "rename/", name="Письма граждан").status_code == 302

    moved = act(client, template, f"stages/{first.pk}/move-down/")
    assert moved.status_code == 302 and moved["Location"] == f"/approvals/routes/{template.pk}/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)

    removed = act(client, template, f"stages/{first.pk}/participants/{participant.pk}/remove/")
    assert removed.status_code == 302 and not RouteParticipant.objects.exists()
    assert act(client, template, f"stages/{second.pk}/remove/").status_code == 302
    template.refresh_from_db()
    assert template.name == "Письма граждан"
    assert list(RouteStage.objects.values_list("name", "order")) == [("Первый", 1)]
    page = client.get(f"/approvals/routes/{template.pk}/").content.decode()
    assert f'action="/approvals/routes/{template.pk}/stages/{first.pk}/remove/"' in page
