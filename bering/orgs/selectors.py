"""Reads of the orgs app."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from bering.accounts.models import User
from bering.core import clock
from bering.core.errors import NotFound
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Substitution


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
