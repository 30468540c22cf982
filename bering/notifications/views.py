"""Staff pages of notifications: the inbox of the acting post, read marks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from bering.notifications import selectors, services
from bering.notifications.models import is_relative_url
from bering.orgs.current import require_actor

PAGE_SIZE = 25


def _item_target(request: HttpRequest, pk: int) -> bool:
    """Whether htmx asked to swap just this item (not a boosted page load)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and getattr(htmx, "target", None) == f"notification-{pk}"


def _safe_link(url: str) -> bool:
    return is_relative_url(url) and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    unread_only = request.GET.get("unread") == "1"
    found = selectors.notifications_for(actor, unread_only=unread_only)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": selectors.unread_count(actor.post.pk),
        "elsewhere": selectors.unread_in_other_posts(actor),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with ``open`` go on to what it is about."""
    actor = require_actor(request)
    notification = services.notification_mark_read(actor=actor, notification_id=pk)
    # The link was checked when stored; check again before redirecting anywhere.
    if "open" in request.POST and _safe_link(notification.url):
        return redirect(notification.url)
    if _item_target(request, pk):
        context = {"n": notification, "unread_notifications": selectors.unread_count(actor.post.pk)}
        return render(request, "notifications/_item_swap.html", context)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    services.notifications_mark_all_read(actor=actor)
    return redirect("notifications:list")
