"""The filters every report shares: period, organization, document type (plain GET fields)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bering.core.errors import ValidationFailed
from bering.documents.models import DocumentType
from bering.orgs.models import Organization
from bering.reports.permissions import Scope, subtree_ids

MAX_PERIOD_DAYS = 3 * 366
DEFAULT_MONTHS = 6


def region_tz() -> zoneinfo.ZoneInfo:
    """Periods are whole days of the region's time zone (Kamchatka for this region)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Filters:
    start: dt.date
    """First day of the period (included)."""
    end: dt.date
    """Last day of the period (included)."""
    organization_id: int | None = None
    doc_type: DocumentType | None = None

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=region_tz())

    @property
    def until(self) -> dt.datetime:
        """The moment after the period (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=region_tz())

    @property
    def doc_type_id(self) -> int | None:
        return self.doc_type.pk if self.doc_type is not None else None

    def whole_months(self) -> list[dt.date]:
        """The first days of the months that lie wholly in the period."""
        found = []
        month = self.start.replace(day=1)
        while month <= self.end:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            if month >= self.start and following - dt.timedelta(days=1) <= self.end:
                found.append(month)
            month = following
        return found

    def query(self) -> dict[str, str]:
        """The GET fields that give these filters (for links and exports)."""
        data = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.organization_id is not None:
            data["org"] = str(self.organization_id)
        if self.doc_type is not None:
            data["type"] = self.doc_type.code
        return data


def outside_months(field: str, months: list[dt.date]) -> Q:
    """``field`` outside the run of whole ``months`` (which a monthly sum answers for)."""
    if not months:
        return Q()
    first = dt.datetime.combine(months[0], dt.time.min, tzinfo=region_tz())
    following = (months[-1] + dt.timedelta(days=32)).replace(day=1)
    after = dt.datetime.combine(following, dt.time.min, tzinfo=region_tz())
    return Q(**{f"{field}__lt": first}) | Q(**{f"{field}__gte": after})


def default_period(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The current month and the five before it, up to today."""
    today = now.astimezone(region_tz()).date()
    month = today.month - (DEFAULT_MONTHS - 1)
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1), today


def _date(raw: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationFailed(
            _("Give the date as YYYY-MM-DD (field %(name)s).") % {"name": name},
            code="bad_date",
            field=name,
        ) from exc


def parse_filters(data: Mapping[str, str], *, now: dt.datetime) -> Filters:
    """Filters from GET fields ``from``, ``to``, ``org`` (id) and ``type`` (document type code).
    Empty fields take the defaults; a malformed one is a 400 naming the field."""
    start, end = default_period(now)
    if data.get("from", "").strip():
        start = _date(data["from"], "from")
    if data.get("to", "").strip():
        end = _date(data["to"], "to")
    if end < start:
        raise ValidationFailed(
            _("The end of the period is before its start."), code="bad_period", field="to"
        )
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationFailed(
            _("A period is at most three years."), code="bad_period", field="from"
        )
    organization_id = None
    raw_org = data.get("org", "").strip()
    if raw_org:
        if not raw_org.isascii() or not raw_org.isdigit() or len(raw_org) > 18:
            raise ValidationFailed(_("Choose an organization."), code="bad_org", field="org")
        organization_id = int(raw_org)
    doc_type = None
    raw_type = data.get("type", "").strip()
    if raw_type:
        doc_type = DocumentType.objects.filter(code=raw_type[:40]).first()
        if doc_type is None:
            raise ValidationFailed(_("Choose a document type."), code="bad_type", field="type")
    return Filters(start=start, end=end, organization_id=organization_id, doc_type=doc_type)


def parse_month(raw: str, *, now: dt.datetime, field: str = "month") -> dt.date:
    """The first day of the month given as ``YYYY-MM``; empty: the month before ``now``
    (the one a monthly summary is submitted for)."""
    raw = raw.strip()
    if not raw:
        first = now.astimezone(region_tz()).date().replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1)
    try:
        if len(raw) != 7:
            raise ValueError(raw)
        return dt.date.fromisoformat(f"{raw}-01")
    except ValueError as exc:
        raise ValidationFailed(
            _("Give the month as YYYY-MM (field %(name)s).") % {"name": field},
            code="bad_month",
            field=field,
        ) from exc


def narrowed(scope: Scope, filters: Filters) -> Scope:
    """The scope cut down to the chosen organization and the ones below it.
    An organization outside the scope leaves nothing (never someone else's figures)."""
    if filters.organization_id is None:
        return scope
    chosen = subtree_ids(filters.organization_id)
    if scope.organization_ids is not None:
        chosen = chosen & scope.organization_ids
    return Scope(organization_ids=chosen, employee_id=scope.employee_id)


def organization_choices(scope: Scope) -> list[tuple[int, str]]:
    qs = Organization.objects.filter(is_active=True)
    if scope.organization_ids is not None:
        qs = qs.filter(pk__in=scope.organization_ids)
    return list(qs.order_by("short_name").values_list("pk", "short_name"))


def doc_type_choices() -> list[tuple[str, str]]:
    return list(
        DocumentType.objects.filter(is_active=True).order_by("name").values_list("code", "name")
    )
