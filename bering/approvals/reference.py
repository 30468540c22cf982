"""The seeded regulations, for tests and fresh installations (see migration 0002)."""

from __future__ import annotations

REGULATIONS: dict[str, tuple[int, int, int]] = {
    "normative-act": (2, 1, 1),
    "outgoing-letter": (3, 1, 1),
    "memo": (2, 1, 1),
    "order": (3, 1, 1),
    "disposition": (3, 1, 1),
    "agreement": (5, 2, 1),
    "decree": (7, 2, 1),
    "protocol": (6, 2, 1),
}
# Types whose drafts go to signing only after an approval stage (migration 0006).
APPROVAL_REQUIRED: frozenset[str] = frozenset({"normative-act"})


def ensure_regulations() -> None:
    """Create the standard regulations that are missing; never touches edited ones."""
    from bering.approvals.models import Regulation
    from bering.documents.models import DocumentType

    for code, (total, stage, sign) in REGULATIONS.items():
        doc_type = DocumentType.objects.filter(code=code).first()
        if doc_type is not None:
            Regulation.objects.get_or_create(
                doc_type=doc_type,
                defaults={
                    "total_days": total,
                    "stage_days": stage,
                    "sign_days": sign,
                    "signing_without_approval": code not in APPROVAL_REQUIRED,
                },
            )
