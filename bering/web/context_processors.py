from __future__ import annotations

from django.http import HttpRequest

from bering.appeals.permissions import sees_appeals_menu
from bering.orgs.current import request_actor
from bering.orgs.selectors import posts_for_user, substitutions_active


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

    return {
        "actor": actor,
        "switch_choices": switch_choices,
        "show_appeals": actor is not None and sees_appeals_menu(actor.employee),
    }
