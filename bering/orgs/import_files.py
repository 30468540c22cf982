"""Reading an import file (CSV or XLSX) into checked rows, and the report of wrong cells.

``read_rows`` checks the size, the format, the headers against the columns and the
number of rows; the values of the cells are checked in ``importing``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bering.orgs import services

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    help: str | Promise = ""


@dataclass(frozen=True)
class RowError:
    row: int
    """The row number as the spreadsheet shows it: the header is row 1."""
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: str | Promise) -> None:
        self.errors.append(RowError(row, column, str(message)))


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


def norm(text: str) -> str:
    """The form in which headers, codes and words of an import file are compared."""
    return services.fold(text.replace("\ufeff", ""))


# --- Reading files --------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Russian saves "CSV" in Windows-1251 unless told otherwise.
        text = data.decode("cp1251")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        return [
            [_cell(v) for v in row]
            for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
        ]
    finally:
        workbook.close()


def read_rows(
    *, data: bytes, name: str, columns: Sequence[Column], report: ImportReport
) -> list[Row]:
    """The data rows of the file keyed by column key; problems go into ``report``."""
    if len(data) > MAX_BYTES:
        report.add(0, "", _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES >> 20})
        return []
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if extension == "xlsx":
            table = _read_xlsx(data)
        elif extension == "csv":
            table = _read_csv(data)
        else:
            report.add(0, "", _("Upload a CSV or XLSX file."))
            return []
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, csv.Error, UnicodeDecodeError):
        report.add(0, "", _("The file cannot be read. Save it as CSV (UTF-8) or XLSX."))
        return []
    if not table or not any(table[0]):
        report.add(1, "", _("The file is empty: the first row must hold the column headers."))
        return []
    by_header = {norm(c.header): c for c in columns}
    positions: dict[int, Column] = {}
    for index, header in enumerate(table[0]):
        if not header.strip():
            continue
        column = by_header.get(norm(header))
        if column is None:
            report.add(1, header, _("Unknown column."))
        elif column in positions.values():
            report.add(1, header, _("The column appears twice."))
        else:
            positions[index] = column
    for column in columns:
        if column.required and column not in positions.values():
            report.add(1, column.header, _("A required column is missing."))
    if not report.ok:
        return []
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        values = {c.key: "" for c in columns}
        for index, column in positions.items():
            values[column.key] = raw[index].strip() if index < len(raw) else ""
        rows.append(Row(number, values))
    if len(rows) > MAX_ROWS:
        report.add(0, "", _("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
        return []
    if not rows:
        report.add(2, "", _("The file has no rows to import."))
    return rows
