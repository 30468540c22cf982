"""Every route-template page and endpoint, for Oleg of another ministry: 404, no marker,
no change. The routes are classified in ``routes.py`` (``ROUTE_TEMPLATE_ROUTES``); the
owner reaching the same URLs is the positive control."""

from __future__ import annotations

import re

import pytest

from bering.approvals import route_templates
from bering.approvals.models import RouteParticipant, RouteStage, RouteTemplate
from bering.approvals.tests.routes import ROUTE_TEMPLATE_ROUTES
from bering.audit.models import AuditEvent

MARKER = "МЕТКА-ЧУЖОГО-ШАБЛОНА-8842"
OBJECT_ROUTES = sorted(r for r, c in ROUTE_TEMPLATE_ROUTES.items() if c == "object")
PAGES = [r for r in OBJECT_ROUTES if not r.startswith("api/")]
API = [r for r in OBJECT_ROUTES if r.startswith("api/")]


@pytest.fixture
def foreign(registrar, lawyer):  # type: ignore[no-untyped-def]
    template = route_templates.route_template_create(actor=registrar.actor, name=MARKER)
    stage = route_templates.route_stage_add(actor=registrar.actor, template=template, name=MARKER)
    participant = route_templates.route_participant_add(
        actor=registrar.actor,
        template=template,
        stage_id=stage.pk,
        kind="employee",
        employee_id=lawyer.employee.pk,
    )
    return template, stage, participant


def _url(route: str, foreign) -> str:  # type: ignore[no-untyped-def]
    template, stage, participant = foreign
    filled = (
        route.replace("<int:pk>", str(template.pk))
        .replace("<int:stage_id>", str(stage.pk))
        .replace("<int:participant_id>", str(participant.pk))
    )
    assert not re.search(r"<\w", filled), filled
    return "/" + filled


def _state() -> tuple[object, ...]:
    return (
        list(RouteTemplate.objects.values_list("name", "is_active", "doc_type")),
        list(RouteStage.objects.values_list("pk", "order", "name", "mode", "days")),
        list(RouteParticipant.objects.values_list("pk", "kind", "employee")),
        AuditEvent.objects.count(),
    )


BODY = {
    "action": "deactivate",
    "name": "Чужое",
    "stage": 1,
    "kind": "org_head",
    "direction": "up",
    "is_active": False,
}


@pytest.mark.parametrize("route", PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organization_gets_404_on_pages(route, method, foreign, outsider) -> None:
    before = _state()
    client = outsider.client()
    url = _url(route, foreign)
    response = client.post(url, BODY) if method == "post" else client.get(url)
    assert response.status_code == 404, (url, response.status_code)
    assert MARKER.encode() not in response.content
    assert _state() == before


@pytest.mark.parametrize("route", API)
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_other_organization_gets_404_over_the_api(
    route, method, foreign, outsider, api_client_for
) -> None:
    before = _state()
    client = api_client_for(outsider)
    url = _url(route, foreign)
    response = getattr(client, method)(
        url, BODY, format="json", HTTP_IDEMPOTENCY_KEY=f"oleg-{method}-{route}"
    )
    assert response.status_code in (404, 405), (url, method, response.status_code)
    if response.status_code == 404:
        assert response.json()["code"] == "not_found"
    assert MARKER.encode() not in response.content
    assert _state() == before


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_owner_reaches_the_same_urls(route, foreign, registrar, api_client_for) -> None:
    client = api_client_for(registrar) if route.startswith("api/") else registrar.client()
    response = client.get(_url(route, foreign))
    assert response.status_code in (200, 405), (route, response.status_code)


def test_lists_show_only_the_own_organization(foreign, outsider, api_client_for) -> None:
    assert MARKER not in outsider.client().get("/approvals/routes/").content.decode()
    assert api_client_for(outsider).get("/api/v1/approvals/route-templates/").json() == []
