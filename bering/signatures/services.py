"""Making signature records. The workflow that signs writes the audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import User
from bering.core.errors import Conflict, ValidationFailed
from bering.documents.models import DocumentFile
from bering.files.services import file_open
from bering.signatures.cms import CertificateInfo, Verification, verify_detached
from bering.signatures.models import Signature
from bering.signatures.trust import TrustStore

VALID = "valid"
"""``Signature.verification`` of a signature that passed every check."""
MAX_CMS_BYTES = 256 * 1024


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


@dataclass(frozen=True)
class QualifiedCheck:
    """A detached signature of one file version, verified before the signing transaction."""

    document_file_id: int
    sha256: str
    cms: bytes
    verification: Verification


def qualified_signatures_check(
    *,
    document_file_ids: Sequence[int],
    cms_by_file: Mapping[int, bytes],
    user: User,
    at: dt.datetime,
) -> list[QualifiedCheck]:
    """Verify one detached CMS per file version: the signature over the exact bytes in storage,
    the certificate's validity at ``at``, its key usage, chain and revocation, and that the
    certificate is the signing person's own. Slow (pure-Python GOST), so it runs before the
    signing transaction; ``signatures_create_qualified`` then only records what was verified.
    Each failure is a ``ValidationFailed`` naming the file and the reason."""
    wanted = sorted(set(document_file_ids))
    unknown = sorted(set(cms_by_file) - set(wanted))
    if unknown:
        raise ValidationFailed(_("A signature was uploaded for a file that is not being signed."))
    items = {f.pk: f for f in DocumentFile.objects.select_related("stored").filter(pk__in=wanted)}
    if len(items) != len(wanted):
        raise Conflict(_("A file to be signed is missing."))
    trust = TrustStore.from_settings()
    checks = []
    for pk in wanted:
        item = items[pk]
        name = item.stored.original_name
        cms = cms_by_file.get(pk, b"")
        if not cms:
            raise ValidationFailed(
                _("Upload the detached signature of the file «%(name)s».") % {"name": name}
            )
        if len(cms) > MAX_CMS_BYTES:
            raise ValidationFailed(
                _("The signature file for «%(name)s» is too large to be a detached signature.")
                % {"name": name}
            )
        with file_open(item.stored) as stream:
            content = stream.read()
        sha = hashlib.sha256(content).hexdigest()
        if sha != item.stored.sha256:
            raise Conflict(
                _("The file %(name)s changed in storage: it cannot be signed.") % {"name": name}
            )
        verification = verify_detached(cms, content, trust=trust, at=at)
        if not verification.ok:
            raise ValidationFailed(
                _("The signature of «%(name)s» is not accepted: %(reason)s")
                % {"name": name, "reason": verification.message}
            )
        certificate = verification.certificate
        if certificate is None or not same_person(certificate.owner, user.full_name):
            raise ValidationFailed(
                _(
                    "The certificate of the signature of «%(name)s» belongs to %(owner)s, "
                    "not to you (%(you)s): sign with your own certificate."
                )
                % {
                    "name": name,
                    "owner": certificate.owner if certificate else "?",
                    "you": user.full_name,
                }
            )
        checks.append(QualifiedCheck(pk, sha, bytes(cms), verification))
    return checks


def same_person(certificate_owner: str, full_name: str) -> bool:
    """A certificate's owner (surname and given names) names the person: case, «ё» and
    spacing aside."""

    def norm(text: str) -> str:
        return " ".join(text.casefold().replace("ё", "е").split())

    return bool(full_name) and norm(certificate_owner) == norm(full_name)


def certificate_data(info: CertificateInfo) -> dict[str, str]:
    """The certificate's facts as kept on the signature (JSON)."""
    return {
        "serial": info.serial,
        "owner": info.owner,
        "organization": info.organization,
        "title": info.title,
        "issuer": info.issuer,
        "valid_from": info.valid_from.isoformat(),
        "valid_to": info.valid_to.isoformat(),
        "algorithm": info.algorithm,
        "thumbprint": info.thumbprint,
    }


def signatures_create_qualified(
    *,
    checks: Sequence[QualifiedCheck],
    signer_id: int,
    post_id: int,
    on_behalf_of_id: int | None,
    user_id: int,
    at: dt.datetime,
) -> list[Signature]:
    """Record the qualified signatures verified by ``qualified_signatures_check``.

    Runs inside the caller's transaction. The digest verified is compared with the
    file's digest at upload, so the record is of the bytes the signature covers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("signatures_create_qualified must run inside a transaction")
    stored = dict(
        DocumentFile.objects.filter(pk__in=[c.document_file_id for c in checks]).values_list(
            "pk", "stored__sha256"
        )
    )
    made = []
    for check in checks:
        if stored.get(check.document_file_id) != check.sha256:
            raise Conflict(_("The files changed since approval: start a new round."))
        assert check.verification.certificate is not None
        made.append(
            Signature.objects.create(
                document_file_id=check.document_file_id,
                kind=Signature.Kind.QUALIFIED,
                signer_id=signer_id,
                post_id=post_id,
                on_behalf_of_id=on_behalf_of_id,
                user_id=user_id,
                signed_at=at,
                sha256=check.sha256,
                cms=check.cms,
                certificate=certificate_data(check.verification.certificate),
                verification=VALID,
                verified_at=at,
            )
        )
    return made
