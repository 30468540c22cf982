"""Who may change organizations and their staff: pure predicates over plain rows."""

from __future__ import annotations

from dataclasses import dataclass

from bering.accounts.models import User
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization, Substitution


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


def can_deactivate_person(actor: Actor, user: User) -> bool:
    """Disabling an account is for region administrators; nobody disables themselves."""
    return can_connect_organizations(actor.user) and user.pk != actor.user.pk


def sees_staff_menu(actor: Actor) -> bool:
    """The staff page: region administrators and administrators of an organization."""
    return can_connect_organizations(actor.user) or actor.employee.is_org_admin


@dataclass(frozen=True)
class StaffActions:
    """What the actor may do with one post on the staff page: the flags a row reads."""

    change_roles: bool
    end_post: bool
    deactivate: bool


def staff_actions_for(actor: Actor, employee: Employee) -> StaffActions:
    manage = employee.is_active and can_manage_staff(actor, employee.organization)
    return StaffActions(
        change_roles=manage,
        end_post=manage,
        deactivate=employee.user.is_active and can_deactivate_person(actor, employee.user),
    )


@dataclass(frozen=True)
class StaffPageActions:
    """What the actor may do on the staff page as a whole: the flags its head reads."""

    choose_organization: bool
    """«Другая организация»: go back to the list of the region's organizations."""


def staff_page_actions_for(actor: Actor) -> StaffPageActions:
    return StaffPageActions(choose_organization=can_connect_organizations(actor.user))


@dataclass(frozen=True)
class SubstitutionActions:
    end_early: bool


def substitution_actions_for(actor: Actor, substitution: Substitution) -> SubstitutionActions:
    return SubstitutionActions(end_early=can_arrange_substitution(actor, substitution.absent))
