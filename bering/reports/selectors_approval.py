"""Approval time against the normative, per document type and per stage of the route.

A document's approval time runs from the start of its first round to the end of
the round that was signed, in working days of the official calendar, counted in
the organization's time zone (``deadlines.arithmetic.working_days_between``:
business hours 9-18, a shortened day is a whole day too), rounded once to one
decimal (``stats.working_days``). It is compared with the regulation's
normative: the document is *within the normative* when that duration is at or
under the normative. Every figure (mean, median, 90th percentile, the share
within) is taken from the same list of durations, so they cannot disagree
(issue 10: the share used to come from the first round's due time, a different
measure, and said 100 % under a median over the normative).

Each stage pass (a stage of any round that started and ended) is timed the
same way; the time between rounds is the author's rework. The stage that took
the largest share of the type's total time is the *bottleneck*, and the people
whose visas were in it are named with their own times.

Queries: the signed rounds of the period (one), the stages of their documents
(one), the regulations (one), the visas of the bottleneck stages (one) and the
names of their people (one): five, whatever the number of documents.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from bering.approvals.models import ApprovalRun, Regulation, Stage, Visa
from bering.approvals.services import DEFAULT_TOTAL_DAYS
from bering.core.db import EpochSeconds
from bering.deadlines.bulk import Workdays
from bering.documents.models import DocumentType
from bering.orgs.models import Employee
from bering.reports.filters import Filters, outside_months, region_tz
from bering.reports.models import ApprovalFact, ApprovalMonth
from bering.reports.permissions import Scope
from bering.reports.stats import (
    Summary,
    days,
    share,
    share_or_none,
    within_count,
    working_days,
)

T = TypeVar("T")
PEOPLE_SHOWN = 5
REWORK = "rework"


@dataclass
class PersonTime:
    employee_id: int
    name: str = ""
    count: int = 0
    total: float = 0.0
    late: int = 0

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0


@dataclass
class Durations:
    """Durations in working days (rounded once) with each one's normative: every
    figure of a row of the report comes from these two lists."""

    times: list[float] = field(default_factory=list)
    normatives: list[float] = field(default_factory=list)
    _memo: dict[str, tuple[int, Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _kept(self, name: str, compute: Callable[[], T]) -> T:
        """A figure of the lists computed once while they do not grow (the page, the charts
        and the tables ask for each many times; a region's lists hold 100,000 values)."""
        size = len(self.times)
        found = self._memo.get(name)
        if found is None or found[0] != size:
            found = self._memo[name] = (size, compute())
        value: T = found[1]
        return value

    def add(self, elapsed: float, normative: float) -> None:
        self.times.append(working_days(elapsed))
        self.normatives.append(normative)

    def add_many(self, value: float, normative: float, count: int) -> None:
        """``count`` durations already rounded to ``value`` (facts added up by the database)."""
        self.times.extend([value] * count)
        self.normatives.extend([normative] * count)

    @property
    def summary(self) -> Summary:
        return self._kept("summary", lambda: Summary.of(self.times))

    @property
    def within(self) -> int:
        return self._kept("within", lambda: within_count(self.times, self.normatives))

    @property
    def within_share(self) -> float | None:
        return share_or_none(self.within, len(self.times))


@dataclass
class StageTime(Durations):
    name: str = ""
    is_signing: bool = False
    is_rework: bool = False
    share_of_time: float = 0.0
    people: list[PersonTime] = field(default_factory=list)

    @property
    def total(self) -> float:
        # fsum is exact: the same whatever the order of the rows.
        return self._kept("total", lambda: math.fsum(self.times))

    @property
    def normative(self) -> float | None:
        if self.is_rework or not self.normatives:
            return None
        return self._kept("normative", lambda: sum(self.normatives) / len(self.normatives))

    @property
    def within_share(self) -> float | None:
        return None if self.is_rework else super().within_share

    @property
    def over(self) -> bool:
        norm, mean = self.normative, self.summary.mean
        return norm is not None and mean is not None and mean > working_days(norm)


@dataclass
class TypeTime(Durations):
    doc_type_id: int = 0
    code: str = ""
    name: str = ""
    normative: int = 0
    stages: list[StageTime] = field(default_factory=list)
    bottleneck: StageTime | None = None

    @property
    def over(self) -> bool:
        """The mean as shown (one decimal) is over the normative."""
        mean = self.summary.mean
        return mean is not None and mean > self.normative

    @property
    def sentence(self) -> str:
        """«Соглашение: 6,4 раб. дня при нормативе 3; 58 % времени — этап «Правовое управление»»."""
        text = _("%(type)s: %(mean)s working days against the normative %(norm)s") % {
            "type": self.name,
            "mean": days(self.summary.mean),
            "norm": self.normative,
        }
        if self.bottleneck is not None:
            text += _("; %(share)s %% of the time is the stage “%(stage)s”") % {
                "share": f"{self.bottleneck.share_of_time:.0f}",
                "stage": self.bottleneck.name,
            }
        return text


@dataclass
class MonthTime(Durations):
    month: dt.date = dt.date.min

    @property
    def label(self) -> str:
        return f"{self.month:%m.%Y}"


@dataclass
class ApprovalTime(Durations):
    types: list[TypeTime] = field(default_factory=list)
    months: list[MonthTime] = field(default_factory=list)

    @property
    def over_normative(self) -> list[TypeTime]:
        return [t for t in self.types if t.over]


def _signed_runs(scope: Scope, filters: Filters) -> QuerySet[ApprovalRun]:
    qs = ApprovalRun.objects.filter(
        status=ApprovalRun.Status.SIGNED,
        finished_at__gte=filters.since,
        finished_at__lt=filters.until,
    )
    if scope.organization_ids is not None:
        qs = qs.filter(document__organization_id__in=scope.organization_ids)
    if scope.employee_id is not None:
        qs = qs.filter(document__author_id=scope.employee_id)
    if filters.doc_type_id is not None:
        qs = qs.filter(document__doc_type_id=filters.doc_type_id)
    return qs


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def approval_time(
    *, scope: Scope, filters: Filters, watermark: dt.datetime | None = None
) -> ApprovalTime:
    """Approval time per document type and stage for the documents signed in the period.

    With a ``watermark`` (``rollup.watermark``), the documents signed before it are added
    up from the sweep's facts (grouped queries) and only the others are read here."""
    cal = Workdays()
    runs = _signed_runs(scope, filters)
    if watermark is not None:
        runs = runs.filter(finished_at__gte=watermark)
    signed = _signed_rows(cal, runs)
    facts = _facts(scope, filters) if watermark is not None else None
    normatives = dict(Regulation.objects.values_list("doc_type_id", "total_days"))
    type_ids = {row[1] for row in signed}
    if facts is not None:
        type_ids |= {type_id for type_id, _month, _tenths, _n in facts.documents}
    names = {
        pk: (code, name)
        for pk, code, name in DocumentType.objects.filter(pk__in=type_ids).values_list(
            "pk", "code", "name"
        )
    }
    types: dict[int, TypeTime] = {}

    def of_type(type_id: int) -> TypeTime:
        figures = types.get(type_id)
        if figures is None:
            code, name = names[type_id]
            figures = types[type_id] = TypeTime(
                doc_type_id=type_id,
                code=code,
                name=name,
                normative=normatives.get(type_id, DEFAULT_TOTAL_DAYS),
            )
        return figures

    month_list = [MonthTime(month=m) for m in _months(filters.start, filters.end)]
    month_starts = [
        dt.datetime.combine(m.month, dt.time.min, tzinfo=region_tz()).timestamp()
        for m in month_list
    ]
    doc_total: dict[int, float] = {}
    doc_type_of: dict[int, int] = {}
    result = ApprovalTime()
    for doc_id, type_id, finished, elapsed in signed:
        figures = of_type(type_id)
        figures.add(elapsed, figures.normative)
        index = bisect.bisect_right(month_starts, finished) - 1
        if index >= 0:
            month_list[index].add(elapsed, figures.normative)
        result.add(elapsed, figures.normative)
        doc_total[doc_id] = figures.times[-1]
        doc_type_of[doc_id] = type_id
    per_type: dict[int, dict[tuple[str, bool], StageTime]] = defaultdict(dict)
    for _doc, type_id, stage_name, is_signing, norm, value in _stage_rows(
        cal, runs, doc_total, doc_type_of
    ):
        _stage_of(per_type[type_id], stage_name, is_signing).add(value, norm)
    if facts is not None:
        month_index = {m.month: i for i, m in enumerate(month_list)}
        for type_id, month, tenths, count in facts.documents:
            figures = of_type(type_id)
            value = tenths / 10
            figures.add_many(value, figures.normative, count)
            if month in month_index:
                month_list[month_index[month]].add_many(value, figures.normative, count)
            result.add_many(value, figures.normative, count)
        for type_id, stage_name, is_signing, norm, tenths, count in facts.stages:
            stage = _stage_of(per_type[type_id], stage_name, is_signing)
            stage.add_many(tenths / 10, norm, count)
    _bottlenecks(types, per_type)
    _people(cal, runs, types, scope, filters, with_facts=facts is not None)
    result.types = sorted(types.values(), key=lambda t: (-(t.summary.mean or 0.0), t.name))
    result.months = month_list
    return result


SignedRow = tuple[int, int, float, float]
"""A signed document: its id, type, the end of the signed round, its working days."""


def _signed_rows(cal: Workdays, runs: QuerySet[ApprovalRun]) -> list[SignedRow]:
    """The documents signed by ``runs`` (one query) with their approval time: from the
    start of round 1 to the end of the signed round, in the organization's working days."""
    first = ApprovalRun.objects.filter(document_id=OuterRef("document_id"), round=1).order_by()
    rows = (
        runs.order_by()
        .annotate(
            first_start=Subquery(first.annotate(s=EpochSeconds("started_at")).values("s")[:1]),
            started=EpochSeconds("started_at"),
            finished=EpochSeconds("finished_at"),
        )
        .values_list(
            "document_id",
            "document__doc_type_id",
            "document__organization__time_zone",
            "started",
            "first_start",
            "finished",
        )
    )
    found: list[SignedRow] = []
    for doc_id, type_id, tz, started, first_start, finished in rows:
        start = first_start if first_start is not None else started
        if start is None or finished is None:
            continue
        found.append((doc_id, type_id, finished, cal.between(start, finished, tz)))
    return found


StageRow = tuple[int, int, str, bool, int, float]
"""A stage pass or the author's rework: document, type, stage name, signing, normative,
working days (rounded)."""


def _stage_rows(
    cal: Workdays,
    runs: QuerySet[ApprovalRun],
    doc_total: dict[int, float],
    doc_type_of: dict[int, int],
    stage_ids: list[int] | None = None,
) -> list[StageRow]:
    """The stage passes of the documents of ``runs`` (one query), rounded, then each
    document's rework between rounds: its total less its stages (``REWORK`` rows)."""
    rows = (
        Stage.objects.filter(
            run__document_id__in=runs.values("document_id"),
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .order_by()
        .annotate(
            started=EpochSeconds("started_at"),
            finished=EpochSeconds("finished_at"),
        )
        .values_list(
            "pk",
            "run__document_id",
            "name",
            "is_signing",
            "days",
            "started",
            "finished",
            "run__document__organization__time_zone",
        )
    )
    found: list[StageRow] = []
    in_stages: dict[int, float] = defaultdict(float)
    for pk, doc_id, name, is_signing, norm, started, finished, tz in rows:
        type_id = doc_type_of.get(doc_id)
        if type_id is None or started is None or finished is None:
            continue
        value = working_days(cal.between(started, finished, tz))
        found.append((doc_id, type_id, name, is_signing, norm, value))
        if stage_ids is not None:
            stage_ids.append(pk)
        in_stages[doc_id] += value
    for doc_id, total in doc_total.items():
        rework = total - in_stages.get(doc_id, 0.0)
        if rework > 0.005:
            found.append((doc_id, doc_type_of[doc_id], REWORK, False, 0, working_days(rework)))
            if stage_ids is not None:
                stage_ids.append(-doc_id)
    return found


def _stage_of(of_type: dict[tuple[str, bool], StageTime], name: str, is_signing: bool) -> StageTime:
    stage = of_type.get((name, is_signing))
    if stage is None:
        if name == REWORK and not is_signing:
            stage = StageTime(name=_("Rework by the author"), is_rework=True)
        else:
            stage = StageTime(name=name, is_signing=is_signing)
        of_type[name, is_signing] = stage
    return stage


def _bottlenecks(
    types: dict[int, TypeTime], per_type: dict[int, dict[tuple[str, bool], StageTime]]
) -> None:
    """Each stage's share of its type's time, the stages in order, the bottleneck."""
    for type_id, figures in types.items():
        whole = math.fsum(figures.times)
        stages = list(per_type.get(type_id, {}).values())
        for stage in stages:
            stage.share_of_time = share(stage.total, whole)
        # The route's stages in their usual order: by first appearance is lost in the
        # aggregate, so signing last, rework after it, the rest by time taken.
        figures.stages = sorted(stages, key=lambda s: (s.is_rework, s.is_signing, -s.total, s.name))
        route = [s for s in stages if not s.is_rework]
        if route:
            figures.bottleneck = max(route, key=lambda s: (s.total, s.name))


@dataclass
class _Facts:
    documents: list[tuple[int, dt.date, int, int]]
    """(type, month, tenths, count)"""
    stages: list[tuple[int, str, bool, int, int, int]]
    """(type, stage name, signing, normative, tenths, count); rework is named ``REWORK``."""


def _full_months(scope: Scope, filters: Filters) -> list[dt.date]:
    """The whole months of the period, read from the region's monthly sums (region only)."""
    return filters.whole_months() if scope.organization_ids is None else []


def _fact_rows(scope: Scope, filters: Filters, *parts: str) -> QuerySet[ApprovalFact]:
    """The facts of the period outside its whole months (for the region)."""
    facts = ApprovalFact.objects.filter(
        part__in=parts, finished_at__gte=filters.since, finished_at__lt=filters.until
    )
    if scope.organization_ids is not None:
        facts = facts.filter(organization_id__in=scope.organization_ids)
    if filters.doc_type_id is not None:
        facts = facts.filter(doc_type_id=filters.doc_type_id)
    return facts.filter(outside_months("finished_at", _full_months(scope, filters))).order_by()


def _month_rows(scope: Scope, filters: Filters, *parts: str) -> QuerySet[ApprovalMonth]:
    """The region's monthly sums of the whole months of the period."""
    months = ApprovalMonth.objects.filter(part__in=parts, month__in=_full_months(scope, filters))
    if filters.doc_type_id is not None:
        months = months.filter(doc_type_id=filters.doc_type_id)
    return months.order_by()


def _facts(scope: Scope, filters: Filters) -> _Facts:
    """The documents signed before the watermark, as counts of equal durations (four
    queries: the facts of the cut months, the monthly sums of the whole ones)."""
    if scope.employee_id is not None:
        raise ValueError("the rollup has no authors: own figures are computed directly")
    doc = (ApprovalFact.Part.DOCUMENT,)
    stage = (ApprovalFact.Part.STAGE, ApprovalFact.Part.REWORK)
    doc_keys = ("doc_type_id", "month", "tenths")
    stage_keys = ("doc_type_id", "name", "is_signing", "normative", "tenths")
    documents = [
        *_fact_rows(scope, filters, *doc)
        .values(*doc_keys)
        .annotate(_n=Count("pk"))
        .values_list(*doc_keys, "_n"),
        *_month_rows(scope, filters, *doc)
        .values(*doc_keys)
        .annotate(_n=Sum("n"))
        .values_list(*doc_keys, "_n"),
    ]
    stages = [
        *_fact_rows(scope, filters, *stage)
        .values(*stage_keys)
        .annotate(_n=Count("pk"))
        .values_list(*stage_keys, "_n"),
        *_month_rows(scope, filters, *stage)
        .values(*stage_keys)
        .annotate(_n=Sum("n"))
        .values_list(*stage_keys, "_n"),
    ]
    return _Facts(documents=documents, stages=stages)


def _people(
    cal: Workdays,
    runs: QuerySet[ApprovalRun],
    types: dict[int, TypeTime],
    scope: Scope,
    filters: Filters,
    *,
    with_facts: bool = False,
) -> None:
    """The people of each bottleneck stage with their own times (two queries; one more
    with the facts)."""
    condition = Q()
    fact_condition = Q()
    for figures in types.values():
        if figures.bottleneck is not None:
            condition |= Q(
                run__document__doc_type_id=figures.doc_type_id,
                stage__name=figures.bottleneck.name,
                stage__is_signing=figures.bottleneck.is_signing,
            )
            fact_condition |= Q(
                doc_type_id=figures.doc_type_id,
                name=figures.bottleneck.name,
                is_signing=figures.bottleneck.is_signing,
            )
    if not condition:
        return
    people: dict[int, dict[int, PersonTime]] = defaultdict(dict)
    for _doc, type_id, approver_id, elapsed, late, _stage, _signing in _visa_rows(
        cal, runs, condition
    ):
        person = people[type_id].setdefault(approver_id, PersonTime(employee_id=approver_id))
        person.count += 1
        person.total += elapsed
        person.late += late
    if with_facts:
        _add_fact_people(people, scope, filters, fact_condition)
    top = {
        type_id: sorted(found.values(), key=lambda p: (-p.total, p.employee_id))[:PEOPLE_SHOWN]
        for type_id, found in people.items()
    }
    ids = {p.employee_id for shown in top.values() for p in shown}
    named = {
        e.pk: e for e in Employee.objects.filter(pk__in=ids).select_related("user", "position")
    }
    for type_id, shown in top.items():
        for person in shown:
            employee = named.get(person.employee_id)
            if employee is not None:
                person.name = employee.user.display_name
                if employee.position is not None:
                    person.name += f", {employee.position.name}"
        bottleneck = types[type_id].bottleneck
        if bottleneck is not None:
            bottleneck.people = shown


def _add_fact_people(
    people: dict[int, dict[int, PersonTime]], scope: Scope, filters: Filters, condition: Q
) -> None:
    """The facts' people of the bottleneck stages, only as many as can be shown (one
    query): per type the first ``PEOPLE_SHOWN`` + L by time (L: the most people with
    live visas in a type, who may overtake them) and the facts of those people."""
    live = sorted({approver for found in people.values() for approver in found})
    room = PEOPLE_SHOWN + max((len(found) for found in people.values()), default=0)
    keys = ("doc_type_id", "approver_id")
    facts = (
        _fact_rows(scope, filters, ApprovalFact.Part.VISA)
        .filter(condition)
        .values(*keys)
        .annotate(_n=Count("pk"), _total=Sum("elapsed"), _late=Count("pk", filter=Q(late=True)))
        .values_list(*keys, "_n", "_total", "_late")
    )
    months = (
        _month_rows(scope, filters, ApprovalFact.Part.VISA)
        .filter(condition)
        .values(*keys)
        .annotate(_n=Sum("n"), _total=Sum("elapsed"), _late=Sum("late"))
        .values_list(*keys, "_n", "_total", "_late")
    )
    # One statement over both: Django's own SQL of the two groupings (with their
    # parameters), placeholders for every value; nothing of the request is in the text.
    parts = []
    for part in (facts, months):
        try:
            parts.append(part.query.sql_with_params())
        except EmptyResultSet:  # no whole month in the period
            continue
    if not parts:
        return
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS p{i}"  # noqa: S608
        for i, (sql, _p) in enumerate(parts)
    )
    params: list[Any] = [p for _sql, part in parts for p in part]
    live_sql = f" OR approver_id IN ({', '.join(['%s'] * len(live))})" if live else ""
    sql = (
        "SELECT doc_type_id, approver_id, n, total, late FROM ("  # noqa: S608
        " SELECT doc_type_id, approver_id, n, total, late, ROW_NUMBER() OVER ("
        "  PARTITION BY doc_type_id ORDER BY total DESC, approver_id) AS place FROM ("
        "  SELECT doc_type_id, approver_id, SUM(_n) AS n, SUM(_total) AS total,"
        "   SUM(_late) AS late"
        f"  FROM ({union}) AS u GROUP BY doc_type_id, approver_id) AS g) AS r"
        f" WHERE place <= %s{live_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, room, *live])
        rows = cursor.fetchall()
    for type_id, approver_id, count, total, late in rows:
        if approver_id is None:
            continue
        person = people[type_id].setdefault(approver_id, PersonTime(employee_id=approver_id))
        person.count += int(count)
        person.total += float(total or 0.0)
        person.late += int(late)


VisaRow = tuple[int, int, int, float, bool, str, bool]
"""A decided visa of a signed document: document, type, approver, working days, decided
late, its stage's name and whether it is the signing."""


def _visa_rows(
    cal: Workdays,
    runs: QuerySet[ApprovalRun],
    condition: Q,
    visa_ids: list[int] | None = None,
) -> list[VisaRow]:
    """The decided visas of the documents of ``runs`` that meet ``condition`` (one query)."""
    rows = (
        Visa.objects.filter(condition)
        .filter(
            run__document_id__in=runs.values("document_id"),
            activated_at__isnull=False,
            decided_at__isnull=False,
        )
        .order_by()
        .annotate(
            activated=EpochSeconds("activated_at"),
            decided=EpochSeconds("decided_at"),
            due=EpochSeconds("due_at"),
        )
        .values_list(
            "pk",
            "run__document_id",
            "run__document__doc_type_id",
            "approver_id",
            "stage__name",
            "stage__is_signing",
            "activated",
            "decided",
            "due",
            "run__document__organization__time_zone",
        )
    )
    found: list[VisaRow] = []
    for pk, doc_id, type_id, approver_id, stage, signing, activated, decided, due, tz in rows:
        if activated is None or decided is None:
            continue
        late = due is not None and decided > due
        found.append(
            (
                doc_id,
                type_id,
                approver_id,
                cal.between(activated, decided, tz),
                late,
                stage,
                signing,
            )
        )
        if visa_ids is not None:
            visa_ids.append(pk)
    return found
