"""Whose figures a person sees, rule by rule (decision 0015: kills the mutants of
``reports/permissions.py``): the region, their organization's subtree, or their own."""

from __future__ import annotations

import itertools

import pytest

from bering.accounts.models import User
from bering.core.errors import Forbidden
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.orgs.tests.factories import OrganizationFactory
from bering.reports import permissions
from bering.reports.permissions import Scope


def actor(*, admin: bool = False, head: bool = False, org: int = 1) -> Actor:
    user = User(pk=7, username="u", is_region_admin=admin)
    return Actor(user=user, post=Employee(pk=70, user=user, organization_id=org, is_head=head))


@pytest.mark.parametrize(("admin", "head"), list(itertools.product((True, False), repeat=2)))
def test_organization_reports_are_for_region_admins_and_heads(admin: bool, head: bool) -> None:
    assert permissions.sees_organization_reports(actor(admin=admin, head=head)) is (admin or head)


def test_a_scope_without_organizations_is_the_region() -> None:
    assert Scope(organization_ids=None).is_region
    assert not Scope(organization_ids=frozenset({1})).is_region


def test_a_region_admin_sees_the_region() -> None:
    scope = permissions.report_scope(actor(admin=True))
    assert scope == Scope(organization_ids=None)
    assert permissions.require_organization_scope(actor(admin=True)) == scope


def test_anyone_else_sees_only_their_own_figures_and_no_organization_report() -> None:
    scope = permissions.report_scope(actor(org=5))
    assert scope == Scope(organization_ids=frozenset({5}), employee_id=70)
    with pytest.raises(Forbidden):
        permissions.require_organization_scope(actor(org=5))


@pytest.mark.django_db
def test_a_head_sees_their_organization_and_every_one_below_it() -> None:
    ministry = OrganizationFactory()
    agency = OrganizationFactory(parent=ministry)
    school = OrganizationFactory(parent=agency)
    clinic = OrganizationFactory(parent=ministry)
    OrganizationFactory(parent=OrganizationFactory())  # another branch of the region
    expected = frozenset({ministry.pk, agency.pk, school.pk, clinic.pk})
    assert permissions.subtree_ids(ministry.pk) == expected
    assert permissions.subtree_ids(agency.pk) == frozenset({agency.pk, school.pk})
    head = actor(head=True, org=ministry.pk)
    assert permissions.report_scope(head) == Scope(organization_ids=expected)
    assert permissions.require_organization_scope(head) == Scope(organization_ids=expected)
    assert Organization.objects.count() == 6
