from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bering.assignments.permissions import sees_head_queue
from bering.core.errors import NotFound
from bering.desk.items import desk_page
from bering.orgs.current import SESSION_ON_BEHALF, SESSION_POST, request_actor, require_actor
from bering.orgs.selectors import actor_for


def home(request: HttpRequest) -> HttpResponse:
    """A head (or a deputy acting for one) lands on what waits for his decision."""
    if not request.user.is_authenticated:
        return redirect("login")
    actor = request_actor(request)
    if actor is not None and sees_head_queue(actor.employee):
        return redirect("desk")
    return redirect("documents:list")


@login_required
@require_POST
def switch_post(request: HttpRequest) -> HttpResponse:
    """Act in another post of mine, or for a colleague I substitute today."""
    try:
        post_id = int(request.POST.get("post", ""))
        raw_behalf = request.POST.get("on_behalf_of") or ""
        on_behalf = int(raw_behalf) if raw_behalf else None
    except ValueError:
        return HttpResponseBadRequest("Неверный выбор должности.")
    actor = actor_for(
        user=request.user,  # type: ignore[arg-type]
        post_id=post_id,
        on_behalf_of_id=on_behalf,
    )
    if actor is None or actor.post.pk != post_id:
        raise NotFound("Post not found.")
    request.session[SESSION_POST] = post_id
    if on_behalf:
        request.session[SESSION_ON_BEHALF] = on_behalf
    else:
        request.session.pop(SESSION_ON_BEHALF, None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target or "/")


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """«Ждут моего решения»: the head's day in one list; «ещё» loads the next page."""
    actor = require_actor(request)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    page = desk_page(actor, number)
    htmx = getattr(request, "htmx", None)
    more = htmx is not None and bool(htmx) and not htmx.boosted
    template = "web/_desk_items.html" if more else "web/desk.html"
    return render(request, template, {"page": page})
