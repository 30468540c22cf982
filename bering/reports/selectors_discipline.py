"""Execution discipline: who misses the due times of visas and assignments.

One aggregate query counts per person (or department, or organization); one
more query fetches only the late items, whose working days late are counted
over the official calendar in Python (``deadlines``), and one names the rows.
The query count does not grow with the data.

Definitions (also in docs/user/reports.md):

- *due in the period*: the due time falls within the period (whole days in the
  region's time zone); cancelled visas and assignments of draft resolutions do
  not count;
- *on time*: done at or before the due time (a visa: decided; an assignment:
  the executor's report, or done without one; waiting for the controller does
  not count against the executor);
- *overdue*: due in the period and done late, or not done and past due now;
  *working days late* sums their lateness (``overdue_working_days``: a partly
  lost working day counts as one);
- *overdue now*: not done and past due at the moment of the report, whatever
  the due date (a snapshot).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import short_name
from bering.approvals.models import Visa
from bering.assignments.models import Assignment
from bering.core.db import EpochSeconds
from bering.core.errors import NotFound
from bering.deadlines.bulk import Workdays
from bering.documents import permissions as document_permissions
from bering.documents.models import Document
from bering.orgs.models import Department, Employee, Organization
from bering.reports.filters import Filters, outside_months
from bering.reports.models import DisciplineFact, DisciplineMonth
from bering.reports.permissions import Scope
from bering.reports.stats import share

MAX_ITEMS = 2000
"""A drill-down lists at most this many items (the oldest due first)."""


class Kind(StrEnum):
    VISAS = "visas"
    ASSIGNMENTS = "assignments"


class Group(StrEnum):
    EXECUTOR = "executor"
    DEPARTMENT = "department"
    ORGANIZATION = "organization"


Key = tuple[int | None, ...]


@dataclass(frozen=True)
class _Source:
    qs: QuerySet[Any]
    person: str
    organization: str
    department: str
    doc_type: str
    document: str
    tz: str
    done: Q
    on_time: Q
    late_done: Q
    open: Q
    finish_fields: tuple[str, ...]
    unfinished: tuple[str, ...]
    """The statuses (of the counted ones) that may still change: never a fact of the rollup."""
    final_at: str
    """When a counted item in any other status became final (the rollup's watermark is on it)."""
    tz_of: str
    """The organization whose time zone counts the working days (for the rollup's stamp)."""
    final_at_required: bool = False
    """A constraint gives every final item its moment (visas: ``visa_decided_has_time``)."""

    def live(self, watermark: dt.datetime) -> Q:
        """The items the rollup does not hold at ``watermark``: not final yet, or since
        (or final without its moment, where the database does not forbid it)."""
        live = Q(status__in=self.unfinished) | Q(**{f"{self.final_at}__gte": watermark})
        if not self.final_at_required:
            live |= Q(**{f"{self.final_at}__isnull": True})
        return live

    def final(self, since: dt.datetime, until: dt.datetime) -> Q:
        """The items that became final in [since, until): what the rollup adds."""
        return ~Q(status__in=self.unfinished) & Q(
            **{f"{self.final_at}__gte": since, f"{self.final_at}__lt": until}
        )

    def keys(self, group: Group) -> tuple[str, ...]:
        if group == Group.EXECUTOR:
            return (self.person,)
        if group == Group.DEPARTMENT:
            return (self.organization, self.department)
        return (self.organization,)


def _visas() -> _Source:
    done = Q(status__in=Visa.DECIDED)
    return _Source(
        qs=Visa.objects.filter(due_at__isnull=False).exclude(status=Visa.Status.CANCELLED),
        person="approver_id",
        organization="approver__organization_id",
        department="approver__department_id",
        doc_type="run__document__doc_type_id",
        document="run__document_id",
        tz="run__document__organization__time_zone",
        done=done,
        on_time=done & Q(decided_at__lte=F("due_at")),
        late_done=done & Q(decided_at__gt=F("due_at")),
        open=Q(status=Visa.Status.PENDING),
        finish_fields=("decided_at",),
        unfinished=(Visa.Status.WAITING, Visa.Status.PENDING),
        final_at="decided_at",
        tz_of="run__document__organization",
        final_at_required=True,
    )


def _assignments() -> _Source:
    done = Q(status__in=[Assignment.Status.REPORTED, Assignment.Status.DONE])
    reported = Q(reported_at__isnull=False)
    return _Source(
        # Assignments of a draft resolution are not the executor's yet.
        qs=Assignment.objects.exclude(status=Assignment.Status.PENDING),
        person="executor_id",
        organization="organization_id",
        department="executor__department_id",
        doc_type="document__doc_type_id",
        document="document_id",
        tz="organization__time_zone",
        done=done,
        on_time=done
        & (
            (reported & Q(reported_at__lte=F("due_at"))) | (~reported & Q(done_at__lte=F("due_at")))
        ),
        late_done=done
        & ((reported & Q(reported_at__gt=F("due_at"))) | (~reported & Q(done_at__gt=F("due_at")))),
        open=Q(status=Assignment.Status.IN_PROGRESS),
        finish_fields=("reported_at", "done_at"),
        # A report may be returned (REPORTED -> IN_PROGRESS): only DONE is final.
        unfinished=(Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED),
        final_at="done_at",
        tz_of="organization",
    )


def source(kind: Kind) -> _Source:
    return _visas() if kind == Kind.VISAS else _assignments()


@dataclass
class DisciplineRow:
    key: Key
    name: str = ""
    organization: str = ""
    department: str = ""
    due: int = 0
    on_time: int = 0
    overdue: int = 0
    days_late: int = 0
    current: int = 0

    @property
    def on_time_share(self) -> float:
        return share(self.on_time, self.due)

    @property
    def short_name(self) -> str:
        """The name without the position, for charts."""
        return self.name.split(",")[0]

    @property
    def link_id(self) -> int | None:
        """The id for the drill-down URL (None for "no department")."""
        return self.key[-1]


@dataclass
class Discipline:
    kind: Kind
    group: Group
    rows: list[DisciplineRow] = field(default_factory=list)
    total: DisciplineRow = field(default_factory=lambda: DisciplineRow(key=()))


def _scoped(src: _Source, scope: Scope, filters: Filters) -> QuerySet[Any]:
    qs = src.qs
    if scope.organization_ids is not None:
        qs = qs.filter(**{f"{src.organization}__in": scope.organization_ids})
    if scope.employee_id is not None:
        qs = qs.filter(**{src.person: scope.employee_id})
    if filters.doc_type_id is not None:
        qs = qs.filter(**{src.doc_type: filters.doc_type_id})
    return qs


def _in_period(filters: Filters) -> Q:
    return Q(due_at__gte=filters.since, due_at__lt=filters.until)


def _late(src: _Source, filters: Filters, now: dt.datetime) -> tuple[Q, Q]:
    """(overdue in the period, overdue now)."""
    late_open = src.open & Q(due_at__lt=now)
    return _in_period(filters) & (src.late_done | late_open), late_open


def _finish(values: Sequence[Any]) -> Any:
    """The first moment given (an assignment's report, else its completion)."""
    return next((v for v in values if v is not None), None)


def discipline(
    *,
    kind: Kind,
    group: Group,
    scope: Scope,
    filters: Filters,
    now: dt.datetime,
    watermark: dt.datetime | None = None,
) -> Discipline:
    """Due, on time, overdue (count and working days late) and overdue now, per row.

    With a ``watermark`` (``rollup.watermark``), the items final before it are added up
    from the sweep's facts (one more query) and only the others are read here."""
    src = source(kind)
    key_fields = src.keys(group)
    in_period = _in_period(filters)
    overdue, overdue_now = _late(src, filters, now)
    qs = _scoped(src, scope, filters).filter(in_period | overdue_now)
    if watermark is not None:
        qs = qs.filter(src.live(watermark))
    counts = (
        qs.values(*key_fields)
        .annotate(
            due=Count("pk", filter=in_period),
            on_time=Count("pk", filter=in_period & src.on_time),
            overdue=Count("pk", filter=overdue),
            current=Count("pk", filter=overdue_now),
        )
        .order_by()
    )
    rows: dict[Key, DisciplineRow] = {}
    for item in counts:
        key = tuple(item[f] for f in key_fields)
        rows[key] = DisciplineRow(
            key=key,
            due=item["due"],
            on_time=item["on_time"],
            overdue=item["overdue"],
            current=item["current"],
        )
    work = Workdays()
    now_ts = now.timestamp()
    epochs = {f"_{name}": EpochSeconds(name) for name in ("due_at", *src.finish_fields)}
    n = len(key_fields)
    for values in (
        qs.filter(overdue).order_by().annotate(**epochs).values_list(*key_fields, *epochs, src.tz)
    ):
        finished = _finish(values[n + 1 : -1])
        rows[values[:n]].days_late += work.overdue(
            values[n], now_ts if finished is None else finished, values[-1]
        )
    if watermark is not None:
        _add_facts(kind, group, scope, filters, rows)
    _name(group, rows)
    result = Discipline(kind=kind, group=group)
    result.rows = sorted(
        rows.values(), key=lambda r: (-r.overdue, -r.days_late, -r.current, r.name, r.key)
    )
    total = result.total
    for row in result.rows:
        total.due += row.due
        total.on_time += row.on_time
        total.overdue += row.overdue
        total.days_late += row.days_late
        total.current += row.current
    return result


FACT_KEYS = {
    Group.EXECUTOR: ("person_id",),
    Group.DEPARTMENT: ("organization_id", "person__department_id"),
    Group.ORGANIZATION: ("organization_id",),
}


def _add_facts(
    kind: Kind, group: Group, scope: Scope, filters: Filters, rows: dict[Key, DisciplineRow]
) -> None:
    """The final items kept by the sweep (all due in the period were done, so none is
    overdue now): the monthly sums of the period's whole months and the facts of the
    months it cuts, two grouped queries."""
    months = filters.whole_months()
    facts = DisciplineFact.objects.filter(
        Q(due_at__gte=filters.since, due_at__lt=filters.until) & outside_months("due_at", months),
        kind=kind,
    )
    sums = DisciplineMonth.objects.filter(kind=kind, month__in=months)
    if scope.organization_ids is not None:
        facts = facts.filter(organization_id__in=scope.organization_ids)
        sums = sums.filter(organization_id__in=scope.organization_ids)
    if scope.employee_id is not None:
        facts = facts.filter(person_id=scope.employee_id)
        sums = sums.filter(person_id=scope.employee_id)
    if filters.doc_type_id is not None:
        facts = facts.filter(doc_type_id=filters.doc_type_id)
        sums = sums.filter(doc_type_id=filters.doc_type_id)
    key_fields = FACT_KEYS[group]
    found = [
        *facts.values(*key_fields)
        .annotate(
            _due=Count("pk"),
            _on_time=Count("pk", filter=Q(on_time=True)),
            _overdue=Count("pk", filter=Q(late=True)),
            _days=Sum("days_late"),
        )
        .order_by()
        .values_list(*key_fields, "_due", "_on_time", "_overdue", "_days"),
    ]
    if months:
        found += (
            sums.values(*key_fields)
            .annotate(
                _due=Sum("due"),
                _on_time=Sum("on_time"),
                _overdue=Sum("late"),
                _days=Sum("days_late"),
            )
            .order_by()
            .values_list(*key_fields, "_due", "_on_time", "_overdue", "_days")
        )
    n = len(key_fields)
    for item in found:
        key = tuple(item[:n])
        row = rows.get(key)
        if row is None:
            row = rows[key] = DisciplineRow(key=key)
        due, on_time, overdue, days = item[n:]
        row.due += due or 0
        row.on_time += on_time or 0
        row.overdue += overdue or 0
        row.days_late += days or 0


def _name(group: Group, rows: dict[Key, DisciplineRow]) -> None:
    """Names for the rows: one query for the whole table."""
    ids = {i for i in (k[-1] for k in rows) if i is not None}
    if group == Group.EXECUTOR:
        people = Employee.objects.filter(pk__in=ids).values_list(
            "pk",
            "user__last_name",
            "user__first_name",
            "user__middle_name",
            "user__username",
            "position__name",
            "organization__short_name",
            "department__name",
        )
        for pk, last, first, middle, username, position, organization, department in people:
            row = rows[(pk,)]
            row.name = short_name(last, first, middle, username)
            if position is not None:
                row.name += f", {position}"
            row.organization = organization
            row.department = department or ""
    elif group == Group.DEPARTMENT:
        org_ids = {i for i in (k[0] for k in rows) if i is not None}
        orgs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "short_name"))
        depts = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
        for (org_id, dept_id), row in rows.items():
            row.organization = orgs.get(org_id or 0, "")
            row.department = depts.get(dept_id, "") if dept_id else str(_("without department"))
            row.name = row.department
    else:
        orgs = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "short_name"))
        for (org_id,), row in rows.items():
            row.organization = row.name = orgs.get(org_id or 0, "")


# --- the drill-down -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    document_id: int
    reg_number: str
    title: str
    visible: bool
    doc_type: str
    organization: str
    person: str
    step: str
    due_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    days_late: int
    overdue_now: bool

    @property
    def late(self) -> bool:
        return self.days_late > 0


@dataclass
class Drilldown:
    kind: Kind
    group: Group
    title: str
    organization: str
    items: list[Item]
    truncated: bool


def drilldown_subject(*, group: Group, pk: int, scope: Scope) -> tuple[str, str]:
    """The name and organization of the row drilled into; 404 outside the scope."""
    missing = NotFound(_("Not found."))
    if scope.employee_id is not None and (group != Group.EXECUTOR or pk != scope.employee_id):
        raise missing
    if group == Group.EXECUTOR:
        person = (
            Employee.objects.select_related("user", "organization", "position")
            .filter(pk=pk)
            .first()
        )
        if person is None or not _in_scope(scope, person.organization_id):
            raise missing
        name = person.user.display_name
        if person.position is not None:
            name += f", {person.position.name}"
        return name, person.organization.short_name
    if group == Group.DEPARTMENT:
        dept = Department.objects.select_related("organization").filter(pk=pk).first()
        if dept is None or not _in_scope(scope, dept.organization_id):
            raise missing
        return dept.name, dept.organization.short_name
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not _in_scope(scope, org.pk):
        raise missing
    return org.short_name, org.short_name


def _in_scope(scope: Scope, organization_id: int) -> bool:
    return scope.organization_ids is None or organization_id in scope.organization_ids


def drilldown(
    *,
    kind: Kind,
    group: Group,
    pk: int,
    scope: Scope,
    filters: Filters,
    now: dt.datetime,
    viewer: Employee,
) -> Drilldown:
    """The items behind one row: overdue ones first. A document's summary shows only
    when the viewer may see the document (a restricted one stays hidden)."""
    title, organization = drilldown_subject(group=group, pk=pk, scope=scope)
    src = source(kind)
    _overdue, overdue_now = _late(src, filters, now)
    key_field = {
        Group.EXECUTOR: src.person,
        Group.DEPARTMENT: src.department,
        Group.ORGANIZATION: src.organization,
    }[group]
    visible = Document.objects.filter(
        document_permissions.visibility_q(viewer), pk=OuterRef(src.document)
    )
    qs = (
        _scoped(src, scope, filters)
        .filter(**{key_field: pk})
        .filter(_in_period(filters) | overdue_now)
        .annotate(visible=Exists(visible))
    )
    if kind == Kind.VISAS:
        qs = qs.select_related(
            "run__document__doc_type", "run__document__organization", "approver__user", "stage"
        )
    else:
        qs = qs.select_related(
            "document__doc_type", "document__organization", "executor__user", "resolution"
        )
    rows = list(qs.order_by("due_at", "pk")[: MAX_ITEMS + 1])
    work = Workdays()
    items = []
    for row in rows[:MAX_ITEMS]:
        document: Document = row.run.document if kind == Kind.VISAS else row.document
        finished = _finish([getattr(row, f) for f in src.finish_fields])
        is_done = row.status in (
            Visa.DECIDED
            if kind == Kind.VISAS
            else (Assignment.Status.REPORTED, Assignment.Status.DONE)
        )
        end = finished if is_done and finished is not None else now
        tz = document.organization.time_zone
        late = work.overdue_at(due_at=row.due_at, now=end, tz=tz)
        if kind == Kind.VISAS:
            person, step = row.approver.user.display_name, row.stage.name
        else:
            person, step = row.executor.user.display_name, row.get_role_display()
        items.append(
            Item(
                document_id=document.pk,
                reg_number=document.reg_number,
                title=document.title if row.visible else "",
                visible=bool(row.visible),
                doc_type=document.doc_type.name,
                organization=document.organization.short_name,
                person=person,
                step=str(step),
                due_at=row.due_at,
                finished_at=finished if is_done else None,
                status=str(row.get_status_display()),
                days_late=late,
                overdue_now=not is_done and row.due_at < now,
            )
        )
    items.sort(key=lambda i: (-i.days_late, i.due_at))
    return Drilldown(
        kind=kind,
        group=group,
        title=title,
        organization=organization,
        items=items,
        truncated=len(rows) > MAX_ITEMS,
    )
