"""The unread count for the page header's badge."""

from __future__ import annotations

from django.http import HttpRequest

from bering.notifications.selectors import unread_count
from bering.orgs.current import request_actor


def unread(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications`` of the acting post: one COUNT query, signed-in people only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = request_actor(request)
    if actor is None:
        return {}
    return {"unread_notifications": unread_count(actor.post.pk)}
