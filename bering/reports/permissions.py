"""Whose figures a person may see: the region, their organization's subtree, or their own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bering.core.errors import Forbidden
from bering.orgs.actor import Actor
from bering.orgs.models import Organization


@dataclass(frozen=True)
class Scope:
    """``organization_ids`` None means the whole region; ``employee_id`` narrows to one person."""

    organization_ids: frozenset[int] | None
    employee_id: int | None = None

    @property
    def is_region(self) -> bool:
        return self.organization_ids is None


def subtree_ids(root_id: int) -> frozenset[int]:
    """An organization and every organization below it (one query for the whole region)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Organization.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = {root_id}, [root_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return frozenset(found)


def report_scope(actor: Actor) -> Scope:
    """A region admin sees the region; a head their organization and the ones below it;
    anyone else only their own figures."""
    if actor.user.is_region_admin:
        return Scope(organization_ids=None)
    if sees_organization_reports(actor):
        return Scope(organization_ids=subtree_ids(actor.organization_id))
    return Scope(organization_ids=frozenset({actor.organization_id}), employee_id=actor.employee.pk)


def require_organization_scope(actor: Actor) -> Scope:
    """Reports about organizations (not people): region admins and heads only."""
    scope = report_scope(actor)
    if scope.employee_id is not None:
        raise Forbidden(_("This report is for heads and region administrators."))
    return scope


def sees_organization_reports(actor: Actor) -> bool:
    """The dashboard and the other reports about organizations (region admins and
    heads); everyone else has «Мои показатели», the figures of their own work."""
    return bool(actor.user.is_region_admin or actor.employee.is_head)
