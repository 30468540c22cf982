"""Reads of the orgs app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import User
from bering.core import clock
from bering.core.errors import Forbidden, NotFound
from bering.orgs import permissions
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization, Substitution


def person_prefetch(lookup: str, *, position: bool = False) -> Prefetch[str]:
    """The employee at ``lookup`` with their user (and post's title), read in a small
    query of its own instead of joined to the row: wide joins cost PostgreSQL more to
    plan than to read (decision 0026)."""
    related = ("user", "position") if position else ("user",)
    return Prefetch(lookup, queryset=Employee.objects.select_related(*related))


def posts_for_user(user: User) -> QuerySet[Employee]:
    return (
        Employee.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization", "position", "department", "user")
        .order_by("organization__short_name", "pk")
    )


def substitutions_active(*, user: User, on: dt.date | None = None) -> list[Substitution]:
    """Substitutions in which one of ``user``'s posts acts for someone today.

    "Today" is the date in the organization's time zone (Kamchatka's day starts
    nine hours before Moscow's); pass ``on`` to ask about another date.
    """
    moment = clock.now()
    around = on or moment.date()
    candidates = Substitution.objects.filter(
        substitute__user=user,
        substitute__is_active=True,
        starts_on__lte=around + dt.timedelta(days=1),
        ends_on__gte=around - dt.timedelta(days=1),
    ).select_related(
        "absent__user", "absent__organization", "absent__position", "substitute__organization"
    )
    result = []
    for item in candidates:
        day = on or item.absent.organization.local_today(moment)
        if item.starts_on <= day <= item.ends_on:
            result.append(item)
    return result


def actor_for(
    *, user: User, post_id: int | None, on_behalf_of_id: int | None, on: dt.date | None = None
) -> Actor | None:
    """Build the actor for ``user`` from the chosen post; ``None`` if the user has no post."""
    posts = list(posts_for_user(user))
    if not posts:
        return None
    post = next((p for p in posts if p.pk == post_id), posts[0])
    if on_behalf_of_id is None:
        return Actor(user=user, post=post)
    substitution = next(
        (
            s
            for s in substitutions_active(user=user, on=on)
            if s.absent_id == on_behalf_of_id and s.substitute_id == post.pk
        ),
        None,
    )
    if substitution is None:
        raise NotFound("Substitution not found or not active today.")
    return Actor(user=user, post=post, on_behalf_of=substitution.absent)


PICK_MIN = 2
"""Letters to type before a picker searches."""
PICK_MAX = 30
"""Matches a picker lists at most: more means «type more letters»."""


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _terms(q: str) -> list[str]:
    """The words of a query, or none when it is shorter than ``PICK_MIN`` letters.

    Matching is done in Python with ``casefold``: SQLite's LIKE ignores the case
    of ASCII letters only, and names here are Cyrillic.
    """
    q = q.strip()
    if len(q) < PICK_MIN:
        return []
    return _fold(q).split()[:5]


def people_matching(people: QuerySet[Employee], q: str, *, limit: int = PICK_MAX) -> list[Employee]:
    """Those of ``people`` whose surname, name or position has every word of ``q``."""
    terms = _terms(q)
    if not terms:
        return []
    found = []
    rows = people.select_related("user", "position", "department").order_by(
        "department__name", "user__last_name", "user__first_name", "pk"
    )
    for person in rows.iterator():
        user = person.user
        haystack = _fold(
            " ".join(
                (
                    user.last_name,
                    user.first_name,
                    user.middle_name,
                    person.position.name if person.position else "",
                )
            )
        )
        if all(term in haystack for term in terms):
            found.append(person)
            if len(found) >= limit:
                break
    return found


def organizations_matching(
    organizations: QuerySet[Organization], q: str, *, limit: int = PICK_MAX
) -> list[Organization]:
    """Those of ``organizations`` whose full or short name has every word of ``q``."""
    terms = _terms(q)
    if not terms:
        return []
    found = []
    rows = organizations.select_related("parent").order_by("kind", "parent__name", "short_name")
    for org in rows.iterator():
        haystack = _fold(f"{org.short_name} {org.name}")
        if all(term in haystack for term in terms):
            found.append(org)
            if len(found) >= limit:
                break
    return found


def colleagues(actor: Actor) -> QuerySet[Employee]:
    """The active people of the actor's organization: whom a picker may offer."""
    return Employee.objects.filter(organization_id=actor.organization_id, is_active=True)


def people_search(actor: Actor, q: str, *, exclude: Collection[int] = ()) -> list[Employee]:
    """People of the actor's organization matching ``q`` (two letters at least),
    other than those in ``exclude`` (already chosen)."""
    return people_matching(colleagues(actor).exclude(pk__in=list(exclude)), q)


def people_chosen(actor: Actor, ids: Collection[int]) -> list[Employee]:
    """The chosen people, of the actor's organization only."""
    rows = colleagues(actor).filter(pk__in=list(ids)).select_related("user", "position")
    return list(rows.order_by("user__last_name", "user__first_name", "pk"))


def region_organizations() -> QuerySet[Organization]:
    """The active organizations of the region: anyone may name them."""
    return Organization.objects.filter(is_active=True)


def organizations_search(
    q: str, *, exclude: Collection[int] = (), exclude_id: int | None = None
) -> list[Organization]:
    """Active organizations of the region matching ``q`` (two letters at least),
    other than those in ``exclude`` and ``exclude_id`` (one's own)."""
    organizations = region_organizations().exclude(pk__in=list(exclude))
    if exclude_id is not None:
        organizations = organizations.exclude(pk=exclude_id)
    return organizations_matching(organizations, q)


def organizations_chosen(ids: Collection[int]) -> list[Organization]:
    return list(region_organizations().filter(pk__in=list(ids)).order_by("short_name"))


# --- The staff page ---------------------------------------------------------------------------


def organization_get_for_staff(actor: Actor, organization_id: int) -> Organization:
    """The one getter of the staff page: 404 for a missing organization or another one
    the actor does not manage, 403 for a colleague of the same organization without the right."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(_("Organization not found."))
    if not permissions.can_manage_staff(actor, organization):
        if organization.pk == actor.organization_id:
            raise Forbidden(_("Only an administrator of the organization may manage its staff."))
        raise NotFound(_("Organization not found."))
    return organization


def staff_of(organization: Organization) -> QuerySet[Employee]:
    """The organization's current posts, by surname."""
    return (
        Employee.objects.filter(organization=organization, is_active=True)
        .select_related("user", "position", "department", "organization")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def employee_get_for_staff(actor: Actor, employee_id: int) -> Employee:
    """A post through the staff getter of its organization (404 / 403 as there)."""
    employee = (
        Employee.objects.select_related("user", "organization", "position", "department")
        .filter(pk=employee_id)
        .first()
    )
    if employee is None:
        raise NotFound(_("Employee not found."))
    organization_get_for_staff(actor, employee.organization_id)
    return employee


def substitutions_of(organization: Organization) -> QuerySet[Substitution]:
    """Substitutions of the organization that have not ended yet (today's and future)."""
    today = organization.local_today(clock.now())
    return (
        Substitution.objects.filter(absent__organization=organization, ends_on__gte=today)
        .select_related("absent__user", "absent__organization", "substitute__user")
        .order_by("starts_on", "pk")
    )


def substitution_get_for_staff(actor: Actor, substitution_id: int) -> Substitution:
    """A substitution through the staff getter of its organization (404 / 403 as there)."""
    substitution = (
        Substitution.objects.select_related(
            "absent__user", "absent__organization", "substitute__user"
        )
        .filter(pk=substitution_id)
        .first()
    )
    if substitution is None:
        raise NotFound(_("Substitution not found."))
    organization_get_for_staff(actor, substitution.absent.organization_id)
    return substitution


def user_get_for_deactivation(actor: Actor, user_id: int) -> User:
    """A person to disable: 403 for anyone but a region administrator (who may not learn
    which ids exist), 404 for a missing one."""
    if not permissions.can_connect_organizations(actor.user):
        raise Forbidden(_("Only a region administrator may disable an account."))
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("Person not found."))
    return user
