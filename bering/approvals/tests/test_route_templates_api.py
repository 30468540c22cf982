"""Keeping route templates over the API: a retried write applies once; Vera's draft
then starts along the template; the rules answer 400, 403 and 404 like the pages."""

from __future__ import annotations

from bering.approvals.models import RouteStage, RouteTemplate, Visa
from bering.audit.models import AuditEvent

BASE = "/api/v1/approvals/route-templates/"


def test_a_route_kept_over_the_api_is_used_to_start_approval(
    registrar, executor, lawyer, economist, draft, api_client_for
) -> None:
    client = api_client_for(registrar)
    first = client.post(BASE, {"name": "Проекты НПА"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    again = client.post(BASE, {"name": "Проекты НПА"}, format="json", HTTP_IDEMPOTENCY_KEY="t-1")
    assert first.status_code == again.status_code == 201, first.json()
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert RouteTemplate.objects.count() == 1
    assert AuditEvent.objects.filter(verb="route.created").count() == 1
    template = first.json()
    assert template["is_active"] and template["doc_type"] is None and template["stages"] == []
    url = f"{BASE}{template['id']}"

    stage_add = client.post(
        f"{url}/stages",
        {"name": "Экономисты"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="s-1",
    )
    assert stage_add.status_code == 201
    replayed = client.post(
        f"{url}/stages", {"name": "Экономисты"}, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert replayed.json() == stage_add.json()
    body = client.post(
        f"{url}/stages",
        {"name": "Юристы", "mode": "sequential", "days": 2},
        format="json",
        HTTP_IDEMPOTENCY_KEY="s-2",
    ).json()
    assert [(s["order"], s["name"]) for s in body["stages"]] == [(1, "Экономисты"), (2, "Юристы")]
    economists, lawyers = (s["id"] for s in body["stages"])
    moved = client.post(
        f"{url}/stages/{lawyers}/move",
        {"direction": "up"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="m-1",
    )
    assert moved.status_code == 200
    assert [s["name"] for s in moved.json()["stages"]] == ["Юристы", "Экономисты"]
    added = client.post(
        f"{url}/stages/{lawyers}/participants",
        {"kind": "position", "position": lawyer.employee.position_id},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert added.status_code == 201
    assert added.json()["stages"][0]["participants"][0]["position"] == {
        "id": lawyer.employee.position_id,
        "name": lawyer.employee.position.name,
    }
    client.post(
        f"{url}/stages/{economists}/participants",
        {"kind": "employee", "employee": economist.employee.pk},
        format="json",
    )
    changed = client.patch(
        f"{url}/stages/{economists}",
        {"days": 3},
        format="json",
        HTTP_IDEMPOTENCY_KEY="e-1",
    )
    assert changed.json()["stages"][1] | {"participants": []} == {
        "id": economists,
        "order": 2,
        "name": "Экономисты",
        "mode": "parallel",
        "days": 3,
        "participants": [],
    }
    renamed = client.patch(url, {"name": "НПА"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert renamed.json()["name"] == "НПА" and renamed.json()["is_active"] is True
    assert [t["name"] for t in client.get(BASE).json()] == ["НПА"]
    assert client.get(url).json() == renamed.json()

    # Vera sends her draft along it.
    author = api_client_for(executor)
    assert [t["name"] for t in author.get(f"{BASE}offered").json()] == ["НПА"]
    started = author.post(
        f"/api/v1/documents/{draft.pk}/rounds",
        {"template": template["id"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="start-1",
    )
    assert started.status_code == 201, started.json()
    stages = started.json()["rounds"][0]["stages"]
    assert [(s["name"], [v["approver"]["id"] for v in s["visas"]]) for s in stages[:2]] == [
        ("Юристы", [lawyer.employee.pk]),
        ("Экономисты", [economist.employee.pk]),
    ]
    assert Visa.objects.filter(kind="visa").count() == 2


def test_removing_and_switching_off_over_the_api(registrar, lawyer, api_client_for) -> None:
    client = api_client_for(registrar)
    template = client.post(BASE, {"name": "Письма"}, format="json").json()
    url = f"{BASE}{template['id']}"
    stage = client.post(f"{url}/stages", {"name": "Юристы"}, format="json").json()["stages"][0]
    body = client.post(
        f"{url}/stages/{stage['id']}/participants",
        {"kind": "employee", "employee": lawyer.employee.pk},
        format="json",
    ).json()
    participant = body["stages"][0]["participants"][0]
    assert participant["who"] == lawyer.user.display_name
    gone = client.delete(
        f"{url}/stages/{stage['id']}/participants/{participant['id']}",
        HTTP_IDEMPOTENCY_KEY="d-1",
    )
    assert gone.status_code == 200 and gone.json()["stages"][0]["participants"] == []
    replay = client.delete(
        f"{url}/stages/{stage['id']}/participants/{participant['id']}",
        HTTP_IDEMPOTENCY_KEY="d-1",
    )
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(verb="route.participant_removed").count() == 1
    assert client.delete(f"{url}/stages/{stage['id']}").json()["stages"] == []
    off = client.patch(url, {"is_active": False, "doc_type": None}, format="json")
    assert off.json()["is_active"] is False
    assert client.get(f"{BASE}offered").json() == []
    # A multipart form without is_active leaves it as it is.
    kept = client.patch(url, {"name": "Письма министра"}, format="multipart")
    assert kept.json()["is_active"] is False and kept.json()["name"] == "Письма министра"


def test_the_rules_answer_like_the_pages(
    registrar, executor, outsider, education, api_client_for
) -> None:
    client = api_client_for(registrar)
    template = client.post(BASE, {"name": "Приказы"}, format="json").json()
    url = f"{BASE}{template['id']}"
    taken = client.post(BASE, {"name": "Приказы"}, format="json")
    assert taken.status_code == 400 and taken.json()["field"] == "name"
    assert "Приказы" in taken.json()["detail"]
    assert (
        client.post(f"{url}/stages", {"name": "Этап", "days": 31}, format="json").status_code == 400
    )
    stage = client.post(f"{url}/stages", {"name": "Этап"}, format="json").json()["stages"][0]
    missing = client.post(
        f"{url}/stages/{stage['id']}/participants", {"kind": "dept_head"}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["field"] == "department"
    foreign = client.post(
        f"{url}/stages/{stage['id']}/participants",
        {"kind": "employee", "employee": outsider.employee.pk},
        format="json",
    )
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    # A blank name or mode sent in a form is refused, not taken as "not sent".
    blank = client.patch(url, {"name": ""}, format="multipart")
    assert blank.status_code == 400 and blank.json()["field"] == "name"
    blank_mode = client.patch(f"{url}/stages/{stage['id']}", {"mode": ""}, format="multipart")
    assert blank_mode.status_code == 400 and blank_mode.json()["field"] == "mode"
    other = client.post(BASE, {"name": "Другой"}, format="json").json()
    wrong_stage = client.patch(f"{BASE}{other['id']}/stages/{stage['id']}", {"name": "Х"})
    assert wrong_stage.status_code == 404

    vera = api_client_for(executor)
    assert vera.get(url).status_code == 200
    assert vera.post(BASE, {"name": "Мой"}, format="json").status_code == 403
    assert vera.patch(url, {"name": "Мой"}, format="json").status_code == 403
    assert vera.delete(f"{url}/stages/{stage['id']}").status_code == 403
    assert RouteStage.objects.filter(pk=stage["id"]).exists()

    oleg = api_client_for(outsider)
    assert oleg.get(BASE).json() == []
    assert oleg.get(url).status_code == 404
    assert oleg.patch(url, {"name": "Чужой"}, format="json").status_code == 404


def test_schema_documents_the_route_operations(client, db) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/schema/?format=json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "approvals_route_templates_list",
        "approvals_route_templates_create",
        "approvals_route_templates_retrieve",
        "approvals_route_templates_update",
        "approvals_route_templates_stage_add",
        "approvals_route_templates_stage_update",
        "approvals_route_templates_stage_remove",
        "approvals_route_templates_stage_move",
        "approvals_route_templates_participant_add",
        "approvals_route_templates_participant_remove",
    } <= operations
