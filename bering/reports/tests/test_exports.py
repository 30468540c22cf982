"""Every table exports to XLSX and PDF with the same numbers as the page."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
from django.urls import reverse
from openpyxl import load_workbook

from bering.reports.exports import sheet_name
from bering.reports.tests.conftest import at, visa

QUERY = {"from": "2025-12-01", "to": "2026-02-28"}


def page_rows(body: str, table: str) -> list[list[str]]:
    """The cells of one table on the page, tags stripped."""
    html = body.split(f'data-table="{table}"')[1].split("</tbody>")[0]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        if cells:
            rows.append(cells)
    return rows


def shown(value: object) -> str:
    """A spreadsheet value as the page shows it (a whole float reads back as an int)."""
    if value is None:
        return ""
    return (
        f"{value:.1f}".replace(".", ",").removesuffix(",0")
        if isinstance(value, float)
        else str(value)
    )


def same(rows: list[list[str]]) -> list[list[str]]:
    return [[c.removesuffix(",0") if c[:1].isdigit() else c for c in r] for r in rows]


def pdf_text(content: bytes) -> str:
    doc = pdfium.PdfDocument(content)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_visas_page_xlsx_and_pdf_agree(visas, head, now):
    client = head.client()
    url = reverse("reports:visas")
    body = client.get(url, QUERY).content.decode()
    on_page = page_rows(body, "visas-executor")
    xlsx = client.get(url, {**QUERY, "format": "xlsx"})
    assert xlsx["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Executor" or header[0] == "Исполнитель"
    assert [[shown(c) for c in r] for r in rows[:-1]] == same(on_page)
    assert rows[-1][-6:] == (6, 2, 3, 4, 2, 33)  # the total line
    pdf = client.get(url, {**QUERY, "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    for row in on_page:
        assert row[0].split(",")[0] in text
    assert "Павлов" in text


def test_approval_time_xlsx_has_every_table_and_the_page_numbers(approvals, head):
    client = head.client()
    url = reverse("reports:approval-time")
    body = client.get(url, QUERY).content.decode()
    book = load_workbook(io.BytesIO(client.get(url, {**QUERY, "format": "xlsx"}).content))
    assert len(book.sheetnames) == 3
    for sheet, name in zip(
        book.worksheets, ["approval-types", "approval-stages", "approval-months"], strict=True
    ):
        _header, *rows = list(sheet.iter_rows(values_only=True))
        if name == "approval-types":
            rows = rows[:-1]  # the total line is the table's footer
        assert [[shown(c) for c in r] for r in rows] == same(page_rows(body, name))
    types = {r[0]: r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert types["Соглашение"][1:8] == (3, 5.3, 5.5, 6.5, 3, 0, "Правовое управление")
    text = pdf_text(client.get(url, {**QUERY, "format": "pdf"}).content)
    assert "Правовое управление" in text and "5,3" in text and "6,5" in text


def test_formula_like_names_are_escaped_in_xlsx(head, lawyer, now):
    lawyer.user.last_name = '=HYPERLINK("http://evil")'
    lawyer.user.save()
    visa(lawyer, due=at("30.12.2025"), decided=at("12.01.2026", "10:00"))
    response = head.client().get(reverse("reports:visas"), {**QUERY, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value.startswith("'=HYPERLINK")
    assert sheet["A2"].data_type == "s"


def test_dashboard_shows_every_report_at_a_glance(
    visas, assignments, approvals, registrar, django_assert_max_num_queries, now
):
    registrar.user.is_region_admin = True
    registrar.user.save()
    client = registrar.client()
    with django_assert_max_num_queries(40):
        page = client.get(reverse("reports:dashboard"), {**QUERY, "type": "agreement"})
    body = page.content.decode()
    assert page.status_code == 200
    for report in ("approval-time", "visas", "assignments", "trend"):
        assert f'data-report="{report}"' in body
    assert 'data-bottleneck="Правовое управление"' in body
    assert body.count("<svg") >= 2
    assert "<script>" not in body and " style=" not in body
    assert len(page.content) < 50_000


def test_sheet_names_are_cut_at_a_word_end():
    """Excel allows 31 characters: a Russian title is cut after a whole word."""
    used: set[str] = set()
    title = "Ежемесячная сводка для ССТУ: ноябрь 2026 года по разделам"
    first = sheet_name(title, used)
    assert first == "Ежемесячная сводка для ССТУ"
    second = sheet_name(title, used)
    assert second != first and second.endswith(" 2") and len(second) <= 31
    assert sheet_name("Сводкапообращениямгражданзамесяцноябрь", set()) == (
        "Сводкапообращениямгражданзамеся"
    )
