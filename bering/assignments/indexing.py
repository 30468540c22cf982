"""A document's whole search entry: its card and files, and its issued resolutions."""

from __future__ import annotations

from bering.assignments.models import Resolution
from bering.documents.indexing import document_index, document_index_part
from bering.documents.models import Document

ISSUED = (Resolution.Status.ACTIVE, Resolution.Status.CLOSED)


def document_reindex(document: Document) -> None:
    """Index everything searchable of ``document`` again (in the caller's transaction)."""
    document_index(document)
    for pk, text in Resolution.objects.filter(document=document, status__in=ISSUED).values_list(
        "pk", "text"
    ):
        document_index_part(document, f"resolution:{pk}", text)
