"""Exports of report tables: XLSX (escaped against formula injection) and PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("\\/*?:[]", " "))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31
"""Excel's limit on a sheet's name."""


def safe_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word's end, never in a word's middle
    (a single word longer than the limit is cut, there is no other way)."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[:limit]
    return cut.rstrip(" ,.;—–-(") or text[:limit]


def sheet_name(raw: str, used: set[str]) -> str:
    """A sheet name Excel accepts: no forbidden characters, at most 31 characters cut at
    a word's end, unique in the book (a number added when it is not)."""
    title = " ".join(raw.translate(SHEET_NAME_FORBIDDEN).split()).strip("'") or "Sheet"
    name = _cut(title, SHEET_NAME_MAX)
    number = 2
    while name in used:
        suffix = f" {number}"
        name = _cut(title, SHEET_NAME_MAX - len(suffix)) + suffix
        number += 1
    used.add(name)
    return name


def _fill(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([safe_cell(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    for index, column in enumerate(sheet.columns, start=1):
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def xlsx_bytes(*, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name(title, set())
    _fill(sheet, headers, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> HttpResponse:
    data = xlsx_bytes(title=title, headers=headers, rows=rows)
    return _attachment(HttpResponse(data, content_type=XLSX), filename)


def pdf_response(
    *, request: HttpRequest, filename: str, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Render a print template to PDF with WeasyPrint (no network: local files only)."""
    import weasyprint

    html = render_to_string(template, context, request=request)
    pdf = weasyprint.HTML(string=html, base_url=None).write_pdf()
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), filename)


def xlsx_book_response(
    *, filename: str, sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]
) -> HttpResponse:
    """Several tables in one workbook, a sheet each: (title, headers, rows)."""
    from openpyxl import Workbook

    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    used: set[str] = set()
    for raw_title, headers, rows in sheets:
        _fill(book.create_sheet(sheet_name(raw_title, used)), headers, rows)
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), filename)
