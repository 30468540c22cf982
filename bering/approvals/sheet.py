"""The approval sheet (лист согласования) as data, HTML and PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string

from bering.approvals import selectors
from bering.approvals.selectors import RouteView


def sheet_context(route: RouteView) -> dict[str, object]:
    current = route.current
    return {
        "route": route,
        "document": route.document,
        "files": selectors.run_files(current.run) if current else [],
        "signatures": selectors.run_signatures(current.run) if current else [],
    }


def sheet_pdf(route: RouteView) -> bytes:
    """An A4 PDF with every round's visas, dates and remarks, and the signature."""
    import weasyprint

    html = render_to_string("approvals/sheet_pdf.html", sheet_context(route))
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf
