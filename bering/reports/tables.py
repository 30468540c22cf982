"""Report figures as tables: the same rows feed the page, the XLSX and the PDF.

Numbers are rounded here once (working days to one decimal, shares to whole per
cent), so every form of a report shows the same figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from bering.reports.filters import region_tz
from bering.reports.selectors_approval import ApprovalTime, StageTime, TypeTime
from bering.reports.selectors_discipline import Discipline, DisciplineRow, Drilldown, Group, Kind
from bering.reports.stats import days

Cell = str | int | float


@dataclass
class Table:
    name: str
    """A stable name for tests and exports (``data-table`` on the page)."""
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)
    """A drill-down link per row (first cell), or None."""
    late: list[bool] = field(default_factory=list)
    """Rows to mark as late."""
    footer: list[Cell] | None = None

    def add(self, row: list[Cell], *, link: str | None = None, late: bool = False) -> None:
        self.rows.append(row)
        self.links.append(link)
        self.late.append(late)

    @property
    def hidden(self) -> int:
        """Rows left out of this view (see ``head``)."""
        return self.total_rows - len(self.rows)

    total_rows: int = 0

    def head(self, n: int) -> Table:
        """The first ``n`` rows (the worst: tables are sorted so), for a page."""
        return Table(
            name=self.name,
            title=self.title,
            headers=self.headers,
            rows=self.rows[:n],
            links=self.links[:n],
            late=self.late[:n],
            footer=self.footer,
            total_rows=len(self.rows),
        )

    def lines(self) -> list[tuple[list[Cell], str | None, bool]]:
        return list(zip(self.rows, self.links, self.late, strict=True))

    def all_rows(self) -> list[list[Cell]]:
        """The rows for a spreadsheet, with the total line last."""
        return [*self.rows, *([self.footer] if self.footer else [])]


NONE = "—"
"""A figure of nothing (a month with no documents): not 0."""


def r1(value: float) -> float:
    return round(value, 1)


def r1_or_none(value: float | None) -> float | str:
    return NONE if value is None else r1(value)


def pct(value: float) -> int:
    return round(value)


def pct_or_none(value: float | None) -> int | str:
    return NONE if value is None else pct(value)


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(region_tz()).strftime("%d.%m.%Y %H:%M") if moment else ""


GROUP_TITLES = {
    Group.EXECUTOR: "Executor",
    Group.DEPARTMENT: "Department",
    Group.ORGANIZATION: "Organization",
}


def discipline_table(data: Discipline, *, link_prefix: str) -> Table:
    first = _(GROUP_TITLES[data.group])
    headers = [first]
    if data.group != Group.ORGANIZATION:
        headers.append(_("Organization"))
    if data.group == Group.EXECUTOR:
        headers.append(_("Department"))
    headers += [
        _("Due in the period"),
        _("Done on time"),
        _("Overdue"),
        _("Working days late"),
        _("Overdue now"),
        _("On time, %"),
    ]
    title = _("Overdue visas") if data.kind == Kind.VISAS else _("Overdue assignments")
    table = Table(name=f"{data.kind}-{data.group}", title=title, headers=headers)

    def figures(row: DisciplineRow) -> list[Cell]:
        return [
            row.due,
            row.on_time,
            row.overdue,
            row.days_late,
            row.current,
            pct(row.on_time_share),
        ]

    for row in data.rows:
        cells: list[Cell] = [row.name]
        if data.group != Group.ORGANIZATION:
            cells.append(row.organization)
        if data.group == Group.EXECUTOR:
            cells.append(row.department)
        link = f"{link_prefix}{data.group}/{row.link_id}/" if row.link_id else None
        table.add(cells + figures(row), link=link, late=row.overdue > 0 or row.current > 0)
    pad: list[Cell] = [""] * (len(headers) - 7)
    table.footer = [_("Total"), *pad, *figures(data.total)]
    return table


def drilldown_table(data: Drilldown) -> Table:
    step = _("Stage") if data.kind == Kind.VISAS else _("Role")
    table = Table(
        name=f"{data.kind}-items",
        title=data.title,
        headers=[
            _("Number"),
            _("Summary"),
            _("Type"),
            _("Executor"),
            step,
            _("Due"),
            _("Done"),
            _("Status"),
            _("Working days late"),
        ],
    )
    for item in data.items:
        table.add(
            [
                item.reg_number or f"#{item.document_id}",
                item.title if item.visible else _("(restricted)"),
                item.doc_type,
                item.person,
                item.step,
                _local(item.due_at),
                _local(item.finished_at),
                item.status,
                item.days_late,
            ],
            link=f"/documents/{item.document_id}/" if item.visible else None,
            late=item.late,
        )
    return table


def approval_types_table(data: ApprovalTime) -> Table:
    table = Table(
        name="approval-types",
        title=_("Approval time by document type"),
        headers=[
            _("Document type"),
            _("Documents"),
            _("Mean, working days"),
            _("Median"),
            _("90th percentile"),
            _("Normative"),
            _("Within the normative, %"),
            _("Bottleneck stage"),
            _("Share of time, %"),
        ],
    )
    for t in data.types:
        s = t.summary
        table.add(
            [
                t.name,
                s.count,
                r1_or_none(s.mean),
                r1_or_none(s.median),
                r1_or_none(s.p90),
                t.normative,
                pct_or_none(t.within_share),
                t.bottleneck.name if t.bottleneck else "",
                pct(t.bottleneck.share_of_time) if t.bottleneck else "",
            ],
            late=t.over,
        )
    s = data.summary
    table.footer = [
        _("Total"),
        s.count,
        r1_or_none(s.mean),
        r1_or_none(s.median),
        r1_or_none(s.p90),
        "",
        pct_or_none(data.within_share),
        "",
        "",
    ]
    return table


def _stage_name(stage: StageTime) -> str:
    return _("Signing") if stage.is_signing and not stage.name else stage.name


def approval_stages_table(data: ApprovalTime) -> Table:
    table = Table(
        name="approval-stages",
        title=_("Approval time by stage"),
        headers=[
            _("Document type"),
            _("Stage"),
            _("Passes"),
            _("Mean, working days"),
            _("Median"),
            _("90th percentile"),
            _("Normative"),
            _("Within the normative, %"),
            _("Share of time, %"),
            _("People in the stage"),
        ],
    )
    for t in data.types:
        for stage in t.stages:
            s = stage.summary
            norm = stage.normative
            people = "; ".join(
                f"{p.name}: {days(p.mean)} ({p.late}/{p.count})" for p in stage.people
            )
            table.add(
                [
                    t.name,
                    _stage_name(stage),
                    s.count,
                    r1_or_none(s.mean),
                    r1_or_none(s.median),
                    r1_or_none(s.p90),
                    r1(norm) if norm is not None else "",
                    pct_or_none(stage.within_share) if not stage.is_rework else "",
                    pct(stage.share_of_time),
                    people,
                ],
                late=stage is t.bottleneck,
            )
    return table


def approval_months_table(data: ApprovalTime) -> Table:
    table = Table(
        name="approval-months",
        title=_("Trend by month"),
        headers=[
            _("Month"),
            _("Documents"),
            _("Mean, working days"),
            _("Median"),
            _("Within the normative, %"),
        ],
    )
    for m in data.months:
        s = m.summary
        table.add(
            [
                m.label,
                s.count,
                r1_or_none(s.mean),
                r1_or_none(s.median),
                pct_or_none(m.within_share),
            ]
        )
    return table


def bottleneck_people(t: TypeTime) -> list[tuple[str, float, int, int]]:
    if t.bottleneck is None:
        return []
    return [(p.name, r1(p.mean), p.late, p.count) for p in t.bottleneck.people]
