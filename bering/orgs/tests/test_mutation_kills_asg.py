"""Who manages organizations and staff, rule by rule (decision 0015: kills the mutants
of ``orgs/permissions.py``). Plain unsaved rows: the rules read fields only."""

from __future__ import annotations

import itertools

import pytest

from bering.accounts.models import User
from bering.orgs import permissions
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization, Substitution

ORG, OTHER = 1, 2


def user(pk: int, *, admin: bool = False, active: bool = True) -> User:
    return User(pk=pk, username=f"u{pk}", is_region_admin=admin, is_active=active)


def post(pk: int, org: int = ORG, *, who: User | None = None, **roles: bool) -> Employee:
    return Employee(pk=pk, organization_id=org, user=who or user(pk + 100), **roles)


def on_staff(pk: int, *, who: User | None = None, **roles: bool) -> Employee:
    """A post of ORG with its organization row (the staff page reads it)."""
    employee = post(pk, who=who, **roles)
    employee.organization = Organization(pk=ORG)
    return employee


def actor(employee: Employee) -> Actor:
    return Actor(user=employee.user, post=employee)


@pytest.mark.parametrize(("active", "admin"), list(itertools.product((True, False), repeat=2)))
def test_only_an_active_region_admin_connects_organizations(active: bool, admin: bool) -> None:
    assert permissions.can_connect_organizations(user(1, admin=admin, active=active)) is (
        active and admin
    )


def test_staff_is_managed_by_a_region_admin_or_the_organizations_own_admin() -> None:
    org, other = Organization(pk=ORG), Organization(pk=OTHER)
    region = actor(post(1, OTHER, who=user(1, admin=True)))
    assert permissions.can_manage_staff(region, org)
    own_admin = actor(post(2, is_org_admin=True))
    assert permissions.can_manage_staff(own_admin, org)
    assert not permissions.can_manage_staff(own_admin, other)
    assert not permissions.can_manage_staff(actor(post(3)), org)
    assert permissions.sees_staff_menu(region)
    assert permissions.sees_staff_menu(own_admin)
    assert not permissions.sees_staff_menu(actor(post(3)))


def test_a_substitution_is_arranged_by_the_absent_their_head_or_admin_or_a_region_admin() -> None:
    absent = post(10)
    assert permissions.can_arrange_substitution(actor(absent), absent)
    assert permissions.can_arrange_substitution(actor(post(11, is_head=True)), absent)
    assert permissions.can_arrange_substitution(actor(post(12, is_org_admin=True)), absent)
    assert permissions.can_arrange_substitution(
        actor(post(13, OTHER, who=user(13, admin=True))), absent
    )
    assert not permissions.can_arrange_substitution(actor(post(14)), absent)
    assert not permissions.can_arrange_substitution(actor(post(15, OTHER, is_head=True)), absent)
    substitution = Substitution(absent=absent)
    assert permissions.substitution_actions_for(actor(post(14)), substitution) == (
        permissions.SubstitutionActions(end_early=False)
    )
    assert permissions.substitution_actions_for(actor(absent), substitution) == (
        permissions.SubstitutionActions(end_early=True)
    )


def test_accounts_are_disabled_by_a_region_admin_never_by_themselves() -> None:
    admin_user = user(1, admin=True)
    region = actor(post(1, who=admin_user))
    assert permissions.can_deactivate_person(region, user(2))
    assert not permissions.can_deactivate_person(region, admin_user)
    assert not permissions.can_deactivate_person(actor(post(3, is_org_admin=True)), user(2))


def test_the_staff_page_flags_follow_the_rules() -> None:
    region = actor(post(1, OTHER, who=user(1, admin=True)))
    own_admin = actor(post(2, is_org_admin=True))
    clerk = on_staff(5)
    flags = permissions.staff_actions_for
    assert flags(region, clerk) == permissions.StaffActions(True, True, True)
    assert flags(own_admin, clerk) == permissions.StaffActions(True, True, False)
    assert flags(actor(post(3)), clerk) == permissions.StaffActions(False, False, False)
    ended = on_staff(6, is_active=False)
    assert flags(region, ended) == permissions.StaffActions(False, False, True)
    disabled = on_staff(7, who=user(7, active=False))
    assert flags(region, disabled) == permissions.StaffActions(True, True, False)
    assert permissions.staff_page_actions_for(region).choose_organization
    assert not permissions.staff_page_actions_for(own_admin).choose_organization
