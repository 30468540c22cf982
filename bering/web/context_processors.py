from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from bering.appeals.permissions import sees_appeals_menu
from bering.assignments.permissions import sees_control_queue, sees_head_queue
from bering.desk import items as desk
from bering.documents.permissions import can_register
from bering.exchange.permissions import sees_queue as sees_exchange_queue
from bering.orgs.actor import Actor
from bering.orgs.current import request_actor
from bering.orgs.permissions import can_connect_organizations, sees_staff_menu
from bering.orgs.selectors import posts_for_user, substitutions_active
from bering.publication.permissions import sees_publication_menu
from bering.reports.permissions import sees_organization_reports


@dataclass(frozen=True)
class Menu:
    """Which queues and pages the header offers: each flag from its app's permissions."""

    head_queue: bool
    control: bool
    register: bool
    exchange: bool
    appeals: bool
    publication: bool
    """The registrar's list of acts to publish and published (publication)."""
    organization_reports: bool
    my_figures: bool
    """Everyone acting in a post sees their own figures; the organization's reports replace them."""
    import_orgs: bool
    staff: bool
    """The staff page: region administrators and administrators of an organization."""


def menu_for(actor: Actor) -> Menu:
    employee = actor.employee
    organization_reports = sees_organization_reports(actor)
    return Menu(
        head_queue=sees_head_queue(employee),
        control=sees_control_queue(employee),
        register=can_register(employee),
        exchange=sees_exchange_queue(employee),
        appeals=sees_appeals_menu(employee),
        publication=sees_publication_menu(employee),
        organization_reports=organization_reports,
        my_figures=not organization_reports,
        import_orgs=can_connect_organizations(actor.user),
        staff=sees_staff_menu(actor),
    )


def shell(request: HttpRequest) -> dict[str, object]:
    """The acting post and the posts to switch to, for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = request_actor(request)

    def switch_choices() -> list[dict[str, object]]:
        choices: list[dict[str, object]] = [
            {"post": p, "on_behalf_of": None} for p in posts_for_user(user)
        ]
        for s in substitutions_active(user=user):
            choices.append({"post": s.substitute, "on_behalf_of": s.absent})
        return choices

    def desk_count() -> int:
        return desk.desk_count(actor) if actor is not None else 0

    return {
        "actor": actor,
        "switch_choices": switch_choices,
        "desk_count": desk_count,
        "menu": menu_for(actor) if actor is not None else None,
    }
