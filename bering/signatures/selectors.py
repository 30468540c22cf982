"""Reads of signature records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from bering.signatures.models import Signature


def signatures_for_files(document_file_ids: Iterable[int]) -> QuerySet[Signature]:
    return (
        Signature.objects.filter(document_file_id__in=list(document_file_ids))
        .select_related("document_file__stored", "signer__user", "user", "on_behalf_of__user")
        .order_by("signed_at", "pk")
    )
