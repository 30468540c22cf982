"""The post a signed-in person acts in, read from the session once per request."""

from __future__ import annotations

from django.http import HttpRequest

from bering.accounts.models import User
from bering.core.errors import NotFound
from bering.orgs.actor import Actor
from bering.orgs.selectors import actor_for

SESSION_POST = "bering_post_id"
SESSION_ON_BEHALF = "bering_on_behalf_of_id"
_CACHE = "_bering_actor"


def request_actor(request: HttpRequest) -> Actor | None:
    """The actor of this request (cached on it), or ``None`` for a user without posts."""
    if hasattr(request, _CACHE):
        cached: Actor | None = getattr(request, _CACHE)
        return cached
    actor = _actor_from_session(request)
    setattr(request, _CACHE, actor)
    return actor


def _actor_from_session(request: HttpRequest) -> Actor | None:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    post_id = request.session.get(SESSION_POST)
    on_behalf = request.session.get(SESSION_ON_BEHALF)
    try:
        return actor_for(user=user, post_id=post_id, on_behalf_of_id=on_behalf)
    except NotFound:
        request.session.pop(SESSION_ON_BEHALF, None)
        return actor_for(user=user, post_id=post_id, on_behalf_of_id=None)


def require_actor(request: HttpRequest) -> Actor:
    """The actor of a signed-in request; a person without any post may do nothing here."""
    from django.utils.translation import gettext_lazy as _

    from bering.core.errors import Forbidden

    actor = request_actor(request)
    if actor is None:
        raise Forbidden(_("You have no post in any organization. Ask your administrator."))
    return actor
