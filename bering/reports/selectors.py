"""Read-only figures for reports. Every function takes a Scope and plain values."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum

from bering.accounts.models import User
from bering.documents.models import Document
from bering.orgs.models import Organization
from bering.reports.filters import region_tz
from bering.reports.models import RegisteredDay
from bering.reports.permissions import Scope

REGIONAL = "Краевой уровень"


@dataclass
class Coverage:
    target: int
    connected: int
    by_kind: list[tuple[str, int]]
    by_municipality: list[tuple[str, int]]
    active_users_30d: int
    users_total: int
    documents_registered: int
    documents_registered_30d: int
    organizations: list[dict[str, object]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return 100.0 * self.connected / self.target if self.target else 0.0


def _municipality_of(orgs: dict[int, Organization], org: Organization) -> str:
    seen: set[int] = set()
    current: Organization | None = org
    while current is not None and current.pk not in seen:
        if current.kind == Organization.Kind.MUNICIPALITY:
            return current.short_name
        seen.add(current.pk)
        current = orgs.get(current.parent_id) if current.parent_id else None
    return REGIONAL


def _registered_per_org(
    ids: list[int], month_ago: dt.datetime, watermark: dt.datetime | None
) -> dict[int, dict[str, int]]:
    """Documents registered per organization, in all and since ``month_ago``. With a
    ``watermark``, those registered before it are the sweep's day counts
    (``models.RegisteredDay``) and only the rest are counted here (three queries)."""
    docs = Document.objects.filter(organization_id__in=ids, status=Document.Status.REGISTERED)
    per_org: dict[int, dict[str, int]] = defaultdict(lambda: {"total": 0, "recent": 0})
    live = (
        docs
        if watermark is None
        else docs.filter(Q(registered_at__gte=watermark) | Q(registered_at__isnull=True))
    )
    for org, total, recent in (
        live.order_by()
        .values("organization_id")
        .annotate(total=Count("pk"), recent=Count("pk", filter=Q(registered_at__gte=month_ago)))
        .values_list("organization_id", "total", "recent")
    ):
        per_org[org]["total"] += total
        per_org[org]["recent"] += recent
    if watermark is None:
        return dict(per_org)
    # Before the watermark: recent = all less those before month_ago, i.e. the days before
    # its day and the part of its day before it (counted directly).
    edge = min(month_ago, watermark)
    tz = region_tz()
    edge_day = edge.astimezone(tz).date()
    for org, total, older in (
        RegisteredDay.objects.filter(organization_id__in=ids)
        .order_by()
        .values("organization_id")
        .annotate(total=Sum("n"), older=Sum("n", filter=Q(day__lt=edge_day)))
        .values_list("organization_id", "total", "older")
    ):
        per_org[org]["total"] += total or 0
        per_org[org]["recent"] += (total or 0) - (older or 0)
    day_start = dt.datetime.combine(edge_day, dt.time.min, tzinfo=tz)
    for org, n in (
        docs.filter(registered_at__gte=day_start, registered_at__lt=edge)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "n")
    ):
        per_org[org]["recent"] -= n
    return dict(per_org)


def coverage(*, scope: Scope, now: dt.datetime, watermark: dt.datetime | None = None) -> Coverage:
    """Organizations connected against the target, people active, documents registered."""
    all_orgs = {o.pk: o for o in Organization.objects.all()}
    in_scope = [
        o
        for o in all_orgs.values()
        if o.is_active and (scope.organization_ids is None or o.pk in scope.organization_ids)
    ]
    ids = [o.pk for o in in_scope]
    kinds = dict(Organization.Kind.choices)
    by_kind = Counter(str(kinds[o.kind]) for o in in_scope)
    by_municipality = Counter(_municipality_of(all_orgs, o) for o in in_scope)
    month_ago = now - dt.timedelta(days=30)
    users = User.objects.filter(
        is_active=True, posts__organization_id__in=ids, posts__is_active=True
    ).distinct()
    per_org = _registered_per_org(ids, month_ago, watermark)
    active_per_org = Counter(
        User.objects.filter(
            is_active=True, last_login__gte=month_ago, posts__organization_id__in=ids
        ).values_list("posts__organization_id", flat=True)
    )
    organizations: list[dict[str, object]] = [
        {
            "name": o.short_name,
            "kind": str(kinds[o.kind]),
            "municipality": _municipality_of(all_orgs, o),
            "connected_on": o.connected_on,
            "active_users": active_per_org.get(o.pk, 0),
            "registered": per_org.get(o.pk, {}).get("total", 0),
            "registered_30d": per_org.get(o.pk, {}).get("recent", 0),
        }
        for o in sorted(in_scope, key=lambda o: o.short_name)
    ]
    target = settings.BERING_REGION_TARGET_ORGS if scope.is_region else len(in_scope)
    return Coverage(
        target=target,
        connected=len(in_scope),
        by_kind=sorted(by_kind.items(), key=lambda kv: -kv[1]),
        by_municipality=sorted(by_municipality.items(), key=lambda kv: -kv[1]),
        active_users_30d=users.filter(last_login__gte=month_ago).count(),
        users_total=users.count(),
        documents_registered=sum(r["total"] for r in per_org.values()),
        documents_registered_30d=sum(r["recent"] for r in per_org.values()),
        organizations=organizations,
    )
