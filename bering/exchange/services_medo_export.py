"""Export of a registered outgoing document as a МЭДО container (see ``services_medo``
for the storage guard ``_Kept``/``_committed`` it shares with import and answers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from bering.audit.services import record
from bering.core import clock
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import selectors as document_selectors
from bering.documents.models import Document, DocumentFile
from bering.exchange import container, permissions
from bering.exchange.container import FileEntry, Party, Passport
from bering.exchange.models import MedoPackage
from bering.exchange.services_medo import _committed, _Kept, _party
from bering.files.services import file_open, rendition_open
from bering.orgs.actor import Actor
from bering.signatures.models import Signature

# Export


@dataclass(frozen=True)
class _Part:
    entry: FileEntry
    data: bytes


def _read_all(stream: IO[bytes]) -> bytes:
    with stream as fh:
        return fh.read()


def _extension(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    return suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"


VALID = "valid"
"""``Signature.verification`` of a qualified signature that held when it was made."""


def _signatures_of(files: list[DocumentFile]) -> dict[int, list[Signature]]:
    found: dict[int, list[Signature]] = {}
    by_id = {f.pk: f for f in files}
    for signature in Signature.objects.filter(
        document_file_id__in=list(by_id), kind=Signature.Kind.QUALIFIED, verification=VALID
    ).order_by("signed_at", "pk"):
        cms = bytes(signature.cms or b"")
        if cms and signature.sha256 == by_id[signature.document_file_id].stored.sha256:
            found.setdefault(signature.document_file_id, []).append(signature)
    return found


def _document_parts(document: Document) -> list[_Part]:
    """The current files, each followed by its PDF copy (if made) and its detached
    qualified signatures; a main file without one is refused (МЭДО requires it)."""
    files = document_selectors.current_files(document)
    signatures = _signatures_of(files)
    parts: list[_Part] = []
    for item in files:
        stored = item.stored
        main = item.role == DocumentFile.Role.MAIN
        if main and not signatures.get(item.pk):
            raise Conflict(
                _(
                    "The file «%(name)s» has no qualified electronic signature: МЭДО accepts "
                    "only a document signed with one. Sign it, then export."
                )
                % {"name": stored.original_name}
            )
        name = f"file{item.slot}.{_extension(stored.original_name)}"
        data = _read_all(file_open(stored))
        role = container.ROLE_DOCUMENT if main else container.ROLE_ATTACHMENT
        parts.append(
            _Part(container.entry(name, role, data, original_name=stored.original_name), data)
        )
        copy = rendition_open(stored)
        if copy is not None:
            pdf = _read_all(copy)
            parts.append(
                _Part(
                    container.entry(
                        f"file{item.slot}.copy.pdf",
                        container.ROLE_RENDITION,
                        pdf,
                        original_name=f"{stored.original_name}.pdf",
                        of=name,
                    ),
                    pdf,
                )
            )
        for n, signature in enumerate(signatures.get(item.pk, []), start=1):
            cms = bytes(signature.cms)
            parts.append(
                _Part(
                    container.entry(
                        f"{name}.sig{n}.p7s", container.ROLE_SIGNATURE, cms, signs=name
                    ),
                    cms,
                )
            )
    return parts


def _signer(document: Document) -> tuple[str, str]:
    signer = document.signer
    if signer is None:
        return "", ""
    return signer.user.full_name, signer.position.name if signer.position else ""


def medo_export(
    *, actor: Actor, document: Document, addressee: str, addressee_code: str = ""
) -> MedoPackage:
    """Make the container of a registered outgoing document for an outside addressee
    and keep it; the export is recorded and the ZIP is downloaded from the package."""
    if not permissions.keeps_medo(actor.employee, actor.organization_id):
        raise Forbidden(_("Only a registrar exchanges МЭДО containers."))
    if not permissions.may_send(actor.employee, document):
        raise Forbidden(_("Only the sender's registrar sends the document."))
    if not permissions.sendable(document):
        raise ValidationFailed(_("Only a registered outgoing document is sent."))
    addressee = addressee.strip()[:500]
    addressee_code = addressee_code.strip()[:40]
    if not addressee:
        raise ValidationFailed(_("Enter the addressee's name."), field="addressee")
    parts = _document_parts(document)
    signer_name, signer_post = _signer(document)
    now = clock.now()
    assert document.reg_date is not None  # a registered document has a date
    passport = Passport(
        uid=container.new_uid(),
        type=container.DOCUMENT,
        created=now,
        sender=_party(document.organization),
        recipient=Party(name=addressee, code=addressee_code),
        document=container.DocumentPart(
            kind=document.doc_type.name,
            title=document.title,
            number=document.reg_number,
            date=document.reg_date,
            signer_name=signer_name,
            signer_post=signer_post,
            pages=document.pages,
        ),
        files=[p.entry for p in parts],
    )
    data = container.build(passport, {p.entry.name: p.data for p in parts})
    kept = _Kept()
    storage_name = kept.keep("out", data)

    def work() -> MedoPackage:
        package = MedoPackage.objects.create(
            uid=passport.uid,
            document=document,
            organization_id=document.organization_id,
            addressee=addressee,
            addressee_code=addressee_code,
            storage_name=storage_name,
            sha256=container.sha256(data),
            size=len(data),
            files=[{"name": p.entry.name, "sha256": p.entry.sha256} for p in parts],
            created_by=actor.employee,
            created_at=now,
        )
        record(
            actor=actor,
            verb="medo.exported",
            object_type="document",
            object_id=document.pk,
            data={
                "package": package.pk,
                "uid": package.uid,
                "addressee": addressee,
                "code": addressee_code,
                "sha256": package.sha256,
                "files": package.files,
            },
        )
        return package

    return _committed(kept, work)
