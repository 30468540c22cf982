"""The old approvals paths (before decision 0007, "API names") still answer, deprecated.

Each old path is a subclass of the canonical view: it answers the same, and the schema
describes it with its old operation id, ``deprecated: true`` and the same request and
responses as the canonical operation.
"""

from __future__ import annotations

from typing import Any

import pytest

from bering.approvals.models import RouteTemplate

OLD = "/api/v1/approvals/routes"
NEW = "/api/v1/approvals/route-templates/"

# old path: (canonical path, {method: (old operation id, canonical operation id)})
ALIASES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "/api/v1/approvals/route-templates": (
        "/api/v1/approvals/route-templates/offered",
        {"get": ("approvals_route_templates", "approvals_route_templates_offered")},
    ),
    "/api/v1/documents/{id}/approval": (
        "/api/v1/documents/{id}/rounds",
        {"get": ("approvals_route", "approvals_rounds_retrieve")},
    ),
    "/api/v1/documents/{id}/approval/start": (
        "/api/v1/documents/{id}/rounds",
        {"post": ("approvals_start", "approvals_rounds_start")},
    ),
    "/api/v1/documents/{id}/approval/recall": (
        "/api/v1/documents/{id}/rounds/recall",
        {"post": ("approvals_recall", "approvals_rounds_recall")},
    ),
    "/api/v1/approvals/routes": (
        "/api/v1/approvals/route-templates/",
        {
            "get": ("approvals_routes_list", "approvals_route_templates_list"),
            "post": ("approvals_routes_create", "approvals_route_templates_create"),
        },
    ),
    "/api/v1/approvals/routes/{id}": (
        "/api/v1/approvals/route-templates/{id}",
        {
            "get": ("approvals_routes_get", "approvals_route_templates_retrieve"),
            "patch": ("approvals_routes_update", "approvals_route_templates_update"),
        },
    ),
    "/api/v1/approvals/routes/{id}/stages": (
        "/api/v1/approvals/route-templates/{id}/stages",
        {"post": ("approvals_routes_stage_add", "approvals_route_templates_stage_add")},
    ),
    "/api/v1/approvals/routes/{id}/stages/{stage_id}": (
        "/api/v1/approvals/route-templates/{id}/stages/{stage_id}",
        {
            "patch": ("approvals_routes_stage_update", "approvals_route_templates_stage_update"),
            "delete": ("approvals_routes_stage_remove", "approvals_route_templates_stage_remove"),
        },
    ),
    "/api/v1/approvals/routes/{id}/stages/{stage_id}/move": (
        "/api/v1/approvals/route-templates/{id}/stages/{stage_id}/move",
        {"post": ("approvals_routes_stage_move", "approvals_route_templates_stage_move")},
    ),
    "/api/v1/approvals/routes/{id}/stages/{stage_id}/participants": (
        "/api/v1/approvals/route-templates/{id}/stages/{stage_id}/participants",
        {
            "post": (
                "approvals_routes_participant_add",
                "approvals_route_templates_participant_add",
            )
        },
    ),
    "/api/v1/approvals/routes/{id}/stages/{stage_id}/participants/{participant_id}": (
        "/api/v1/approvals/route-templates/{id}/stages/{stage_id}/participants/{participant_id}",
        {
            "delete": (
                "approvals_routes_participant_remove",
                "approvals_route_templates_participant_remove",
            )
        },
    ),
}


def _same_contract(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in operation.items()
        if k not in {"operationId", "deprecated", "description", "summary"}
    }


def test_each_alias_is_deprecated_in_the_schema_with_the_canonical_contract(
    client: Any, db: None
) -> None:
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for old, (new, methods) in ALIASES.items():
        assert set(paths[old]) - {"parameters"} == set(methods), old
        for method, (old_id, new_id) in methods.items():
            alias, canonical = paths[old][method], paths[new][method]
            assert (alias["operationId"], alias.get("deprecated")) == (old_id, True), old
            assert (canonical["operationId"], canonical.get("deprecated")) == (new_id, None), new
            assert _same_contract(alias) == _same_contract(canonical), (old, method)
            assert alias["description"].startswith("Deprecated: use"), old


@pytest.mark.parametrize("old", [False, True], ids=["canonical", "deprecated"])
def test_each_alias_answers_as_the_canonical_path(  # type: ignore[no-untyped-def]
    old, registrar, executor, lawyer, draft, api_client_for
) -> None:
    """The same story along the canonical and the old paths gives the same answers."""
    list_url, base = (OLD, f"{OLD}/") if old else (NEW, NEW)
    rounds = f"/api/v1/documents/{draft.pk}/" + ("approval" if old else "rounds")
    start = f"{rounds}/start" if old else rounds
    offered = "/api/v1/approvals/route-templates" + ("" if old else "/offered")
    keeper = api_client_for(registrar)

    created = keeper.post(list_url, {"name": "Письма"}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    assert created.status_code == 201, created.json()
    url = f"{base}{created.json()['id']}"
    assert keeper.get(url).json() == created.json()
    assert keeper.get(list_url).json() == [created.json()]
    renamed = keeper.patch(url, {"name": "Письма министра"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Письма министра"
    first = keeper.post(f"{url}/stages", {"name": "Юристы"}, format="json")
    assert first.status_code == 201
    second = keeper.post(f"{url}/stages", {"name": "Экономисты"}, format="json").json()
    stage_id = second["stages"][1]["id"]
    moved = keeper.post(f"{url}/stages/{stage_id}/move", {"direction": "up"}, format="json")
    assert [s["name"] for s in moved.json()["stages"]] == ["Экономисты", "Юристы"]
    changed = keeper.patch(f"{url}/stages/{stage_id}", {"days": 2}, format="json")
    assert changed.json()["stages"][0]["days"] == 2
    added = keeper.post(
        f"{url}/stages/{stage_id}/participants",
        {"kind": "employee", "employee": lawyer.employee.pk},
        format="json",
    )
    assert added.status_code == 201
    participant_id = added.json()["stages"][0]["participants"][0]["id"]
    removed = keeper.delete(f"{url}/stages/{stage_id}/participants/{participant_id}")
    assert removed.json()["stages"][0]["participants"] == []
    gone = keeper.delete(f"{url}/stages/{stage_id}")
    assert [s["name"] for s in gone.json()["stages"]] == ["Юристы"]
    assert keeper.get(url).json() == gone.json()

    author = api_client_for(executor)
    assert [t["name"] for t in author.get(offered).json()] == ["Письма министра"]
    started = author.post(start, {"add": [lawyer.employee.pk]}, format="json")
    assert started.status_code == 201, started.json()
    assert author.get(rounds).json() == started.json()
    recalled = author.post(f"{rounds}/recall", {"reason": "Не тот файл"}, format="json")
    assert recalled.status_code == 200 and recalled.json()["status"] == "draft"
    assert author.get(rounds).json() == recalled.json()
    if old:  # an old path takes only the methods it took before
        assert author.post(rounds, {}, format="json").status_code == 405
        assert author.get(start).status_code == 405
    assert RouteTemplate.objects.count() == 1
