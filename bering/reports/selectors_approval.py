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
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from bering.approvals.models import ApprovalRun, Regulation, Stage, Visa
from bering.approvals.services import DEFAULT_TOTAL_DAYS
from bering.core.db import EpochSeconds
from bering.deadlines.bulk import Workdays
from bering.documents.models import DocumentType
from bering.orgs.models import Employee
from bering.reports.filters import Filters, region_tz
from bering.reports.permissions import Scope
from bering.reports.stats import (
    Summary,
    days,
    share,
    share_or_none,
    within_count,
    working_days,
)

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

    def add(self, elapsed: float, normative: float) -> None:
        self.times.append(working_days(elapsed))
        self.normatives.append(normative)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.times)

    @property
    def within(self) -> int:
        return within_count(self.times, self.normatives)

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
        return sum(self.times)

    @property
    def normative(self) -> float | None:
        if self.is_rework or not self.normatives:
            return None
        return sum(self.normatives) / len(self.normatives)

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


def approval_time(*, scope: Scope, filters: Filters) -> ApprovalTime:
    """Approval time per document type and stage for the documents signed in the period."""
    cal = Workdays()
    runs = _signed_runs(scope, filters)
    first = ApprovalRun.objects.filter(document_id=OuterRef("document_id"), round=1).order_by()
    signed = list(
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
    normatives = dict(Regulation.objects.values_list("doc_type_id", "total_days"))
    type_ids = {row[1] for row in signed}
    names = {
        pk: (code, name)
        for pk, code, name in DocumentType.objects.filter(pk__in=type_ids).values_list(
            "pk", "code", "name"
        )
    }
    types: dict[int, TypeTime] = {}
    month_list = [MonthTime(month=m) for m in _months(filters.start, filters.end)]
    month_starts = [
        dt.datetime.combine(m.month, dt.time.min, tzinfo=region_tz()).timestamp()
        for m in month_list
    ]
    doc_total: dict[int, float] = {}
    doc_type_of: dict[int, int] = {}
    result = ApprovalTime()
    for doc_id, type_id, tz, started, first_start, finished in signed:
        start = first_start if first_start is not None else started
        if start is None or finished is None:
            continue
        elapsed = cal.between(start, finished, tz)
        code, name = names[type_id]
        figures = types.get(type_id)
        if figures is None:
            figures = types[type_id] = TypeTime(
                doc_type_id=type_id,
                code=code,
                name=name,
                normative=normatives.get(type_id, DEFAULT_TOTAL_DAYS),
            )
        figures.add(elapsed, figures.normative)
        index = bisect.bisect_right(month_starts, finished) - 1
        if index >= 0:
            month_list[index].add(elapsed, figures.normative)
        result.add(elapsed, figures.normative)
        doc_total[doc_id] = figures.times[-1]
        doc_type_of[doc_id] = type_id
    _stages(cal, runs, types, doc_total, doc_type_of)
    _people(cal, runs, types)
    result.types = sorted(types.values(), key=lambda t: (-(t.summary.mean or 0.0), t.name))
    result.months = month_list
    return result


def _stages(
    cal: Workdays,
    runs: QuerySet[ApprovalRun],
    types: dict[int, TypeTime],
    doc_total: dict[int, float],
    doc_type_of: dict[int, int],
) -> None:
    """Time per stage name (one query), the rework between rounds, the bottleneck."""
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
            "run__document_id",
            "name",
            "is_signing",
            "days",
            "started",
            "finished",
            "run__document__organization__time_zone",
        )
    )
    per_type: dict[int, dict[tuple[str, bool], StageTime]] = defaultdict(dict)
    in_stages: dict[int, float] = defaultdict(float)
    for doc_id, name, is_signing, norm, started, finished, tz in rows:
        type_id = doc_type_of.get(doc_id)
        if type_id is None or started is None or finished is None:
            continue
        of_type = per_type[type_id]
        stage = of_type.get((name, is_signing))
        if stage is None:
            stage = of_type[name, is_signing] = StageTime(name=name, is_signing=is_signing)
        stage.add(cal.between(started, finished, tz), norm)
        in_stages[doc_id] += stage.times[-1]
    for doc_id, total in doc_total.items():
        rework = total - in_stages.get(doc_id, 0.0)
        if rework > 0.005:
            stage = per_type[doc_type_of[doc_id]].setdefault(
                (REWORK, False), StageTime(name=_("Rework by the author"), is_rework=True)
            )
            stage.add(rework, 0.0)
    for type_id, figures in types.items():
        whole = sum(figures.times)
        stages = list(per_type.get(type_id, {}).values())
        for stage in stages:
            stage.share_of_time = share(stage.total, whole)
        # The route's stages in their usual order: by first appearance is lost in the
        # aggregate, so signing last, rework after it, the rest by time taken.
        figures.stages = sorted(stages, key=lambda s: (s.is_rework, s.is_signing, -s.total, s.name))
        route = [s for s in stages if not s.is_rework]
        if route:
            figures.bottleneck = max(route, key=lambda s: (s.total, s.name))


def _people(cal: Workdays, runs: QuerySet[ApprovalRun], types: dict[int, TypeTime]) -> None:
    """The people of each bottleneck stage with their own times (two queries)."""
    condition = Q()
    for figures in types.values():
        if figures.bottleneck is not None:
            condition |= Q(
                run__document__doc_type_id=figures.doc_type_id,
                stage__name=figures.bottleneck.name,
                stage__is_signing=figures.bottleneck.is_signing,
            )
    if not condition:
        return
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
            "run__document__doc_type_id",
            "approver_id",
            "activated",
            "decided",
            "due",
            "run__document__organization__time_zone",
        )
    )
    people: dict[int, dict[int, PersonTime]] = defaultdict(dict)
    for type_id, approver_id, activated, decided, due, tz in rows:
        if activated is None or decided is None:
            continue
        person = people[type_id].setdefault(approver_id, PersonTime(employee_id=approver_id))
        person.count += 1
        person.total += cal.between(activated, decided, tz)
        person.late += due is not None and decided > due
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
