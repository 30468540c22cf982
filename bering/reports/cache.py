"""Figures over many organizations, kept for a few minutes.

A region-wide report reads hundreds of thousands of visas, stages and
assignments (about a second on the benchmark region, decision 0009). The
governor's office opens the same dashboard many times a day, and the figures
are "as of now" anyway, so a *wide* scope (the region, or a subtree of more than
``WIDE_SCOPE_ORGANIZATIONS`` organizations) keeps its figures in Django's cache
for ``BERING_REPORT_CACHE_SECONDS`` per (report, scope, filters, language), and
every page says as of when. Narrow scopes (one organization, one person) are
computed on every request: they are cheap, and a head who has just acted
expects to see it. ``warm()`` (run by ``manage.py sweep``) recomputes the region
dashboard's default figures, so the governor's office never waits.

A cache that fails (Redis down) only costs the time: the figures are computed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from bering.core import clock
from bering.reports import selectors
from bering.reports.filters import Filters, parse_filters
from bering.reports.permissions import Scope
from bering.reports.selectors_appeals import AppealsReport, appeals_report
from bering.reports.selectors_approval import ApprovalTime, approval_time
from bering.reports.selectors_discipline import Discipline, Group, Kind, discipline
from bering.reports.selectors_rollup import rollup_watermarks

T = TypeVar("T")
log = logging.getLogger(__name__)

WIDE_SCOPE_ORGANIZATIONS = 20
VERSION = 3
"""Bumped when the shape of a cached figure changes (old entries are then ignored)."""


@dataclass(frozen=True)
class Figures(Generic[T]):
    value: T
    as_of: dt.datetime
    """When the figures were computed (shown on the page)."""
    cached: bool = False


def is_wide(scope: Scope) -> bool:
    if scope.employee_id is not None:
        return False
    return scope.organization_ids is None or len(scope.organization_ids) > WIDE_SCOPE_ORGANIZATIONS


def key(name: str, scope: Scope, filters: Filters | None) -> str:
    ids = None if scope.organization_ids is None else sorted(scope.organization_ids)
    query = sorted(filters.query().items()) if filters is not None else None
    raw = repr((VERSION, name, ids, scope.employee_id, query, translation.get_language()))
    return "bering:reports:" + hashlib.sha256(raw.encode()).hexdigest()


def _get(cache_key: str) -> Figures[T] | None:
    try:
        found = cache.get(cache_key)
    except Exception:  # a cache server down is not the report's failure
        log.warning("report cache unavailable", exc_info=True)
        return None
    return found if isinstance(found, Figures) else None


def _set(cache_key: str, figures: Figures[T]) -> None:
    try:
        cache.set(cache_key, figures, settings.BERING_REPORT_CACHE_SECONDS)
    except Exception:
        log.warning("report cache unavailable", exc_info=True)


def figures(
    name: str,
    *,
    scope: Scope,
    filters: Filters | None,
    compute: Callable[[dt.datetime], T],
    refresh: bool = False,
) -> Figures[T]:
    """``compute(now)``, kept for a wide scope; ``refresh`` computes anew and keeps that."""
    now = clock.now()
    if not is_wide(scope) or settings.BERING_REPORT_CACHE_SECONDS <= 0:
        return Figures(value=compute(now), as_of=now)
    cache_key = key(name, scope, filters)
    if not refresh:
        found: Figures[T] | None = _get(cache_key)
        if found is not None:
            return Figures(value=found.value, as_of=found.as_of, cached=True)
    result = Figures(value=compute(now), as_of=now)
    _set(cache_key, result)
    return result


def watermark(part: str, scope: Scope) -> dt.datetime | None:
    """Where the sweep's facts reach for a wide scope (``models``); a narrow scope is
    computed directly, as is a part whose facts are not built or no longer hold."""
    if not is_wide(scope):
        return None
    return rollup_watermarks().get(part)


def discipline_figures(
    *, kind: Kind, group: Group, scope: Scope, filters: Filters, refresh: bool = False
) -> Figures[Discipline]:
    return figures(
        f"discipline:{kind}:{group}",
        scope=scope,
        filters=filters,
        compute=lambda now: discipline(
            kind=kind,
            group=group,
            scope=scope,
            filters=filters,
            now=now,
            watermark=watermark(kind.value, scope),
        ),
        refresh=refresh,
    )


def approval_figures(
    *, scope: Scope, filters: Filters, refresh: bool = False
) -> Figures[ApprovalTime]:
    return figures(
        "approval",
        scope=scope,
        filters=filters,
        compute=lambda now: approval_time(
            scope=scope, filters=filters, watermark=watermark("approval", scope)
        ),
        refresh=refresh,
    )


def appeals_figures(
    *, scope: Scope, filters: Filters, month: dt.date, refresh: bool = False
) -> Figures[AppealsReport]:
    return figures(
        f"appeals:{month.isoformat()}",
        scope=scope,
        filters=filters,
        compute=lambda now: appeals_report(scope=scope, filters=filters, month=month, now=now),
        refresh=refresh,
    )


def coverage_figures(*, scope: Scope, refresh: bool = False) -> Figures[selectors.Coverage]:
    return figures(
        "coverage",
        scope=scope,
        filters=None,
        compute=lambda now: selectors.coverage(
            scope=scope, now=now, watermark=watermark("coverage", scope)
        ),
        refresh=refresh,
    )


def warm() -> None:
    """Recompute the region dashboard's default figures, in the default language (the
    report pages' defaults share them: approval time, visas and assignments by executor)."""
    region = Scope(organization_ids=None)
    with translation.override(settings.LANGUAGE_CODE):
        filters = parse_filters({}, now=clock.now())
        coverage_figures(scope=region, refresh=True)
        # The dashboard's two tables, and the assignments page's default grouping.
        for kind, group in (
            (Kind.VISAS, Group.EXECUTOR),
            (Kind.ASSIGNMENTS, Group.ORGANIZATION),
            (Kind.ASSIGNMENTS, Group.EXECUTOR),
        ):
            discipline_figures(kind=kind, group=group, scope=region, filters=filters, refresh=True)
        approval_figures(scope=region, filters=filters, refresh=True)
