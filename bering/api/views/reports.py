"""Report figures as JSON: the same selectors as the report pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.actor import api_actor
from bering.api.base import ApiView, reject_blank
from bering.core import clock
from bering.core.errors import NotFound, ValidationFailed
from bering.reports import cache, exports
from bering.reports.filters import Filters, narrowed, parse_filters, parse_month
from bering.reports.permissions import report_scope, require_organization_scope
from bering.reports.selectors_appeals import monthly_summary
from bering.reports.selectors_discipline import Group, Kind, drilldown
from bering.reports.tables_appeals import monthly_table

AS_OF_HELP = (
    "When the figures were computed: figures over more than 20 organizations are kept "
    "for a few minutes (BERING_REPORT_CACHE_SECONDS)."
)


class CountOut(serializers.Serializer[object]):
    name = serializers.CharField()
    count = serializers.IntegerField()


class CoverageOrganizationOut(serializers.Serializer[object]):
    name = serializers.CharField()
    kind = serializers.CharField()
    municipality = serializers.CharField()
    connected_on = serializers.DateField(allow_null=True)
    active_users = serializers.IntegerField()
    registered = serializers.IntegerField()
    registered_30d = serializers.IntegerField()


class CoverageOut(serializers.Serializer[object]):
    as_of = serializers.DateTimeField(help_text=AS_OF_HELP)
    target = serializers.IntegerField()
    connected = serializers.IntegerField()
    share = serializers.FloatField()
    active_users_30d = serializers.IntegerField()
    users_total = serializers.IntegerField()
    documents_registered = serializers.IntegerField()
    documents_registered_30d = serializers.IntegerField()
    by_kind = CountOut(many=True)
    by_municipality = CountOut(many=True)
    organizations = CoverageOrganizationOut(many=True)


class CoverageView(ApiView):
    """Coverage of the region: organizations connected, active users, documents registered."""

    @extend_schema(responses=CoverageOut, operation_id="reports_coverage")
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        figures = cache.coverage_figures(scope=require_organization_scope(actor))
        data = figures.value
        body = {
            "as_of": figures.as_of,
            "target": data.target,
            "connected": data.connected,
            "share": data.share,
            "active_users_30d": data.active_users_30d,
            "users_total": data.users_total,
            "documents_registered": data.documents_registered,
            "documents_registered_30d": data.documents_registered_30d,
            "organizations": data.organizations,
            "by_kind": [{"name": k, "count": v} for k, v in data.by_kind],
            "by_municipality": [{"name": k, "count": v} for k, v in data.by_municipality],
        }
        return Response(CoverageOut(body).data)


# --- execution discipline and approval time ------------------------------------------


REPORT_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=False),
    OpenApiParameter("to", OpenApiTypes.DATE, required=False),
    OpenApiParameter("org", OpenApiTypes.INT, required=False),
    OpenApiParameter("type", OpenApiTypes.STR, required=False),
]


def _filters(request: Request) -> Filters:
    # The report pages read a blank field as "the default"; the API wants the field left out.
    reject_blank(request.query_params, ("from", "to", "org"))
    return parse_filters({k: str(v) for k, v in request.query_params.items()}, now=clock.now())


class DisciplineRowOut(serializers.Serializer[object]):
    id = serializers.IntegerField(source="link_id", allow_null=True)
    name = serializers.CharField()
    organization = serializers.CharField()
    department = serializers.CharField()
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    days_late = serializers.IntegerField()
    current = serializers.IntegerField(help_text="Overdue now, whatever the due date.")
    on_time_share = serializers.FloatField()


class DisciplineOut(serializers.Serializer[object]):
    as_of = serializers.DateTimeField(help_text=AS_OF_HELP)
    group = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = DisciplineRowOut(many=True)
    total = DisciplineRowOut()


class DisciplineView(ApiView):
    """Overdue visas or assignments per executor, department or organization."""

    kind = Kind.VISAS

    @extend_schema(
        parameters=[
            *REPORT_PARAMETERS,
            OpenApiParameter("group", OpenApiTypes.STR, enum=[g.value for g in Group]),
        ],
        responses=DisciplineOut,
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        scope = report_scope(actor)
        filters = _filters(request)
        reject_blank(request.query_params, ("group",))
        try:
            group = Group(request.query_params.get("group") or Group.EXECUTOR)
        except ValueError as exc:
            raise ValidationFailed(_("Unknown grouping."), field="group") from exc
        if scope.employee_id is not None:
            group = Group.EXECUTOR
        figures = cache.discipline_figures(
            kind=self.kind, group=group, scope=narrowed(scope, filters), filters=filters
        )
        data = figures.value
        body = {
            "as_of": figures.as_of,
            "group": group.value,
            "start": filters.start,
            "end": filters.end,
            "rows": data.rows,
            "total": {
                **vars(data.total),
                "link_id": None,
                "name": "",
                "on_time_share": data.total.on_time_share,
            },
        }
        return Response(DisciplineOut(body).data)


@extend_schema_view(get=extend_schema(operation_id="reports_visas"))
class VisasView(DisciplineView):
    kind = Kind.VISAS


@extend_schema_view(get=extend_schema(operation_id="reports_assignments"))
class AssignmentsView(DisciplineView):
    kind = Kind.ASSIGNMENTS


class ItemOut(serializers.Serializer[object]):
    document_id = serializers.IntegerField()
    reg_number = serializers.CharField()
    title = serializers.CharField(help_text="Empty when the document is restricted to others.")
    doc_type = serializers.CharField()
    organization = serializers.CharField()
    person = serializers.CharField()
    step = serializers.CharField()
    due_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    days_late = serializers.IntegerField()
    overdue_now = serializers.BooleanField()


class DrilldownOut(serializers.Serializer[object]):
    title = serializers.CharField()
    organization = serializers.CharField()
    truncated = serializers.BooleanField()
    items = ItemOut(many=True)


class DrilldownView(ApiView):
    """The items behind one row of the report; 404 outside the caller's scope."""

    kind = Kind.VISAS

    @extend_schema(parameters=REPORT_PARAMETERS, responses=DrilldownOut)
    def get(self, request: Request, group: str, pk: int) -> Response:
        actor = api_actor(request)
        try:
            chosen = Group(group)
        except ValueError as exc:
            raise NotFound(_("Not found.")) from exc
        data = drilldown(
            kind=self.kind,
            group=chosen,
            pk=pk,
            scope=report_scope(actor),
            filters=_filters(request),
            now=clock.now(),
            viewer=actor.employee,
        )
        return Response(DrilldownOut(data).data)


@extend_schema_view(get=extend_schema(operation_id="reports_visas_items"))
class VisaItemsView(DrilldownView):
    kind = Kind.VISAS


@extend_schema_view(get=extend_schema(operation_id="reports_assignments_items"))
class AssignmentItemsView(DrilldownView):
    kind = Kind.ASSIGNMENTS


class SummaryOut(serializers.Serializer[object]):
    """Working days to one decimal; null when there were no documents (not 0)."""

    count = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)


class PersonTimeOut(serializers.Serializer[object]):
    employee_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    mean = serializers.FloatField()
    late = serializers.IntegerField()


class StageTimeOut(serializers.Serializer[object]):
    name = serializers.CharField()
    is_signing = serializers.BooleanField()
    is_rework = serializers.BooleanField()
    summary = SummaryOut()
    normative = serializers.FloatField(allow_null=True)
    within_share = serializers.FloatField(allow_null=True)
    share_of_time = serializers.FloatField()
    people = PersonTimeOut(many=True)


class TypeTimeOut(serializers.Serializer[object]):
    code = serializers.CharField()
    name = serializers.CharField()
    summary = SummaryOut()
    normative = serializers.IntegerField()
    within_share = serializers.FloatField(allow_null=True)
    bottleneck = serializers.CharField(source="bottleneck.name", allow_null=True, default=None)
    sentence = serializers.CharField()
    stages = StageTimeOut(many=True)


class MonthTimeOut(serializers.Serializer[object]):
    month = serializers.DateField()
    summary = SummaryOut()
    within_share = serializers.FloatField(allow_null=True)


class ApprovalTimeOut(serializers.Serializer[object]):
    as_of = serializers.DateTimeField(help_text=AS_OF_HELP)
    summary = SummaryOut()
    within_share = serializers.FloatField(allow_null=True)
    types = TypeTimeOut(many=True)
    months = MonthTimeOut(many=True)


class ApprovalTimeView(ApiView):
    """Approval time against the normative per document type and stage; trend by month."""

    @extend_schema(parameters=REPORT_PARAMETERS, responses=ApprovalTimeOut)
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        scope = require_organization_scope(actor)
        filters = _filters(request)
        figures = cache.approval_figures(scope=narrowed(scope, filters), filters=filters)
        data = figures.value
        body = {
            "as_of": figures.as_of,
            "summary": data.summary,
            "within_share": data.within_share,
            "types": data.types,
            "months": data.months,
        }
        return Response(ApprovalTimeOut(body).data)


# --- citizens' appeals ---------------------------------------------------------------


MONTH_PARAMETER = OpenApiParameter(
    "month",
    OpenApiTypes.STR,
    required=False,
    pattern=r"^[0-9]{4}-[0-9]{2}$",
    description="The month of the summary, YYYY-MM; default: the month before this one.",
)


def _month(request: Request) -> dt.date:
    reject_blank(request.query_params, ("month",))
    return parse_month(request.query_params.get("month", ""), now=clock.now())


class OutcomeCountOut(serializers.Serializer[object]):
    outcome = serializers.CharField(
        help_text="A result of consideration, or `open` (under consideration) or `withdrawn`."
    )
    name = serializers.CharField()
    count = serializers.IntegerField()


class SectionRowOut(serializers.Serializer[object]):
    code = serializers.CharField(help_text='The section of the classifier, e.g. "0002"; "" none.')
    name = serializers.CharField()
    total = serializers.IntegerField()
    outcomes = serializers.DictField(
        child=serializers.IntegerField(), help_text="Appeals by outcome (see `outcome`)."
    )


class MonthlyOut(serializers.Serializer[object]):
    month = serializers.DateField(help_text="The first day of the month.")
    rows = SectionRowOut(many=True)
    total = SectionRowOut()


class OrganizationCountOut(serializers.Serializer[object]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class AppealStageOut(serializers.Serializer[object]):
    stage = serializers.CharField(help_text="registration, redirection or answer.")
    name = serializers.CharField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_share = serializers.FloatField()
    overdue_now = serializers.IntegerField(allow_null=True)


class AppealsReportOut(serializers.Serializer[object]):
    as_of = serializers.DateTimeField(help_text=AS_OF_HELP)
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.IntegerField()
    overdue_now = serializers.IntegerField()
    by_organization = OrganizationCountOut(many=True)
    by_section = SectionRowOut(many=True)
    by_outcome = OutcomeCountOut(many=True)
    stages = AppealStageOut(many=True)
    monthly = MonthlyOut()


class AppealsReportView(ApiView):
    """Citizens' appeals received in the period: by organization, section and result;
    on time and late per stage of 59-ФЗ; the monthly summary for ССТУ."""

    @extend_schema(
        parameters=[*REPORT_PARAMETERS[:3], MONTH_PARAMETER],
        responses=AppealsReportOut,
        operation_id="reports_appeals",
    )
    def get(self, request: Request) -> Response:
        actor = api_actor(request)
        scope = require_organization_scope(actor)
        filters = _filters(request)
        month = _month(request)
        figures = cache.appeals_figures(
            scope=narrowed(scope, filters), filters=filters, month=month
        )
        data = figures.value
        body = {
            "as_of": figures.as_of,
            "start": data.start,
            "end": data.end,
            "total": data.total,
            "overdue_now": data.overdue_now,
            "by_organization": [
                {"id": pk, "name": name, "count": n} for pk, name, n in data.by_organization
            ],
            "by_section": data.by_section,
            "by_outcome": [
                {"outcome": o, "name": label, "count": n} for o, label, n in data.by_outcome
            ],
            "stages": [{**vars(s), "on_time_share": s.on_time_share} for s in data.stages],
            "monthly": data.monthly,
        }
        return Response(AppealsReportOut(body).data)


class AppealsMonthlyView(ApiView):
    """The monthly summary for ССТУ: sections of the classifier × results, as JSON or XLSX."""

    @extend_schema(
        parameters=[
            MONTH_PARAMETER,
            OpenApiParameter("org", OpenApiTypes.INT, required=False),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx"], required=False),
        ],
        responses={
            (200, "application/json"): MonthlyOut,
            (200, exports.XLSX): OpenApiTypes.BINARY,
        },
        operation_id="reports_appeals_monthly",
    )
    def get(self, request: Request) -> HttpResponse:
        actor = api_actor(request)
        scope = require_organization_scope(actor)
        reject_blank(request.query_params, ("org", "format"))
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "xlsx"):
            raise ValidationFailed(_("Choose json or xlsx."), field="format")
        month = _month(request)
        filters = _filters(request)
        data = monthly_summary(scope=narrowed(scope, filters), month=month)
        if fmt == "xlsx":
            table = monthly_table(data)
            return exports.xlsx_book_response(
                filename=f"sstu-{month:%Y-%m}.xlsx",
                sheets=[(table.title, table.headers, table.all_rows())],
            )
        return Response(MonthlyOut(data).data)
