"""Making signature records. The workflow that signs writes the audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bering.core.errors import Conflict
from bering.documents.models import DocumentFile
from bering.files.services import file_open
from bering.signatures.models import Signature


def file_digest(item: DocumentFile) -> str:
    """SHA-256 of the bytes in storage now (not the digest remembered at upload)."""
    digest = hashlib.sha256()
    with file_open(item.stored) as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def signatures_create_simple(
    *,
    document_file_ids: Sequence[int],
    signer_id: int,
    post_id: int,
    on_behalf_of_id: int | None,
    user_id: int,
    at: dt.datetime,
) -> list[Signature]:
    """Record a simple electronic signature over each file version.

    Runs inside the caller's transaction (the caller has checked the password
    and writes the one audit event of its transition). The bytes are read back
    and hashed: if they no longer match the digest taken at upload, nothing is
    signed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("signatures_create_simple must run inside a transaction")
    items = list(
        DocumentFile.objects.select_related("stored").filter(pk__in=list(document_file_ids))
    )
    if len(items) != len(set(document_file_ids)):
        raise Conflict(_("A file to be signed is missing."))
    made = []
    for item in sorted(items, key=lambda f: (f.slot, f.version)):
        sha = file_digest(item)
        if sha != item.stored.sha256:
            raise Conflict(
                _("The file %(name)s changed in storage: it cannot be signed.")
                % {"name": item.stored.original_name}
            )
        made.append(
            Signature.objects.create(
                document_file=item,
                kind=Signature.Kind.SIMPLE,
                signer_id=signer_id,
                post_id=post_id,
                on_behalf_of_id=on_behalf_of_id,
                user_id=user_id,
                signed_at=at,
                sha256=sha,
            )
        )
    return made
