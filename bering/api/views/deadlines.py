"""The working-day calendar and deadline arithmetic: GET /calendar/{year},
GET /deadlines/compute. Region-wide reference data: no acting post needed."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bering.api.base import ApiView, parse
from bering.core.errors import NotFound
from bering.deadlines import selectors
from bering.deadlines.arithmetic import MAX_TERM_DAYS
from bering.deadlines.models import Basis, DayKind, Roll
from bering.deadlines.services import MAX_YEAR, MIN_YEAR

# --- Serializers ------------------------------------------------------------------


class CalendarDayOut(serializers.Serializer[Any]):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.choices)
    working = serializers.BooleanField(source="is_working")
    name = serializers.CharField(help_text="The holiday's name or the transfer, if any.")


class CalendarYearOut(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    known = serializers.BooleanField(
        help_text="The year's decree is entered; if false, only weekends and the statutory "
        "holidays count."
    )
    decree = serializers.CharField()
    working_days = serializers.IntegerField()
    shortened_days = serializers.IntegerField()
    non_working_days = serializers.IntegerField()
    official_working_days = serializers.IntegerField(allow_null=True)
    days = CalendarDayOut(many=True)


class ComputeIn(serializers.Serializer[Any]):
    start = serializers.CharField(
        max_length=40,
        help_text="ISO 8601 moment (with offset; without one it is read in `tz`) or a date.",
    )
    days = serializers.IntegerField(min_value=0, max_value=MAX_TERM_DAYS)
    basis = serializers.ChoiceField(choices=Basis.choices, default=Basis.WORKING)
    tz = serializers.CharField(
        max_length=64, required=False, help_text="IANA time zone; default: the region's."
    )
    roll = serializers.ChoiceField(
        choices=Roll.choices,
        default=Roll.NEXT,
        help_text="For calendar days: where a deadline on a non-working day moves.",
    )

    def validate_tz(self, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError(_("Unknown time zone.")) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        tz = attrs.get("tz") or settings.TIME_ZONE
        attrs["tz"] = tz
        attrs["start"] = _moment(attrs["start"], zoneinfo.ZoneInfo(tz))
        return attrs


def _moment(raw: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time(0, 0))
    except ValueError:
        moment = None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise serializers.ValidationError(
            {"start": [_("Give a date or an ISO 8601 moment, e.g. 2025-12-30T10:00+12:00.")]}
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


class DeadlineOut(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField(help_text="The close of business, in `tz`.")
    due_date = serializers.DateField()
    explanation = serializers.CharField(help_text="How it was counted, one line in Russian.")
    start = serializers.DateTimeField()
    start_date = serializers.DateField()
    days = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=Basis.choices)
    roll = serializers.ChoiceField(choices=Roll.choices, allow_null=True)
    tz = serializers.CharField()
    shortened = serializers.BooleanField(help_text="The due day is a shortened pre-holiday day.")


# --- Views ------------------------------------------------------------------------


class CalendarYearView(ApiView):
    """Every day of a year with its kind, and the count of working days."""

    acts_in_post = False

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=CalendarYearOut,
        operation_id="calendar_year",
    )
    def get(self, request: Request, year: str) -> Response:
        if not (year.isascii() and year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR):
            raise NotFound(
                _("The calendar covers the years %(min)s to %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        view = selectors.calendar_year_view(year=int(year))
        return Response(CalendarYearOut(view).data)


class DeadlineComputeView(ApiView):
    """When a term ends: the due time (close of business, local) and its explanation."""

    acts_in_post = False

    @extend_schema(parameters=[ComputeIn], responses=DeadlineOut, operation_id="deadline_compute")
    def get(self, request: Request) -> Response:
        query = parse(ComputeIn, request.query_params)
        deadline = selectors.deadline_compute(
            start=query["start"],
            days=query["days"],
            basis=Basis(query["basis"]),
            tz=query["tz"],
            roll=Roll(query["roll"]),
        )
        body = DeadlineOut(deadline).data
        body["due_at"] = deadline.due_at.isoformat()  # in the deadline's own zone
        return Response(body)
