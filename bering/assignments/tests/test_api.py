"""The API of execution: the story over tokens, idempotent taps, and isolation."""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import bearer
from bering.assignments.models import Assignment, Resolution
from bering.assignments.tests.factories import MARKER, incoming
from bering.audit.models import AuditEvent
from bering.documents.tests.factories import doc_type

pytestmark = pytest.mark.django_db


def test_draft_confirm_report_accept_over_the_api(registrar, head, executor, controller):
    letter = incoming(registrar)
    body = {
        "text": MARKER,
        "responsible": executor.employee.pk,
        "controller": controller.employee.pk,
        "term_kind": "working",
        "days": 5,
        "draft_for": head.employee.pk,
    }
    created = bearer(registrar.user).post(
        f"/api/v1/documents/{letter.pk}/resolutions", body, format="json"
    )
    assert created.status_code == 201, created.json()
    draft_id = created.json()["id"]
    boss = bearer(head.user)
    drafts = boss.get("/api/v1/resolutions/drafts").json()
    assert [d["id"] for d in drafts] == [draft_id]
    first = boss.post(f"/api/v1/resolutions/{draft_id}/confirm", HTTP_IDEMPOTENCY_KEY="tap-1")
    again = boss.post(f"/api/v1/resolutions/{draft_id}/confirm", HTTP_IDEMPOTENCY_KEY="tap-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(verb="resolution.issued").count() == 1
    assert Resolution.objects.get().status == "active"

    vera = bearer(executor.user)
    (mine,) = vera.get("/api/v1/assignments/mine").json()
    assert mine["due_explanation"] and mine["overdue"] is False
    reported = vera.post(
        f"/api/v1/assignments/{mine['id']}/report",
        {"text": "Готово", "reply_type": doc_type("outgoing-letter").pk, "reply_title": "Ответ"},
        format="json",
    )
    assert reported.status_code == 201, reported.json()
    (on_control,) = bearer(controller.user).get("/api/v1/assignments/control").json()
    accepted = bearer(controller.user).post(
        f"/api/v1/reports/{on_control['pending_report']}/accept", {"note": "Принято"}
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "closed"


@pytest.fixture
def world(registrar, head, executor):
    from bering.assignments import services
    from bering.assignments.tests.factories import issued

    letter = incoming(registrar)
    resolution = issued(head, letter, executor.employee)
    item = resolution.assignments.get()
    report = services.report_submit(actor=executor.actor, assignment=item, text=MARKER)
    services.report_return(actor=head.actor, report=report, note="ещё")
    report = services.report_submit(actor=executor.actor, assignment=item, text=MARKER)
    ext = services.extension_request(
        actor=executor.actor,
        assignment=item,
        new_date=item.due_at.date().replace(year=item.due_at.year + 1),
        reason=MARKER,
    )
    return {
        "document": letter.pk,
        "resolution": resolution.pk,
        "assignment": item.pk,
        "report": report.pk,
        "extension": ext.pk,
    }


URLS = [
    ("get", "/api/v1/documents/{document}/resolutions"),
    ("post", "/api/v1/documents/{document}/resolutions"),
    ("post", "/api/v1/resolutions/{resolution}/confirm"),
    ("post", "/api/v1/resolutions/{resolution}/return"),
    ("post", "/api/v1/assignments/{assignment}/cascade"),
    ("post", "/api/v1/assignments/{assignment}/report"),
    ("post", "/api/v1/assignments/{assignment}/extension"),
    ("post", "/api/v1/reports/{report}/accept"),
    ("post", "/api/v1/reports/{report}/return"),
    ("post", "/api/v1/extensions/{extension}/decide"),
]


@pytest.mark.parametrize(("method", "url"), URLS)
def test_outsider_gets_404(world, outsider, method, url):
    before = (
        list(Assignment.objects.values_list("status", "due_at")),
        AuditEvent.objects.count(),
    )
    client = bearer(outsider.user)
    target = url.format(**world)
    body = {"note": "x", "grant": True, "text": "x", "new_date": "2099-01-01", "reason": "x"}
    response = client.post(target, body, format="json") if method == "post" else client.get(target)
    assert response.status_code == 404, (target, response.status_code, response.content)
    assert MARKER.encode() not in response.content
    after = (
        list(Assignment.objects.values_list("status", "due_at")),
        AuditEvent.objects.count(),
    )
    assert after == before


@pytest.mark.parametrize(
    "url", ["/api/v1/assignments/mine", "/api/v1/assignments/control", "/api/v1/resolutions/drafts"]
)
def test_outsider_lists_are_empty(world, outsider, url):
    response = bearer(outsider.user).get(url)
    assert response.status_code == 200 and response.json() == []
