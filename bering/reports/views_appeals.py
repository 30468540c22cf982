"""The page of citizens' appeals: counts, terms of 59-ФЗ, the monthly summary for ССТУ.

Thin: parse the filters and the month, take the scope (heads and region
administrators), call one selector (through the cache), render the tables as a
page, an XLSX workbook or a PDF; the monthly summary alone as XLSX.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from bering.core import clock
from bering.orgs.current import require_actor
from bering.reports import cache, exports
from bering.reports.filters import narrowed, parse_filters, parse_month
from bering.reports.permissions import require_organization_scope
from bering.reports.tables_appeals import appeals_tables, monthly_table
from bering.reports.views_workflow import filter_context, respond


@login_required
def appeals_page(request: HttpRequest) -> HttpResponse:
    actor = require_actor(request)
    scope = require_organization_scope(actor)
    now = clock.now()
    filters = parse_filters(request.GET, now=now)
    month = parse_month(request.GET.get("month", ""), now=now)
    figures = cache.appeals_figures(scope=narrowed(scope, filters), filters=filters, month=month)
    data = figures.value
    month_query = {**filters.query(), "month": month.strftime("%Y-%m")}
    context = {
        **filter_context(scope, filters, month=month.strftime("%Y-%m")),
        "data": data,
        "month": month,
        "monthly_query": urlencode(month_query),
        "as_of": figures.as_of,
    }
    return respond(
        request,
        template="reports/appeals.html",
        filename="appeals",
        title=_("Citizens' appeals"),
        report_tables=appeals_tables(data),
        context=context,
    )


@login_required
def appeals_monthly_xlsx(request: HttpRequest) -> HttpResponse:
    """The monthly summary alone, as the XLSX the region submits to ССТУ."""
    actor = require_actor(request)
    scope = require_organization_scope(actor)
    now = clock.now()
    filters = parse_filters(request.GET, now=now)
    month = parse_month(request.GET.get("month", ""), now=now)
    figures = cache.appeals_figures(scope=narrowed(scope, filters), filters=filters, month=month)
    table = monthly_table(figures.value.monthly)
    return exports.xlsx_book_response(
        filename=f"sstu-{month:%Y-%m}.xlsx",
        sheets=[(table.title, table.headers, table.all_rows())],
    )
