"""Citizens' appeals (59-ФЗ): how many, on what, with what result, and on time or late.

The appeals counted are those *received* in the period (in the region's time
zone), in the scope's organizations. Per stage:

- registration: ``registered_at`` against ``registration_due_at``;
- redirection by competence: ``redirected_at`` against ``redirect_due_at``;
- the answer: ``closed_at`` of answered appeals against ``answer_due_at``
  (the extended term, when it was extended).

A moment equal to the term is on time. "Overdue now" counts appeals still at
that stage whose term has passed (overdue is computed when read).

The monthly summary is the table the region submits to the federal appeals
portal (ССТУ): the five sections of the classifier (ТОТК) × the result of
consideration, for the appeals received in the month.

Queries: by organization (one), by section, status and result (one), the stages
(one aggregate), the sections' names (one), the month (one): five, whatever the
number of appeals. Nothing is fetched row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from bering.appeals.models import Appeal, Result, Topic
from bering.reports.filters import Filters, region_tz
from bering.reports.permissions import Scope
from bering.reports.stats import share

NO_TOPIC = ""
"""The section key of appeals without a topic."""
OPEN = "open"
WITHDRAWN = "withdrawn"
OUTCOMES: list[str] = [*Result.values, OPEN, WITHDRAWN]
"""The columns of the monthly summary after the total: the results, then the appeals
still under consideration and those withdrawn by the citizen."""
SECTION_LENGTH = 4
"""A section's code: the first group of a ТОТК code ("0002" of "0002.0015")."""


def outcome_label(outcome: str) -> str:
    if outcome == OPEN:
        return _("under consideration")
    if outcome == WITHDRAWN:
        return _("withdrawn by the citizen")
    return str(Result(outcome).label)


@dataclass
class StageFigures:
    stage: str
    """registration, redirection or answer."""
    name: str
    on_time: int = 0
    late: int = 0
    overdue_now: int | None = None
    """None where "overdue now" has no meaning (redirection is not always due)."""

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_share(self) -> float:
        return share(self.on_time, self.done)


@dataclass
class SectionRow:
    code: str
    name: str
    total: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))


@dataclass
class Monthly:
    month: dt.date
    """The first day of the month."""
    rows: list[SectionRow]
    total: SectionRow


@dataclass
class AppealsReport:
    start: dt.date
    end: dt.date
    total: int
    by_organization: list[tuple[int, str, int]]
    """(organization id, short name, appeals), the most first."""
    by_section: list[SectionRow]
    by_outcome: list[tuple[str, str, int]]
    """(outcome, its label, appeals), in the order of ``OUTCOMES``."""
    stages: list[StageFigures]
    monthly: Monthly

    @property
    def overdue_now(self) -> int:
        return sum(s.overdue_now or 0 for s in self.stages)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first moment and the next month's, in the region's time zone."""
    first = month.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    tz = region_tz()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=tz),
        dt.datetime.combine(after, dt.time.min, tzinfo=tz),
    )


def _in_scope(scope: Scope) -> QuerySet[Appeal]:
    qs = Appeal.objects.all()
    if scope.organization_ids is not None:
        qs = qs.filter(organization_id__in=scope.organization_ids)
    return qs


def _outcome(status: str, result: str) -> str:
    if result:
        return result
    return WITHDRAWN if status == Appeal.Status.WITHDRAWN else OPEN


def _sections(qs: QuerySet[Appeal], names: dict[str, str]) -> tuple[list[SectionRow], SectionRow]:
    """Rows for every section of the classifier (and "no topic" when there are such
    appeals), each counted by outcome; and the total row."""
    rows = {code: SectionRow(code=code, name=name) for code, name in names.items()}
    total = SectionRow(code="", name=_("Total"))
    grouped = (
        qs.order_by()
        .annotate(section=Substr("topic__code", 1, SECTION_LENGTH))
        .values_list("section", "status", "result")
        .annotate(n=Count("pk"))
    )
    for section, status, result, n in grouped:
        key = section or NO_TOPIC
        row = rows.get(key)
        if row is None:
            label = _("No topic") if key == NO_TOPIC else key
            row = rows[key] = SectionRow(code=key, name=label)
        outcome = _outcome(status, result)
        for target in (row, total):
            target.total += n
            target.outcomes[outcome] += n
    ordered = sorted(rows.values(), key=lambda r: (r.code == NO_TOPIC, r.code))
    return ordered, total


def _stages(qs: QuerySet[Appeal], now: dt.datetime) -> list[StageFigures]:
    answered = Q(status=Appeal.Status.ANSWERED, answer_due_at__isnull=False)
    figures = qs.aggregate(
        reg_on_time=Count("pk", filter=Q(registered_at__lte=F("registration_due_at"))),
        reg_late=Count("pk", filter=Q(registered_at__gt=F("registration_due_at"))),
        reg_now=Count("pk", filter=Q(status=Appeal.Status.RECEIVED, registration_due_at__lt=now)),
        red_on_time=Count("pk", filter=Q(redirected_at__lte=F("redirect_due_at"))),
        red_late=Count("pk", filter=Q(redirected_at__gt=F("redirect_due_at"))),
        ans_on_time=Count("pk", filter=answered & Q(closed_at__lte=F("answer_due_at"))),
        ans_late=Count("pk", filter=answered & Q(closed_at__gt=F("answer_due_at"))),
        ans_now=Count("pk", filter=Q(status=Appeal.Status.REGISTERED, answer_due_at__lt=now)),
    )
    return [
        StageFigures(
            stage="registration",
            name=_("Registration (3 days)"),
            on_time=figures["reg_on_time"],
            late=figures["reg_late"],
            overdue_now=figures["reg_now"],
        ),
        StageFigures(
            stage="redirection",
            name=_("Redirection by competence (7 days)"),
            on_time=figures["red_on_time"],
            late=figures["red_late"],
        ),
        StageFigures(
            stage="answer",
            name=_("Answer (30 days, or as extended)"),
            on_time=figures["ans_on_time"],
            late=figures["ans_late"],
            overdue_now=figures["ans_now"],
        ),
    ]


def section_names() -> dict[str, str]:
    """The first level of the classifier: code → name (one query)."""
    return dict(
        Topic.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name")
    )


def monthly_summary(
    *, scope: Scope, month: dt.date, names: dict[str, str] | None = None
) -> Monthly:
    """Sections × results of the appeals received in ``month`` (ССТУ's monthly form)."""
    since, until = month_bounds(month)
    qs = _in_scope(scope).filter(received_at__gte=since, received_at__lt=until)
    rows, total = _sections(qs, names if names is not None else section_names())
    return Monthly(month=month.replace(day=1), rows=rows, total=total)


def appeals_report(
    *, scope: Scope, filters: Filters, month: dt.date, now: dt.datetime
) -> AppealsReport:
    qs = _in_scope(scope).filter(received_at__gte=filters.since, received_at__lt=filters.until)
    by_organization = [
        (pk, name, n)
        for pk, name, n in qs.order_by()
        .values_list("organization_id", "organization__short_name")
        .annotate(n=Count("pk"))
    ]
    by_organization.sort(key=lambda row: (-row[2], row[1]))
    names = section_names()
    sections, total = _sections(qs, names)
    by_outcome = [(o, outcome_label(o), total.outcomes[o]) for o in OUTCOMES]
    return AppealsReport(
        start=filters.start,
        end=filters.end,
        total=total.total,
        by_organization=by_organization,
        by_section=sections,
        by_outcome=by_outcome,
        stages=_stages(qs, now),
        monthly=monthly_summary(scope=scope, month=month, names=names),
    )
