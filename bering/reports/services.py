"""The sweep's facts for region-wide reports (``models``): the only writes of this app.

``rollup_advance`` moves each part's watermark towards "now less ``MARGIN``" a
window at a time, adding the facts of the items that became final in the
window, in one transaction with the new watermark. The figures of an item are
worked out by the same code the reports use for live items
(``selectors_discipline``, ``selectors_approval``), so a report that adds up the
facts and computes the rest says what the direct computation says (tested).

An item is a fact only once it cannot change: a decided visa, a done assignment
(a reported one may be returned), a signed round. ``MARGIN`` leaves the
transactions still committing when the sweep runs to the live part. Facts carry
no personal data beyond ids and are not audited: they are derived, dropped and
rebuilt freely (``manage.py reports_rollup --rebuild`` after a bulk load of
historical data, which the watermark would not see).
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, Min, Q, QuerySet, Sum, Value, When

from bering.approvals.models import ApprovalRun
from bering.core import clock
from bering.core.db import EpochSeconds
from bering.deadlines.bulk import Workdays
from bering.documents.models import Document
from bering.reports.filters import region_tz
from bering.reports.models import (
    ApprovalFact,
    ApprovalMonth,
    DisciplineFact,
    DisciplineMonth,
    RegisteredDay,
    RollupState,
)
from bering.reports.selectors_approval import _signed_rows, _stage_rows, _visa_rows
from bering.reports.selectors_discipline import Kind, _finish, source
from bering.reports.selectors_rollup import PARTS, rollup_stamp
from bering.reports.stats import working_days

MARGIN = dt.timedelta(minutes=10)
WINDOW = dt.timedelta(days=14)
BATCH = 5000


def rollup_advance(
    *, now: dt.datetime | None = None, budget: float = 120.0, parts: tuple[str, ...] = PARTS
) -> dict[str, int]:
    """Add the facts of what became final since the last run; at most ``budget`` seconds
    (a first build over years of data takes several runs; ``parts`` lets several
    processes share it). Returns the facts added per part."""
    target = (now or clock.now()) - MARGIN
    stamp = rollup_stamp()
    deadline = time.monotonic() + budget
    return {part: _advance(part, stamp, target, deadline) for part in parts}


def rollup_rebuild() -> None:
    """Drop every fact: the next ``rollup_advance`` starts again from the oldest item."""
    with transaction.atomic():
        RollupState.objects.all().delete()
        DisciplineFact.objects.all().delete()
        ApprovalFact.objects.all().delete()
        ApprovalMonth.objects.all().delete()
        DisciplineMonth.objects.all().delete()
        RegisteredDay.objects.all().delete()


def _drop(part: str) -> None:
    if part == "coverage":
        RegisteredDay.objects.all().delete()
    elif part == "approval":
        ApprovalFact.objects.all().delete()
        ApprovalMonth.objects.all().delete()
    else:
        DisciplineFact.objects.filter(kind=part).delete()
        DisciplineMonth.objects.filter(kind=part).delete()


def _first_final(part: str) -> dt.datetime | None:
    if part == "coverage":
        registered: dt.datetime | None = _registered().aggregate(m=Min("registered_at"))["m"]
        return registered
    if part == "approval":
        qs = ApprovalRun.objects.filter(status=ApprovalRun.Status.SIGNED)
        found: dt.datetime | None = qs.aggregate(m=Min("finished_at"))["m"]
        return found
    src = source(Kind(part))
    found = src.qs.exclude(status__in=src.unfinished).aggregate(m=Min(src.final_at))["m"]
    return found


def _advance(part: str, stamp: str, target: dt.datetime, deadline: float) -> int:
    with transaction.atomic():
        state = RollupState.objects.select_for_update().filter(part=part).first()
        if state is None or state.stamp != stamp:
            _drop(part)
            state = RollupState(part=part, watermark=None, stamp=stamp)
            state.save()
    added = 0
    low = state.watermark
    if low is None:
        first = _first_final(part)
        if first is None or first >= target:  # nothing final before it: every item is live
            RollupState.objects.filter(part=part, watermark__isnull=True).update(watermark=target)
            return 0
        low = first
    while low < target and time.monotonic() < deadline:
        high = min(low + WINDOW, target)
        with transaction.atomic():
            locked = RollupState.objects.select_for_update().get(part=part)
            if locked.stamp != stamp or locked.watermark != state.watermark:
                return added  # another sweep moved it meanwhile
            if part == "coverage":
                added += _coverage(low, high)
            elif part == "approval":
                added += _approval(low, high)
            else:
                added += _discipline(part, low, high)
            locked.watermark = state.watermark = high
            locked.save(update_fields=["watermark", "updated_at"])
        low = high
    return added


def _registered() -> QuerySet[Document]:
    return Document.objects.filter(status=Document.Status.REGISTERED, registered_at__isnull=False)


def _coverage(low: dt.datetime, high: dt.datetime) -> int:
    """Each day that [low, high) touches counted anew per organization, up to ``high``:
    a day's row holds the documents registered on it before the watermark."""
    tz = region_tz()
    day, last = low.astimezone(tz).date(), high.astimezone(tz).date()
    added = 0
    while day <= last:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        end = min(start + dt.timedelta(days=1), high)
        RegisteredDay.objects.filter(day=day).delete()
        rows = [
            RegisteredDay(day=day, organization_id=org, n=n)
            for org, n in _registered()
            .filter(registered_at__gte=start, registered_at__lt=end)
            .order_by()
            .values("organization_id")
            .annotate(_n=Count("pk"))
            .values_list("organization_id", "_n")
        ]
        RegisteredDay.objects.bulk_create(rows, batch_size=BATCH)
        added += len(rows)
        day += dt.timedelta(days=1)
    return added


def _discipline(kind: str, low: dt.datetime, high: dt.datetime) -> int:
    """The visas (assignments) that became final in [low, high) as the report counts them."""
    src = source(Kind(kind))
    work = Workdays()
    epochs = {f"_{name}": EpochSeconds(name) for name in ("due_at", *src.finish_fields)}
    flags = {
        "_on_time": Case(When(src.on_time, then=Value(True)), default=Value(False)),
        "_late": Case(When(src.late_done, then=Value(True)), default=Value(False)),
    }
    rows = (
        src.qs.filter(src.final(low, high))
        .order_by()
        .annotate(**flags, **epochs)
        .values_list(
            "pk",
            "due_at",
            src.person,
            src.organization,
            src.doc_type,
            "_on_time",
            "_late",
            *epochs,
            src.tz,
        )
    )
    facts = []
    for pk, due_at, person, organization, doc_type, on_time, late, *moments, tz in rows:
        due, finished = moments[0], _finish(moments[1:])
        facts.append(
            DisciplineFact(
                kind=kind,
                item_id=pk,
                due_at=due_at,
                person_id=person,
                organization_id=organization,
                doc_type_id=doc_type,
                on_time=bool(on_time),
                late=bool(late),
                days_late=work.overdue(due, finished, tz) if late and finished is not None else 0,
            )
        )
    DisciplineFact.objects.bulk_create(facts, batch_size=BATCH, ignore_conflicts=True)
    tz = region_tz()
    for month in sorted({_month(f.due_at, tz) for f in facts}):
        _add_up_discipline_month(kind, month)
    return len(facts)


def _add_up_discipline_month(kind: str, month: dt.date) -> None:
    """The facts of ``kind`` due in ``month`` added up anew (``models.DisciplineMonth``)."""
    tz = region_tz()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(
        (month + dt.timedelta(days=32)).replace(day=1), dt.time.min, tzinfo=tz
    )
    DisciplineMonth.objects.filter(kind=kind, month=month).delete()
    keys = ("person_id", "organization_id", "doc_type_id")
    DisciplineMonth.objects.bulk_create(
        (
            DisciplineMonth(
                kind=kind,
                month=month,
                due=due,
                on_time=on_time,
                late=late,
                days_late=days or 0,
                **dict(zip(keys, key, strict=True)),
            )
            for *key, due, on_time, late, days in DisciplineFact.objects.filter(
                kind=kind, due_at__gte=start, due_at__lt=end
            )
            .order_by()
            .values(*keys)
            .annotate(
                _due=Count("pk"),
                _on_time=Count("pk", filter=Q(on_time=True)),
                _late=Count("pk", filter=Q(late=True)),
                _days=Sum("days_late"),
            )
            .values_list(*keys, "_due", "_on_time", "_late", "_days")
        ),
        batch_size=BATCH,
    )


def _month(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date().replace(day=1)


def _approval(low: dt.datetime, high: dt.datetime) -> int:
    """The documents signed in [low, high): their time, stage passes, rework and visas."""
    cal = Workdays()
    runs = ApprovalRun.objects.filter(
        status=ApprovalRun.Status.SIGNED, finished_at__gte=low, finished_at__lt=high
    )
    signed = _signed_rows(cal, runs)
    where: dict[int, tuple[int, dt.datetime]] = {}
    for doc, organization, finished in runs.order_by().values_list(
        "document_id", "document__organization_id", "finished_at"
    ):
        assert finished is not None  # in the window
        where[doc] = (organization, finished)
    tz = region_tz()
    doc_total = {doc: working_days(elapsed) for doc, _type, _f, elapsed in signed}
    doc_type_of = {doc: type_id for doc, type_id, _f, _e in signed}
    facts: list[ApprovalFact] = []

    def fact(part: str, source_id: int, doc: int, type_id: int, **values: Any) -> None:
        organization, finished = where[doc]
        facts.append(
            ApprovalFact(
                part=part,
                source_id=source_id,
                finished_at=finished,
                month=_month(finished, tz),
                organization_id=organization,
                doc_type_id=type_id,
                **values,
            )
        )

    for doc, type_id, _finished, _elapsed in signed:
        fact(ApprovalFact.Part.DOCUMENT, doc, doc, type_id, tenths=_tenths(doc_total[doc]))
    stage_ids: list[int] = []
    for (doc, type_id, name, is_signing, norm, value), pk in zip(
        _stage_rows(cal, runs, doc_total, doc_type_of, stage_ids), stage_ids, strict=True
    ):
        rework = pk < 0
        fact(
            ApprovalFact.Part.REWORK if rework else ApprovalFact.Part.STAGE,
            -pk if rework else pk,
            doc,
            type_id,
            name=name,
            is_signing=is_signing,
            normative=norm,
            tenths=_tenths(value),
        )
    visa_ids: list[int] = []
    for (doc, type_id, approver, elapsed, late, name, is_signing), pk in zip(
        _visa_rows(cal, runs, Q(), visa_ids), visa_ids, strict=True
    ):
        fact(
            ApprovalFact.Part.VISA,
            pk,
            doc,
            type_id,
            name=name,
            is_signing=is_signing,
            elapsed=elapsed,
            late=late,
            approver_id=approver,
        )
    ApprovalFact.objects.bulk_create(facts, batch_size=BATCH, ignore_conflicts=True)
    for month in sorted({f.month for f in facts}):
        _add_up_month(month)
    return len(facts)


def _add_up_month(month: dt.date) -> None:
    """The region's facts of ``month`` added up anew (``models.ApprovalMonth``)."""
    ApprovalMonth.objects.filter(month=month).delete()
    keys = ("part", "doc_type_id", "name", "is_signing", "normative", "tenths", "approver_id")
    ApprovalMonth.objects.bulk_create(
        (
            ApprovalMonth(
                month=month,
                n=n,
                elapsed=total or 0.0,
                late=late,
                **dict(zip(keys, key, strict=True)),
            )
            for *key, n, total, late in ApprovalFact.objects.filter(month=month)
            .order_by()
            .values(*keys)
            .annotate(_n=Count("pk"), _total=Sum("elapsed"), _late=Count("pk", filter=Q(late=True)))
            .values_list(*keys, "_n", "_total", "_late")
        ),
        batch_size=BATCH,
    )


def _tenths(value: float) -> int:
    """A duration rounded once (``stats.working_days``) as a whole number of tenths."""
    return round(working_days(value) * 10)
