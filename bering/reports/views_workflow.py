"""Pages of the workflow reports: overdue visas and assignments, approval time.

Thin: parse the filters, take the scope, call one selector, turn it into tables
(``tables``) and render them as a page, an XLSX workbook or a PDF.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bering.core import clock
from bering.core.errors import NotFound
from bering.orgs.current import require_actor
from bering.reports import cache, charts, exports, tables
from bering.reports.filters import (
    Filters,
    doc_type_choices,
    narrowed,
    organization_choices,
    parse_filters,
)
from bering.reports.permissions import Scope, report_scope, require_organization_scope
from bering.reports.selectors_approval import ApprovalTime
from bering.reports.selectors_discipline import Group, Kind, drilldown

PAGE_ROWS = 100
"""A page lists the worst rows (small pages for slow links); the XLSX carries all."""

TITLES = {Kind.VISAS: "Overdue visas", Kind.ASSIGNMENTS: "Overdue assignments"}


def _group(raw: str, *, default: Group = Group.EXECUTOR) -> Group:
    try:
        return Group(raw) if raw else default
    except ValueError as exc:
        raise NotFound(_("Not found.")) from exc


def filter_context(scope: Scope, filters: Filters, **extra: str) -> dict[str, Any]:
    """What the filter form and the export links need."""
    query = {**filters.query(), **extra}
    return {
        "filters": filters,
        "organizations": organization_choices(scope),
        "doc_types": doc_type_choices(),
        "query": urlencode(query),
        "scope": scope,
        "region": settings.BERING_REGION_NAME,
        "now": clock.now(),
    }


def respond(
    request: HttpRequest,
    *,
    template: str,
    filename: str,
    title: str,
    report_tables: list[tables.Table],
    context: dict[str, Any],
) -> HttpResponse:
    """The page, or ``?format=xlsx`` (every table a sheet) or ``?format=pdf``."""
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        return exports.xlsx_book_response(
            filename=f"{filename}.xlsx",
            sheets=[(t.title, t.headers, t.all_rows()) for t in report_tables],
        )
    context = {**context, "tables": report_tables, "title": title}
    if fmt != "pdf":
        context["tables"] = [t.head(PAGE_ROWS) for t in report_tables]
    if fmt == "pdf":
        return exports.pdf_response(
            request=request,
            filename=f"{filename}.pdf",
            template="reports/tables_print.html",
            context=context,
        )
    return render(request, template, context)


@login_required
def discipline_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Overdue visas (or assignments) per executor, department or organization."""
    actor = require_actor(request)
    report_kind = Kind(kind)
    scope = report_scope(actor)
    now = clock.now()
    filters = parse_filters(request.GET, now=now)
    group = _group(request.GET.get("group", ""))
    if scope.employee_id is not None:
        group = Group.EXECUTOR
    figures = cache.discipline_figures(
        kind=report_kind, group=group, scope=narrowed(scope, filters), filters=filters
    )
    data = figures.value
    prefix = reverse(f"reports:{kind}")
    table = tables.discipline_table(data, link_prefix=prefix)
    chart_rows = [r for r in data.rows if r.overdue][:15]
    context = {
        **filter_context(scope, filters, group=group.value),
        "data": data,
        "kind": kind,
        "group": group,
        "groups": [(g.value, _(tables.GROUP_TITLES[g])) for g in Group],
        "chart": charts.bar_chart([(r.short_name, r.days_late) for r in chart_rows]),
        "filter_query": urlencode(filters.query()),
        "as_of": figures.as_of,
    }
    return respond(
        request,
        template="reports/discipline.html",
        filename=f"overdue-{kind}",
        title=_(TITLES[report_kind]),
        report_tables=[table],
        context=context,
    )


@login_required
def drilldown_page(request: HttpRequest, kind: str, group: str, pk: int) -> HttpResponse:
    """The documents behind one row: 404 for a person or unit outside the viewer's scope."""
    actor = require_actor(request)
    report_kind = Kind(kind)
    scope = report_scope(actor)
    now = clock.now()
    filters = parse_filters(request.GET, now=now)
    data = drilldown(
        kind=report_kind,
        group=_group(group),
        pk=pk,
        scope=scope,
        filters=filters,
        now=now,
        viewer=actor.employee,
    )
    table = tables.drilldown_table(data)
    context = {
        **filter_context(scope, filters),
        "data": data,
        "kind": kind,
        "back": reverse(f"reports:{kind}") + "?" + urlencode(filters.query()),
    }
    return respond(
        request,
        template="reports/drilldown.html",
        filename=f"overdue-{kind}-{group}-{pk}",
        title=f"{_(TITLES[report_kind])}: {data.title}",
        report_tables=[table],
        context=context,
    )


def approval_charts(data: ApprovalTime) -> dict[str, Any]:
    types = data.types
    return {
        "types_chart": charts.bar_chart(
            [(f"{t.name} ({t.summary.count})", tables.r1(t.summary.mean or 0.0)) for t in types],
            limits=[t.normative for t in types],
        ),
        "months_chart": charts.bar_chart(
            [(m.label, tables.r1(m.summary.mean or 0.0)) for m in data.months],
            limit=types[0].normative if len(types) == 1 else None,
        ),
    }


@login_required
def approval_time_page(request: HttpRequest) -> HttpResponse:
    """Approval time against the normative, per document type and stage; trend by month."""
    actor = require_actor(request)
    scope = require_organization_scope(actor)
    filters = parse_filters(request.GET, now=clock.now())
    figures = cache.approval_figures(scope=narrowed(scope, filters), filters=filters)
    data = figures.value
    context = {
        **filter_context(scope, filters),
        "as_of": figures.as_of,
        "data": data,
        **approval_charts(data),
    }
    return respond(
        request,
        template="reports/approval_time.html",
        filename="approval-time",
        title=_("Approval time against the normative"),
        report_tables=[
            tables.approval_types_table(data),
            tables.approval_stages_table(data),
            tables.approval_months_table(data),
        ],
        context=context,
    )
