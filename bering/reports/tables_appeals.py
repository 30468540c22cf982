"""The appeals report as tables: the same rows feed the page, the XLSX and the PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _

from bering.reports.selectors_appeals import (
    OUTCOMES,
    AppealsReport,
    Monthly,
    SectionRow,
    outcome_label,
)
from bering.reports.tables import Cell, Table, pct

MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def month_name(data: Monthly) -> str:
    return f"{MONTHS[data.month.month - 1]} {data.month.year}"


def organizations_table(data: AppealsReport) -> Table:
    table = Table(
        name="appeals-organizations",
        title=_("Appeals by organization"),
        headers=[_("Organization"), _("Appeals")],
    )
    for _pk, name, count in data.by_organization:
        table.add([name, count])
    table.footer = [_("Total"), data.total]
    return table


def sections_table(data: AppealsReport) -> Table:
    table = Table(
        name="appeals-sections",
        title=_("Appeals by section of the classifier"),
        headers=[_("Code"), _("Section"), _("Appeals")],
    )
    for row in data.by_section:
        table.add([row.code, row.name, row.total])
    table.footer = [_("Total"), "", data.total]
    return table


def results_table(data: AppealsReport) -> Table:
    table = Table(
        name="appeals-results",
        title=_("Appeals by result of consideration"),
        headers=[_("Result"), _("Appeals")],
    )
    for _outcome, label, count in data.by_outcome:
        table.add([label, count])
    table.footer = [_("Total"), data.total]
    return table


def terms_table(data: AppealsReport) -> Table:
    table = Table(
        name="appeals-terms",
        title=_("Terms of 59-ФЗ: on time and late"),
        headers=[_("Stage"), _("On time"), _("Late"), _("On time, %"), _("Overdue now")],
    )
    for stage in data.stages:
        overdue: Cell = stage.overdue_now if stage.overdue_now is not None else "—"
        table.add(
            [stage.name, stage.on_time, stage.late, pct(stage.on_time_share), overdue],
            late=stage.late > 0 or bool(stage.overdue_now),
        )
    return table


def _monthly_cells(row: SectionRow) -> list[Cell]:
    return [row.total, *(row.outcomes[o] for o in OUTCOMES)]


def monthly_table(data: Monthly) -> Table:
    """ССТУ's monthly form: sections of the classifier × results of consideration."""
    table = Table(
        name="appeals-monthly",
        title=_("Monthly summary for the federal appeals portal (ССТУ): %(month)s")
        % {"month": month_name(data)},
        headers=[
            _("Code"),
            _("Section"),
            _("Received"),
            *(outcome_label(o) for o in OUTCOMES),
        ],
    )
    for row in data.rows:
        table.add([row.code, row.name, *_monthly_cells(row)])
    table.footer = [_("Total"), "", *_monthly_cells(data.total)]
    return table


def appeals_tables(data: AppealsReport) -> list[Table]:
    return [
        terms_table(data),
        organizations_table(data),
        sections_table(data),
        results_table(data),
        monthly_table(data.monthly),
    ]
