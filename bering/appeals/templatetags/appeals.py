from django import template

from bering.appeals.answer_pdf import qr_data_uri

register = template.Library()


@register.filter
def qr_uri(url: str) -> str:
    """An inline SVG data URI of the QR code of ``url`` (segno's own markup)."""
    return qr_data_uri(url)
