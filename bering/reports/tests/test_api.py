"""The report figures as JSON: the same numbers as the pages, the same scopes."""

from __future__ import annotations

import pytest
from django.urls import reverse

QUERY = {"from": "2025-12-01", "to": "2026-01-31"}


def test_visas_as_json(visas, head, now):
    data = head.client().get(reverse("api-report-visas"), QUERY).json()
    rows = {r["name"].split(",")[0]: r for r in data["rows"]}
    assert set(rows) == {"Павлов П.", "Романова Р.", "Борисов Б."}
    pavel = rows["Павлов П."]
    assert (
        pavel["due"],
        pavel["on_time"],
        pavel["overdue"],
        pavel["days_late"],
        pavel["current"],
    ) == (
        3,
        1,
        2,
        3,
        1,
    )
    assert data["total"]["due"] == 6


def test_assignments_by_organization_as_json(assignments, registrar, now):
    registrar.user.is_region_admin = True
    registrar.user.save()
    data = (
        registrar.client()
        .get(reverse("api-report-assignments"), {**QUERY, "group": "organization"})
        .json()
    )
    assert {r["name"]: (r["due"], r["overdue"], r["days_late"]) for r in data["rows"]} == {
        "Минздрав": (4, 3, 4),
        "Минобр": (1, 1, 1),
    }


def test_approval_time_as_json(approvals, head):
    data = (
        head.client()
        .get(reverse("api-report-approval-time"), {"from": "2025-12-01", "to": "2026-02-28"})
        .json()
    )
    agreement = next(t for t in data["types"] if t["code"] == "agreement")
    assert agreement["summary"]["count"] == 3
    assert agreement["summary"]["median"] == 5.5
    assert agreement["normative"] == 3
    assert agreement["bottleneck"] == "Правовое управление"
    assert [m["summary"]["count"] for m in data["months"]] == [0, 3, 1]


def test_executor_gets_own_figures_and_no_approval_time(visas, lawyer, now):
    client = lawyer.client()
    data = client.get(reverse("api-report-visas"), {**QUERY, "group": "organization"}).json()
    assert data["group"] == "executor"
    assert [r["name"].split(",")[0] for r in data["rows"]] == ["Павлов П."]
    assert client.get(reverse("api-report-approval-time")).status_code == 403


@pytest.mark.parametrize("name", ["api-report-visa-items", "api-report-assignment-items"])
def test_items_of_another_organization_are_404(
    name, visas, assignments, lawyer, executor, outsider, head, now
):
    person = lawyer if "visa" in name else executor
    url = reverse(name, args=["executor", person.employee.pk])
    response = outsider.client().get(url, QUERY)
    assert response.status_code == 404
    assert "ПРОСРОЧЕНО" not in response.content.decode()
    owner = head.client().get(url, QUERY)  # positive control
    assert owner.status_code == 200
    assert owner.json()["items"]


def test_bad_filters_are_400(head):
    client = head.client()
    assert client.get(reverse("api-report-visas"), {"from": "вчера"}).status_code == 400
    assert client.get(reverse("api-report-visas"), {"group": "planet"}).status_code == 400
    assert (
        client.get(reverse("api-report-approval-time"), {"org": "99999999999999999999"}).status_code
        == 400
    )
