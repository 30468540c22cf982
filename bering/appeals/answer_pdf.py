"""The appeal and the answer to it as PDFs.

The answer to a citizen as a PDF: number, text, signature mark, tracking QR.

The signed original is never changed: this is a rendition made from the
registered answer's card and the text of its signed file, with the mark of
the simple electronic signature and the QR code of the tracking page.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone

from bering.appeals.models import Appeal
from bering.documents import selectors as document_selectors
from bering.documents.models import Document


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _answer_text(answer: Document) -> str:
    files = document_selectors.document_files(answer)
    main = next((f for f in files if f.slot == 1), None)
    return main.stored.text.strip() if main is not None else ""


def render(*, appeal: Appeal, answer: Document, signer_name: str, sha256: str, url: str) -> bytes:
    import weasyprint

    tz = appeal.organization.tz
    signed_at = answer.signed_at.astimezone(tz) if answer.signed_at else None
    html = render_to_string(
        "appeals/answer_pdf.html",
        {
            "appeal": appeal,
            "answer": answer,
            "organization": appeal.organization,
            "citizen": appeal.citizen,
            "text": _answer_text(answer),
            "signer_name": signer_name,
            "signed_at": signed_at,
            "sha256": sha256,
            "url": url,
            "qr": qr_data_uri(url),
            "made_at": timezone.localtime(timezone.now(), tz),
        },
    )
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def appeal_text_pdf(appeal: Appeal) -> bytes:
    """The appeal as the registered document's main file, readable in its preview."""
    import weasyprint

    html = render_to_string(
        "appeals/appeal_pdf.html",
        {
            "appeal": appeal,
            "citizen": appeal.citizen,
            "received": timezone.localtime(appeal.received_at, appeal.organization.tz),
        },
    )
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf
