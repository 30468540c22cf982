"""The signatures block of the document card: who signed which file version, and for a
qualified signature its certificate and the result of its verification.

An inclusion tag, so the card (``documents``, a layer below) shows signatures without
importing this app; the card's view has already checked the reader may see the document.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from bering.documents.models import DocumentFile
from bering.signatures.selectors import signatures_for_files

register = template.Library()


@register.inclusion_tag("signatures/_card.html")
def document_signatures(files: Iterable[DocumentFile]) -> dict[str, Any]:
    return {"signatures": list(signatures_for_files(f.pk for f in files))}
