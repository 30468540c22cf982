"""Background work on signatures: the signature mark on the PDF rendition."""

from __future__ import annotations

from django_tasks import task

from bering.signatures import marking


@task()
def signature_mark(signature_id: int) -> bool:
    """Idempotent: a mark already made, or made by another worker meanwhile, is kept."""
    return marking.signature_mark_make(signature_id)
