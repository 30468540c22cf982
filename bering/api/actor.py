"""The acting post of an API request: ``X-Bering-Post`` and ``X-Bering-On-Behalf-Of``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from bering.accounts.models import User
from bering.core.errors import Forbidden, NotFound, ValidationFailed
from bering.orgs.actor import Actor
from bering.orgs.selectors import actor_for

POST_HEADER = "X-Bering-Post"
ON_BEHALF_HEADER = "X-Bering-On-Behalf-Of"
MAX_ID = 2**63 - 1


def header_id(request: Request, name: str) -> int | None:
    """An employee id from a header; a malformed (or empty) one is a 400, never a 500."""
    raw = request.headers.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise ValidationFailed(
            _("The header %(name)s must be an employee id.") % {"name": name},
            code="bad_header",
            field=name,
        )
    return int(raw)


def api_actor(request: Request) -> Actor:
    """Who acts in this request. 403 for a user without a post in any organization."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(_("Sign in first."))
    post_id = header_id(request, POST_HEADER)
    on_behalf_of_id = header_id(request, ON_BEHALF_HEADER)
    actor = actor_for(user=user, post_id=post_id, on_behalf_of_id=None)
    if actor is None:
        raise Forbidden(
            _(
                "Your account holds no post in any organization, so it cannot work with "
                "documents. Ask your organization's administrator to add you."
            ),
            code="no_post",
        )
    if post_id is not None and actor.post.pk != post_id:
        raise ValidationFailed(
            _("You do not hold the post given in %(name)s.") % {"name": POST_HEADER},
            code="unknown_post",
            field=POST_HEADER,
        )
    if on_behalf_of_id is None:
        return actor
    try:
        # "Today" is the absent colleague's organization's date (Kamchatka is UTC+12).
        substituting = actor_for(user=user, post_id=actor.post.pk, on_behalf_of_id=on_behalf_of_id)
    except NotFound as exc:
        raise Forbidden(
            _("You do not substitute for this colleague today."),
            code="no_substitution",
            field=ON_BEHALF_HEADER,
        ) from exc
    assert substituting is not None
    return substituting
