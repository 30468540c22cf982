"""The types published from the start (decision 0018); the admin edits them later."""

from __future__ import annotations

RULES: dict[str, str] = {"normative-act": "auto", "decree": "auto", "order": "manual"}


def ensure_publication_rules() -> None:
    """Create the starting rules that are missing; never touches edited ones."""
    from bering.documents.models import DocumentType
    from bering.documents.reference import ensure_document_types
    from bering.publication.models import PublicationRule

    ensure_document_types()
    for code, mode in RULES.items():
        PublicationRule.objects.get_or_create(
            doc_type=DocumentType.objects.get(code=code), defaults={"mode": mode}
        )
