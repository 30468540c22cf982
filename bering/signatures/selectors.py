"""Reads of signature records, and the check of a signature against the bytes now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from bering.documents.models import DocumentFile
from bering.signatures.models import Signature
from bering.signatures.services import file_digest


def signatures_for_files(document_file_ids: Iterable[int]) -> QuerySet[Signature]:
    """The signatures of the file versions, oldest first, with what ``signature_verify``
    reads (the file, its document, the current version of its slot: ``newest_file_id``),
    so checking them all costs no query per signature."""
    newest = (
        DocumentFile.objects.filter(
            document_id=OuterRef("document_file__document_id"),
            slot=OuterRef("document_file__slot"),
        )
        .order_by("-version")
        .values("pk")[:1]
    )
    return (
        Signature.objects.filter(document_file_id__in=list(document_file_ids))
        .select_related(
            "document_file__stored",
            "document_file__document",
            "signer__user",
            "user",
            "on_behalf_of__user",
        )
        .annotate(newest_file_id=Subquery(newest))
        .order_by("signed_at", "pk")
    )


class Verdict(StrEnum):
    VALID = "valid"
    BYTES_CHANGED = "bytes_changed"
    """The bytes in storage are not the bytes that were signed."""
    NOT_CURRENT = "not_current"
    """A newer version of the file exists: the signature is of an old version."""
    WRONG_SIGNER = "wrong_signer"
    """The signature is not the expected signer's (nor made on their behalf)."""


@dataclass(frozen=True)
class SignatureCheck:
    signature: Signature
    verdict: Verdict

    @property
    def valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def label(self) -> str:
        """What the check found, for a person: «совпадает с доставленным файлом»…"""
        return str(VERDICT_LABELS[self.verdict])


VERDICT_LABELS = {
    Verdict.VALID: _("matches the delivered file"),
    Verdict.BYTES_CHANGED: _("does not match the delivered file"),
    Verdict.NOT_CURRENT: _("signs an older version of the file"),
    Verdict.WRONG_SIGNER: _("not made by the document's signer"),
}


def signature_verify(signature: Signature, *, signer_id: int | None = None) -> SignatureCheck:
    """Check a signature: the bytes read now hash to the signed digest, the signed
    version is still the current one of its slot, and the signer is ``signer_id``
    (default: the document's signer), in person or through a substitute."""
    item = signature.document_file
    try:
        now = file_digest(item)
    except OSError:  # the bytes are gone from storage: nothing matches the signature
        return SignatureCheck(signature, Verdict.BYTES_CHANGED)
    if now != signature.sha256 or item.stored.sha256 != signature.sha256:
        return SignatureCheck(signature, Verdict.BYTES_CHANGED)
    if _newest_in_slot(signature) != item.pk:
        return SignatureCheck(signature, Verdict.NOT_CURRENT)
    expected = signer_id if signer_id is not None else item.document.signer_id
    if expected is None or expected not in (signature.signer_id, signature.on_behalf_of_id):
        return SignatureCheck(signature, Verdict.WRONG_SIGNER)
    return SignatureCheck(signature, Verdict.VALID)


def _newest_in_slot(signature: Signature) -> int | None:
    """The current version of the signed file's slot: annotated by ``signatures_for_files``,
    read here for a signature that came another way."""
    if hasattr(signature, "newest_file_id"):
        newest: int | None = signature.newest_file_id
        return newest
    item = signature.document_file
    return (
        DocumentFile.objects.filter(document_id=item.document_id, slot=item.slot)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
