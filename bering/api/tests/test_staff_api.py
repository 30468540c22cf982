"""Staff of organizations over the API: the list of posts, roles, ending a post, disabling
an account, ending a substitution early; isolation between organizations."""

from __future__ import annotations

import datetime as dt

import pytest

from bering.audit.models import AuditEvent
from bering.core import clock
from bering.orgs.tests.factories import EmployeeFactory, UserFactory
from bering.orgs.tests.staff_fixtures import TODAY

pytestmark = pytest.mark.usefixtures("kamchatka_noon")

ROLES = {"is_registrar": False, "is_head": False, "is_controller": True, "is_org_admin": False}


def test_the_list_is_paged_with_each_rows_actions(org_admin, registrar, head, executor, api):
    response = api(org_admin).get(f"/api/v1/organizations/{registrar.org.pk}/employees?limit=2")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4
    assert len(body["results"]) == 2
    row = body["results"][0]
    assert set(row["actions"]) == {"change_roles", "end_post", "deactivate"}
    assert row["actions"]["change_roles"] is True
    assert row["actions"]["deactivate"] is False


def test_the_list_queries_are_bounded(org_admin, health, api, django_assert_max_num_queries):
    for n in range(40):
        EmployeeFactory(organization=health, user=UserFactory(username=f"q{n}"))
    client = api(org_admin)
    client.get(f"/api/v1/organizations/{health.pk}/employees")
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/organizations/{health.pk}/employees")
    assert len(response.json()["results"]) == 41


def test_roles_change_and_the_event(org_admin, executor, api):
    response = api(org_admin).post(
        f"/api/v1/employees/{executor.employee.pk}/roles", ROLES, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_controller"] is True
    event = AuditEvent.objects.get(verb="employee.roles_changed")
    assert (event.data["before"], event.data["after"]) == ([], ["is_controller"])


def test_the_last_registrar_is_refused_with_the_field(org_admin, registrar, api):
    response = api(org_admin).post(
        f"/api/v1/employees/{registrar.employee.pk}/roles", ROLES, format="json"
    )
    assert response.status_code == 400
    assert "is_registrar" in response.content.decode()
    registrar.employee.refresh_from_db()
    assert registrar.employee.is_registrar


def test_roles_need_all_four_booleans(org_admin, executor, api):
    response = api(org_admin).post(
        f"/api/v1/employees/{executor.employee.pk}/roles", {"is_head": "yes"}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/organizations/{org}/employees"),
        ("post", "/api/v1/employees/{emp}/roles"),
        ("post", "/api/v1/employees/{emp}/end"),
        ("post", "/api/v1/substitutions/{sub}/end"),
    ],
)
def test_another_organization_gets_404(method, path, foreign_admin, executor, substitution, api):
    url = path.format(org=executor.org.pk, emp=executor.employee.pk, sub=substitution.pk)
    client = api(foreign_admin)
    response = client.get(url) if method == "get" else client.post(url, ROLES, format="json")
    assert response.status_code == 404
    executor.employee.refresh_from_db()
    assert executor.employee.is_active and not executor.employee.is_controller
    substitution.refresh_from_db()
    assert substitution.ends_on == TODAY + dt.timedelta(days=10)


def test_a_colleague_without_the_right_gets_403(executor, api):
    response = api(executor).get(f"/api/v1/organizations/{executor.org.pk}/employees")
    assert response.status_code == 403


def test_ending_a_post(org_admin, executor, api):
    response = api(org_admin).post(f"/api/v1/employees/{executor.employee.pk}/end")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    again = api(org_admin).post(f"/api/v1/employees/{executor.employee.pk}/end")
    assert again.status_code == 409


def test_only_a_region_admin_disables_and_never_themselves(org_admin, region_admin, executor, api):
    assert api(org_admin).post(f"/api/v1/users/{executor.user.pk}/deactivate").status_code == 403
    assert api(org_admin).post("/api/v1/users/999999/deactivate").status_code == 403
    own = api(region_admin).post(f"/api/v1/users/{region_admin.user.pk}/deactivate")
    assert own.status_code == 403
    assert api(region_admin).post("/api/v1/users/999999/deactivate").status_code == 404
    response = api(region_admin).post(f"/api/v1/users/{executor.user.pk}/deactivate")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    executor.user.refresh_from_db()
    assert not executor.user.is_active


def test_a_disabled_persons_token_stops_working(region_admin, executor, api):
    theirs = api(executor)
    assert theirs.get("/api/v1/me").status_code == 200
    api(region_admin).post(f"/api/v1/users/{executor.user.pk}/deactivate")
    assert theirs.get("/api/v1/me").status_code == 401


def test_ending_a_substitution_early(org_admin, substitution, api):
    response = api(org_admin).post(
        f"/api/v1/substitutions/{substitution.pk}/end", {"on": TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["ends_on"] == TODAY.isoformat()
    too_early = api(org_admin).post(
        f"/api/v1/substitutions/{substitution.pk}/end",
        {"on": (TODAY - dt.timedelta(days=9)).isoformat()},
        format="json",
    )
    assert too_early.status_code in (400, 409)


def test_ending_a_substitution_defaults_to_today(org_admin, substitution, api):
    response = api(org_admin).post(
        f"/api/v1/substitutions/{substitution.pk}/end", {}, format="json"
    )
    assert response.status_code == 200, response.content
    substitution.refresh_from_db()
    assert substitution.ends_on == substitution.absent.organization.local_today(clock.now())
