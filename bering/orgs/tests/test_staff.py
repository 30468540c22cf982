"""The staff page and its services: roles of posts, ending a post, disabling an account,
ending a substitution early. Every change audited; rights checked through one getter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from bering.accounts.models import ApiToken
from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.orgs import permissions, selectors, services
from bering.orgs.models import Employee, Substitution
from bering.orgs.tests.factories import EmployeeFactory, PositionFactory, UserFactory
from bering.orgs.tests.staff_fixtures import TODAY

pytestmark = pytest.mark.usefixtures("kamchatka_noon")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def roles(employee, **changes):
    base = {role: getattr(employee, role) for role in services.ROLES}
    base.update(changes)
    return base


# --- services -------------------------------------------------------------------------------


def test_org_admin_changes_roles_and_the_event_keeps_before_and_after(org_admin, executor):
    changed = services.employee_roles_change(
        actor=org_admin.actor,
        employee=executor.employee,
        **roles(executor.employee, is_controller=True, is_registrar=True),
    )
    changed.refresh_from_db()
    assert (changed.is_registrar, changed.is_controller, changed.is_head) == (True, True, False)
    event = AuditEvent.objects.get(verb="employee.roles_changed")
    assert event.object_id == executor.employee.pk
    assert event.organization_id == executor.org.pk
    assert event.data["before"] == []
    assert event.data["after"] == ["is_registrar", "is_controller"]
    chain_verify()  # raises on a broken chain


def test_nothing_changed_writes_nothing(org_admin, executor):
    services.employee_roles_change(
        actor=org_admin.actor, employee=executor.employee, **roles(executor.employee)
    )
    assert not AuditEvent.objects.filter(verb="employee.roles_changed").exists()


def test_an_org_admin_may_give_the_org_admin_role(org_admin, executor):
    services.employee_roles_change(
        actor=org_admin.actor,
        employee=executor.employee,
        **roles(executor.employee, is_org_admin=True),
    )
    executor.employee.refresh_from_db()
    assert executor.employee.is_org_admin


@pytest.mark.parametrize("who", ["executor", "head", "foreign_admin"])
def test_only_administrators_of_the_organization_change_roles(who, request, registrar, controller):
    actor = request.getfixturevalue(who).actor
    with pytest.raises(Forbidden):
        services.employee_roles_change(
            actor=actor, employee=controller.employee, **roles(controller.employee, is_head=True)
        )
    controller.employee.refresh_from_db()
    assert not controller.employee.is_head
    assert not AuditEvent.objects.filter(verb="employee.roles_changed").exists()


def test_a_region_admin_changes_roles_anywhere(region_admin, controller):
    services.employee_roles_change(
        actor=region_admin.actor,
        employee=controller.employee,
        **roles(controller.employee, is_controller=False),
    )
    controller.employee.refresh_from_db()
    assert not controller.employee.is_controller


@pytest.mark.parametrize("role", ["is_registrar", "is_head"])
def test_the_last_registrar_or_head_keeps_the_role(role, org_admin, registrar, head):
    holder = registrar if role == "is_registrar" else head
    with pytest.raises(ValidationFailed) as caught:
        services.employee_roles_change(
            actor=org_admin.actor,
            employee=holder.employee,
            **roles(holder.employee, **{role: False}),
        )
    assert caught.value.field == role
    assert "left without" in str(caught.value.message)
    holder.employee.refresh_from_db()
    assert getattr(holder.employee, role)


def test_the_role_moves_once_another_holds_it(org_admin, registrar, executor):
    services.employee_roles_change(
        actor=org_admin.actor,
        employee=executor.employee,
        **roles(executor.employee, is_registrar=True),
    )
    services.employee_roles_change(
        actor=org_admin.actor,
        employee=registrar.employee,
        **roles(registrar.employee, is_registrar=False),
    )
    registrar.employee.refresh_from_db()
    assert not registrar.employee.is_registrar


def test_a_disabled_or_ended_holder_does_not_count(org_admin, region_admin, registrar, executor):
    second = EmployeeFactory(organization=registrar.org, is_registrar=True)
    services.person_deactivate(actor=region_admin.actor, user=second.user)
    with pytest.raises(ValidationFailed):
        services.employee_roles_change(
            actor=org_admin.actor,
            employee=registrar.employee,
            **roles(registrar.employee, is_registrar=False),
        )
    # The disabled person's own role may go: they count for nothing already.
    second.refresh_from_db()
    services.employee_roles_change(
        actor=org_admin.actor, employee=second, **roles(second, is_registrar=False)
    )


def test_ending_a_post_ends_its_substitutions(org_admin, executor, controller, head):
    begun = Substitution.objects.create(
        absent=executor.employee,
        substitute=controller.employee,
        starts_on=TODAY - dt.timedelta(days=3),
        ends_on=TODAY + dt.timedelta(days=3),
    )
    future = Substitution.objects.create(
        absent=head.employee,
        substitute=executor.employee,
        starts_on=TODAY + dt.timedelta(days=5),
        ends_on=TODAY + dt.timedelta(days=9),
    )
    services.employee_end(actor=org_admin.actor, employee=executor.employee)
    executor.employee.refresh_from_db()
    assert not executor.employee.is_active
    begun.refresh_from_db()
    assert begun.ends_on == TODAY - dt.timedelta(days=1)
    assert not Substitution.objects.filter(pk=future.pk).exists()
    assert AuditEvent.objects.filter(verb="employee.ended", object_id=executor.employee.pk).exists()
    assert AuditEvent.objects.filter(verb="substitution.ended").count() == 2
    with pytest.raises(Conflict):
        services.employee_end(actor=org_admin.actor, employee=executor.employee)


def test_the_last_head_post_does_not_end(org_admin, head):
    with pytest.raises(ValidationFailed):
        services.employee_end(actor=org_admin.actor, employee=head.employee)
    head.employee.refresh_from_db()
    assert head.employee.is_active


def test_a_region_admin_disables_an_account(region_admin, executor):
    ApiToken.objects.create(user=executor.user, key_hash="x" * 64, name="t")
    services.person_deactivate(actor=region_admin.actor, user=executor.user)
    executor.user.refresh_from_db()
    assert not executor.user.is_active
    assert not ApiToken.objects.filter(user=executor.user).exists()
    assert AuditEvent.objects.filter(verb="user.deactivated", object_id=executor.user.pk).exists()
    with pytest.raises(Conflict):
        services.person_deactivate(actor=region_admin.actor, user=executor.user)


def test_nobody_disables_themselves_and_org_admins_not_at_all(region_admin, org_admin, executor):
    with pytest.raises(Forbidden, match="your own"):
        services.person_deactivate(actor=region_admin.actor, user=region_admin.user)
    with pytest.raises(Forbidden):
        services.person_deactivate(actor=org_admin.actor, user=executor.user)
    executor.user.refresh_from_db()
    assert executor.user.is_active


def test_row_flags(org_admin, region_admin, executor):
    mine = permissions.staff_actions_for(org_admin.actor, executor.employee)
    assert (mine.change_roles, mine.end_post, mine.deactivate) == (True, True, False)
    regional = permissions.staff_actions_for(region_admin.actor, executor.employee)
    assert (regional.change_roles, regional.end_post, regional.deactivate) == (True, True, True)
    own = permissions.staff_actions_for(region_admin.actor, region_admin.employee)
    assert own.deactivate is False
    plain = permissions.staff_actions_for(executor.actor, executor.employee)
    assert (plain.change_roles, plain.end_post, plain.deactivate) == (False, False, False)


def test_the_getter(org_admin, foreign_admin, executor, health):
    assert selectors.organization_get_for_staff(org_admin.actor, health.pk) == health
    from bering.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.organization_get_for_staff(foreign_admin.actor, health.pk)
    with pytest.raises(Forbidden):
        selectors.organization_get_for_staff(executor.actor, health.pk)
    with pytest.raises(NotFound):
        selectors.organization_get_for_staff(org_admin.actor, 10**9)


# --- pages ----------------------------------------------------------------------------------


def url(org, *rest):
    return "/orgs/{}/{}".format(org.pk, "".join(f"{p}/" for p in rest))


def test_the_page_lists_posts_with_the_rows_flags(org_admin, executor, registrar):
    page = org_admin.client().get(url(registrar.org, "staff"))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-employee="{executor.employee.pk}"' in body
    assert 'data-action="roles"' in body
    assert 'data-action="deactivate"' not in body  # region administrators only
    assert 'data-link="staff"' in body


def test_a_region_admin_sees_the_disable_button(region_admin, executor):
    body = region_admin.client().get(url(executor.org, "staff")).content.decode()
    assert 'data-action="deactivate"' in body


@pytest.mark.parametrize("path", [("staff",), ("staff", "EMP", "roles"), ("staff", "EMP", "end")])
def test_an_admin_of_another_organization_gets_404(path, foreign_admin, executor):
    parts = [str(executor.employee.pk) if p == "EMP" else p for p in path]
    client = foreign_admin.client()
    target = url(executor.org, *parts)
    response = client.post(target, {"is_head": "on"}) if len(parts) > 1 else client.get(target)
    assert response.status_code == 404
    executor.employee.refresh_from_db()
    assert executor.employee.is_active and not executor.employee.is_head


def test_a_colleague_without_the_right_gets_403(executor):
    assert executor.client().get(url(executor.org, "staff")).status_code == 403
    assert executor.client().get("/orgs/staff/").status_code == 403
    assert 'data-link="staff"' not in executor.client().get("/documents/").content.decode()


def test_a_post_of_another_organization_is_404_under_ones_own(org_admin, outsider, registrar):
    response = org_admin.client().post(
        url(registrar.org, "staff", outsider.employee.pk, "roles"), {"is_head": "on"}
    )
    assert response.status_code == 404


def test_saving_roles_redirects_back_to_the_same_page(org_admin, executor):
    response = org_admin.client().post(
        url(executor.org, "staff", executor.employee.pk, "roles") + "?page=1",
        {"is_controller": "on"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/staff/?page=1")
    executor.employee.refresh_from_db()
    assert executor.employee.is_controller


def test_a_refusal_is_a_400_with_the_reason_at_the_row_and_the_input_kept(org_admin, registrar):
    response = org_admin.client().post(
        url(registrar.org, "staff", registrar.employee.pk, "roles"),
        {"is_controller": "on", "is_org_admin": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    row = body.split(f'data-employee="{registrar.employee.pk}"')[1].split("</li>")[0]
    assert 'data-test="row-error"' in row
    assert 'name="is_registrar" checked' not in row
    assert 'name="is_controller" checked' in row
    assert 'name="is_org_admin" checked' in row
    registrar.employee.refresh_from_db()
    assert registrar.employee.is_registrar and not registrar.employee.is_controller


def test_ending_a_post_on_the_page(org_admin, executor):
    response = org_admin.client().post(url(executor.org, "staff", executor.employee.pk, "end"))
    assert response.status_code == 302
    executor.employee.refresh_from_db()
    assert not executor.employee.is_active


def test_disabling_asks_first_then_disables(region_admin, executor):
    client = region_admin.client()
    target = url(executor.org, "staff", executor.employee.pk, "deactivate")
    confirm = client.get(target)
    assert confirm.status_code == 200
    assert 'data-action="confirm-deactivate"' in confirm.content.decode()
    executor.user.refresh_from_db()
    assert executor.user.is_active
    assert client.post(target).status_code == 302
    executor.user.refresh_from_db()
    assert not executor.user.is_active


def test_an_org_admin_cannot_disable(org_admin, executor):
    target = url(executor.org, "staff", executor.employee.pk, "deactivate")
    assert org_admin.client().get(target).status_code == 403
    assert org_admin.client().post(target).status_code == 403
    executor.user.refresh_from_db()
    assert executor.user.is_active


def test_ending_a_substitution_early_on_the_page(org_admin, substitution):
    page = org_admin.client().get(url(substitution.absent.organization, "staff"))
    body = page.content.decode()
    assert f'data-substitution="{substitution.pk}"' in body
    assert f'value="{TODAY.isoformat()}"' in body  # the default: today
    response = org_admin.client().post(
        url(substitution.absent.organization, "substitutions", substitution.pk, "end"),
        {"on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    substitution.refresh_from_db()
    assert substitution.ends_on == TODAY
    assert AuditEvent.objects.filter(verb="substitution.ended", object_id=substitution.pk).exists()


def test_a_refused_end_keeps_the_typed_date(org_admin, substitution):
    typed = (TODAY - dt.timedelta(days=5)).isoformat()  # before it starts
    response = org_admin.client().post(
        url(substitution.absent.organization, "substitutions", substitution.pk, "end"),
        {"on": typed},
    )
    assert response.status_code == 400
    row = response.content.decode().split(f'data-substitution="{substitution.pk}"')[1]
    assert 'data-test="row-error"' in row.split("</li>")[0]
    assert f'value="{typed}"' in row
    bad = org_admin.client().post(
        url(substitution.absent.organization, "substitutions", substitution.pk, "end"),
        {"on": "31.02.2026"},
    )
    assert bad.status_code == 400
    assert 'value="31.02.2026"' in bad.content.decode()
    substitution.refresh_from_db()
    assert substitution.ends_on == TODAY + dt.timedelta(days=10)


def test_a_foreign_admin_cannot_end_a_substitution(foreign_admin, substitution):
    response = foreign_admin.client().post(
        url(substitution.absent.organization, "substitutions", substitution.pk, "end"),
        {"on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    substitution.refresh_from_db()
    assert substitution.ends_on == TODAY + dt.timedelta(days=10)


def test_the_index(org_admin, region_admin, health):
    own = org_admin.client().get("/orgs/staff/")
    assert own.status_code == 302
    assert own["Location"] == url(health, "staff")
    listing = region_admin.client().get("/orgs/staff/", {"q": "здрав"})
    assert listing.status_code == 200
    assert url(health, "staff") in listing.content.decode()


def test_only_a_region_administrator_may_choose_another_organization_on_the_page(
    org_admin, region_admin, health, monkeypatch
):
    choose = 'data-action="choose-organization"'
    assert permissions.staff_page_actions_for(region_admin.actor).choose_organization
    assert not permissions.staff_page_actions_for(org_admin.actor).choose_organization
    assert choose in region_admin.client().get(url(health, "staff")).content.decode()
    assert choose not in org_admin.client().get(url(health, "staff")).content.decode()
    # The page reads its own flag, not the menu's (the region administrator keeps that one).
    monkeypatch.setattr(
        permissions,
        "staff_page_actions_for",
        lambda actor: permissions.StaffPageActions(choose_organization=False),
    )
    page = region_admin.client().get(url(health, "staff")).content.decode()
    assert choose not in page and 'href="/orgs/import/"' in page


def test_the_page_of_a_big_organization_is_paged_and_its_queries_bounded(
    org_admin, health, django_assert_max_num_queries
):
    position = PositionFactory(organization=health, name="Специалист")
    for n in range(60):
        EmployeeFactory(organization=health, position=position, user=UserFactory(username=f"p{n}"))
    client = org_admin.client()
    client.get(url(health, "staff"))  # warm the session and caches
    with django_assert_max_num_queries(12):  # 10 today, whatever the size
        page = client.get(url(health, "staff"))
    assert page.status_code == 200
    assert page.content.decode().count('data-action="roles"') == 20
    assert Employee.objects.filter(organization=health).count() > 60
