"""Every approval page and endpoint, for Oleg of another ministry: 404, no marker, no change.

The routes are classified in ``routes.py``; here each object route gets the
foreign persona (404, same as a missing object) and a positive control.
"""

from __future__ import annotations

import io

import pytest

from bering.approvals import services
from bering.approvals.models import ApprovalRun, Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import make_pdf
from bering.approvals.tests.routes import ROUTE_TEMPLATE_ROUTES, ROUTES
from bering.audit.models import AuditEvent
from bering.documents.services import Upload
from conftest import PASSWORD

MARKER = "МЕТКА-ЧУЖОГО-СОГЛАСОВАНИЯ-5521"
OBJECT_ROUTES = sorted(
    r for r, c in ROUTES.items() if c == "object" and r not in ROUTE_TEMPLATE_ROUTES
)


@pytest.fixture
def foreign(draft, executor, lawyer):  # type: ignore[no-untyped-def]
    draft.title = MARKER
    draft.save(update_fields=["title"])
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name=MARKER, approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(approver=lawyer.employee)
    services.visa_decide(
        actor=lawyer.actor,
        visa=visa,
        outcome="remarks",
        comment=MARKER,
        remark_upload=Upload(name=f"{MARKER}.pdf", stream=io.BytesIO(make_pdf(MARKER))),
    )
    return draft, visa


def _url(route: str, document_id: int, visa_id: int) -> str:
    pk = visa_id if "visas/" in route else document_id
    return "/" + route.replace("<int:pk>", str(pk))


def _state(document) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    document.refresh_from_db()
    return (
        document.status,
        list(Visa.objects.order_by("pk").values_list("status", flat=True)),
        ApprovalRun.objects.count(),
        AuditEvent.objects.count(),
    )


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("route", OBJECT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organization_gets_404(route, method, foreign, outsider) -> None:
    document, visa = foreign
    before = _state(document)
    client = outsider.client()
    url = _url(route, document.pk, visa.pk)
    data = {"outcome": "rejected", "comment": "чужой", "password": PASSWORD, "add": []}
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code in (401, 403, 404, 405), (url, response.status_code)
    assert MARKER.encode() not in _body(response)
    assert _state(document) == before


@pytest.mark.parametrize("route", [r for r in OBJECT_ROUTES if r.startswith("api/")])
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organization_gets_404_over_the_api(
    route, method, foreign, outsider, api_client_for
) -> None:
    document, visa = foreign
    before = _state(document)
    client = api_client_for(outsider)
    url = _url(route, document.pk, visa.pk)
    data = {"outcome": "rejected", "comment": "чужой", "password": PASSWORD}
    response = client.post(url, data, format="json") if method == "post" else client.get(url)
    assert response.status_code in (404, 405), (url, response.status_code)
    assert MARKER.encode() not in _body(response)
    assert _state(document) == before


@pytest.mark.parametrize("route", [r for r in OBJECT_ROUTES if r.startswith("api/")])
def test_owner_reaches_api_routes(route, foreign, executor, api_client_for) -> None:
    document, visa = foreign
    response = api_client_for(executor).get(_url(route, document.pk, visa.pk))
    assert response.status_code in (200, 405), (route, response.status_code)


@pytest.mark.parametrize("route", [r for r in OBJECT_ROUTES if not r.startswith("api/")])
def test_owner_reaches_pages(route, foreign, executor) -> None:
    document, visa = foreign
    response = executor.client().get(_url(route, document.pk, visa.pk))
    assert response.status_code in (200, 405), (route, response.status_code)


def test_inbox_shows_only_own_organization(foreign, outsider, lawyer, economist) -> None:
    assert MARKER not in outsider.client().get("/approvals/").content.decode()
    assert MARKER not in economist.client().get("/approvals/").content.decode()
