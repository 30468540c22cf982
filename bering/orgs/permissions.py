"""Who may change organizations and their staff: pure predicates over plain rows."""

from __future__ import annotations

from bering.accounts.models import User
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization


def can_connect_organizations(user: User) -> bool:
    """Connecting organizations and bulk imports are for region administrators."""
    return bool(user.is_active and user.is_region_admin)


def can_manage_staff(actor: Actor, organization: Organization) -> bool:
    """A region administrator, or an administrator of that organization."""
    if can_connect_organizations(actor.user):
        return True
    return actor.employee.is_org_admin and actor.organization_id == organization.pk


def can_arrange_substitution(actor: Actor, absent: Employee) -> bool:
    """The absent person themselves, their organization's head or administrator."""
    if can_connect_organizations(actor.user):
        return True
    employee = actor.employee
    if employee.organization_id != absent.organization_id:
        return False
    return employee.pk == absent.pk or employee.is_head or employee.is_org_admin
