"""Approval over the API: a replayed decision applies once; the rounds, sheet and schema;
the deprecated old paths answer the same."""

from __future__ import annotations

import pytest

from bering.approvals.models import Visa
from bering.audit.models import AuditEvent
from bering.documents.models import Document
from conftest import PASSWORD

TEMPLATES = "/api/v1/approvals/route-templates/"


@pytest.fixture
def started(draft, executor, lawyer, economist, api_client_for):  # type: ignore[no-untyped-def]
    response = api_client_for(executor).post(
        f"/api/v1/documents/{draft.pk}/rounds",
        {"add": [lawyer.employee.pk, economist.employee.pk]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="start-1",
    )
    assert response.status_code == 201, response.json()
    return draft


def test_replayed_decision_applies_once(started, lawyer, api_client_for) -> None:
    client = api_client_for(lawyer)
    inbox = client.get("/api/v1/approvals/inbox").json()
    assert [item["title"] for item in inbox] == [started.title]
    visa_id = inbox[0]["id"]
    assert inbox[0]["due_explanation"] and inbox[0]["overdue"] is False
    url = f"/api/v1/approvals/visas/{visa_id}/decide"
    first = client.post(url, {"outcome": "agreed"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, {"outcome": "agreed"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(verb="approval.agreed").count() == 1
    # Without the key a second decision is a clear conflict, never a second visa.
    third = client.post(url, {"outcome": "agreed"}, format="json")
    assert third.status_code == 409


def test_comment_required_for_refusal(started, lawyer, api_client_for) -> None:
    visa = Visa.objects.get(approver=lawyer.employee)
    response = api_client_for(lawyer).post(
        f"/api/v1/approvals/visas/{visa.pk}/decide", {"outcome": "rejected"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "comment"


def test_full_round_over_the_api(started, lawyer, economist, head, api_client_for) -> None:
    for persona in (lawyer, economist):
        visa = Visa.objects.get(approver=persona.employee)
        assert (
            api_client_for(persona)
            .post(f"/api/v1/approvals/visas/{visa.pk}/decide", {"outcome": "agreed"}, format="json")
            .status_code
            == 200
        )
    sign = Visa.objects.get(kind="sign")
    signer = api_client_for(head)
    wrong = signer.post(
        f"/api/v1/approvals/visas/{sign.pk}/sign", {"password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    ok = signer.post(
        f"/api/v1/approvals/visas/{sign.pk}/sign",
        {"password": PASSWORD},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sign-1",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "signed"
    started.refresh_from_db()
    assert started.status == Document.Status.SIGNED
    route = signer.get(f"/api/v1/documents/{started.pk}/rounds").json()
    assert route["rounds"][0]["status"] == "signed" and route["holders"] == []
    sheet = signer.get(f"/api/v1/documents/{started.pk}/approval-sheet").json()
    assert sheet["signatures"][0]["sha256"] == started.files.get().stored.sha256
    pdf = signer.get(f"/api/v1/documents/{started.pk}/approval-sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_recall_over_the_api(started, executor, api_client_for) -> None:
    response = api_client_for(executor).post(
        f"/api/v1/documents/{started.pk}/rounds/recall", {}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_route_templates_are_the_organizations(executor, outsider, health, api_client_for):  # type: ignore[no-untyped-def]
    from bering.approvals.models import RouteTemplate

    RouteTemplate.objects.create(organization=health, name="Приказы")
    assert [t["name"] for t in api_client_for(executor).get(f"{TEMPLATES}offered").json()] == [
        "Приказы"
    ]
    assert api_client_for(outsider).get(f"{TEMPLATES}offered").json() == []


def test_schema_documents_the_approval_operations(client, db) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "approvals_inbox",
        "approvals_rounds_retrieve",
        "approvals_rounds_start",
        "approvals_rounds_recall",
        "approvals_decide",
        "approvals_sign",
        "approvals_sheet",
        "approvals_sheet_pdf",
        "approvals_route_templates_offered",
    } <= operations
