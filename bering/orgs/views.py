"""Staff pages of organizations. Thin: check, parse, call one service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bering.accounts.models import User
from bering.core.errors import Forbidden
from bering.orgs import importing, permissions, selectors, widgets
from bering.orgs.current import request_actor, require_actor
from bering.orgs.forms import ImportForm

SAMPLES = {
    ImportForm.ORGANIZATIONS: (importing.ORGANIZATION_COLUMNS, importing.ORGANIZATION_EXAMPLE),
    ImportForm.EMPLOYEES: (importing.EMPLOYEE_COLUMNS, importing.EMPLOYEE_EXAMPLE),
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a file of organizations or employees and see the per-row report."""
    user = request.user
    if not isinstance(user, User) or not permissions.can_connect_organizations(user):
        raise Forbidden(_("Only a region administrator may import organizations and employees."))
    actor = request_actor(request)
    if actor is None:
        raise Forbidden(_("Choose the post you act in: the history must name who imported."))
    sample = request.GET.get("sample", "")
    if sample in SAMPLES:
        columns, example = SAMPLES[sample]
        response = HttpResponse(
            importing.sample_csv(columns, example), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{sample}.csv"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = (
            importing.organizations_import
            if form.cleaned_data["kind"] == ImportForm.ORGANIZATIONS
            else importing.employees_import
        )
        report = run(actor=actor, data=upload.read(), name=upload.name or "")
    context = {
        "form": form,
        "report": report,
        "organization_columns": importing.ORGANIZATION_COLUMNS,
        "employee_columns": importing.EMPLOYEE_COLUMNS,
    }
    failed = request.method == "POST" and (report is None or not report.ok)
    return render(request, "orgs/import.html", context, status=400 if failed else 200)


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
