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
    sheet.title = title[:31]
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
    for index, (raw_title, headers, rows) in enumerate(sheets, start=1):
        title = raw_title.translate(SHEET_NAME_FORBIDDEN).strip() or "Sheet"
        name = title[:31]
        if name in used:
            name = f"{title[:27]} {index}"
        used.add(name)
        _fill(book.create_sheet(name), headers, rows)
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), filename)
