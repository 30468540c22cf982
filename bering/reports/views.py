"""Report pages: filters, tables, inline SVG charts; every table exports to XLSX and PDF."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from bering.core import clock
from bering.orgs.current import require_actor
from bering.reports import cache, charts, exports, selectors
from bering.reports.filters import narrowed, parse_filters
from bering.reports.permissions import require_organization_scope
from bering.reports.selectors_discipline import Group, Kind
from bering.reports.views_workflow import approval_charts, filter_context

DASHBOARD_TOP = 5


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The region at a glance: coverage, overdue visas and assignments, approval time."""
    actor = require_actor(request)
    scope = require_organization_scope(actor)
    filters = parse_filters(request.GET, now=clock.now())
    narrow = narrowed(scope, filters)
    data = cache.coverage_figures(scope=scope)
    visas = cache.discipline_figures(
        kind=Kind.VISAS, group=Group.EXECUTOR, scope=narrow, filters=filters
    )
    assignments = cache.discipline_figures(
        kind=Kind.ASSIGNMENTS, group=Group.ORGANIZATION, scope=narrow, filters=filters
    )
    approval = cache.approval_figures(scope=narrow, filters=filters)
    late_people = [r for r in visas.value.rows if r.overdue][:DASHBOARD_TOP]
    late_orgs = [r for r in assignments.value.rows if r.overdue][:DASHBOARD_TOP]
    return render(
        request,
        "reports/dashboard.html",
        {
            **filter_context(scope, filters),
            "coverage": data.value,
            "visas": visas.value,
            "assignments": assignments.value,
            "approval": approval.value,
            "late_people": late_people,
            "late_orgs": late_orgs,
            "visas_chart": charts.bar_chart([(r.short_name, r.days_late) for r in late_people]),
            "assignments_chart": charts.bar_chart([(r.short_name, r.days_late) for r in late_orgs]),
            **approval_charts(approval.value),
            "as_of": min(f.as_of for f in (data, visas, assignments, approval)),
        },
    )


def coverage_table(data: selectors.Coverage) -> tuple[list[str], list[list[object]]]:
    headers = [
        _("Organization"),
        _("Kind"),
        _("Municipality"),
        _("Connected since"),
        _("Active users, 30 days"),
        _("Registered documents"),
        _("Registered, 30 days"),
    ]
    rows: list[list[object]] = [
        [
            o["name"],
            o["kind"],
            o["municipality"],
            o["connected_on"].strftime("%d.%m.%Y") if o["connected_on"] else "",  # type: ignore[attr-defined]
            o["active_users"],
            o["registered"],
            o["registered_30d"],
        ]
        for o in data.organizations
    ]
    return headers, rows


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    scope = require_organization_scope(actor)
    figures = cache.coverage_figures(scope=scope)
    data = figures.value
    headers, rows = coverage_table(data)
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return exports.xlsx_response(
            filename="coverage.xlsx", title=_("Coverage"), headers=headers, rows=rows
        )
    context = {
        "coverage": data,
        "headers": headers,
        "rows": rows,
        "region": settings.BERING_REGION_NAME,
        "kind_chart": charts.bar_chart(data.by_kind),
        "municipality_chart": charts.bar_chart(data.by_municipality),
        "now": clock.now(),
        "as_of": figures.as_of,
    }
    if fmt == "pdf":
        return exports.pdf_response(
            request=request,
            filename="coverage.pdf",
            template="reports/coverage_print.html",
            context=context,
        )
    return render(request, "reports/coverage.html", context)
