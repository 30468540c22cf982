"""Staff pages of organizations. Thin: check, parse, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bering.orgs import selectors, widgets
from bering.orgs.current import require_actor


def _pick_request(request: HttpRequest) -> tuple[str, bool, str, list[int]]:
    """The picker's input name, single or multiple, the typed text and the chosen ids."""
    name = request.GET.get("name", "")
    if not widgets.NAME_RE.match(name):
        name = "picked"
    multiple = request.GET.get("multiple", "1") != "0"
    query = request.GET.get(f"{name}{widgets.SEARCH_SUFFIX}", request.GET.get("q", ""))[:100]
    chosen = widgets.valid_ids(request.GET.getlist(name))[: selectors.PICK_MAX * 10]
    return name, multiple, query, chosen


def _pick_response(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    return render(request, "orgs/widgets/_picker_list.html", context)


@login_required
@require_GET
def pick_people(request: HttpRequest) -> HttpResponse:
    """The picker's list: people of one's own organization matching two letters or more."""
    actor = require_actor(request)
    name, multiple, query, ids = _pick_request(request)
    chosen = selectors.people_chosen(actor, ids)
    matches = selectors.people_search(actor, query, exclude=[p.pk for p in chosen])
    return _pick_response(
        request,
        widgets.list_context(
            name=name, multiple=multiple, query=query, chosen=chosen, matches=matches
        ),
    )


@login_required
@require_GET
def pick_organizations(request: HttpRequest) -> HttpResponse:
    """The picker's list: organizations of the region, by kind and municipality."""
    actor = require_actor(request)
    name, multiple, query, ids = _pick_request(request)
    own = actor.organization_id if request.GET.get("others") == "1" else None
    chosen = [o for o in selectors.organizations_chosen(ids) if o.pk != own]
    matches = selectors.organizations_search(query, exclude=[o.pk for o in chosen], exclude_id=own)
    return _pick_response(
        request,
        widgets.list_context(
            name=name, multiple=multiple, query=query, chosen=chosen, matches=matches
        ),
    )
