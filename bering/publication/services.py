"""Marking, publishing and unpublishing acts. Every write audited in its transaction.

Publishing reads the signed main file (a PDF as it is, DOCX/ODT through the PDF copy
LibreOffice made of it, or the redacted PDF when the act holds personal data), makes
the published copy outside the transaction (WeasyPrint and pypdf take a moment),
then in one transaction locks the document, checks the rules again, stores the copy
as a new file and writes the ``Publication`` row, its audit event and its search
entry. At most one publication of a document is active (a partial unique
constraint), so two automatic runs racing for the same act publish it once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry, retried_atomic
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.documents.services import Upload
from bering.files import pdf as pdf_facts
from bering.files.models import StoredFile
from bering.files.services import file_open, file_store, rendition_open
from bering.orgs.actor import Actor
from bering.publication import permissions, selectors
from bering.publication.models import Publication, PublicationMark
from bering.publication.pdf import publish_copy
from bering.search import services as search
from bering.signatures.models import Signature

TEXT_LIMIT = 200_000


# --- marks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Marks:
    to_publish: bool
    personal_data: bool
    redacted: Upload | None = None
    """A redacted PDF to publish instead of the act (replaces the one attached)."""
    drop_redacted: bool = False


@retried_atomic
def publication_mark(*, actor: Actor, document: Document, marks: Marks) -> PublicationMark:
    """Set the marks «подлежит опубликованию» and «содержит персональные данные»."""
    if not permissions.can_mark(actor.employee, document):
        raise Forbidden(_("Only the author or a registrar of the organization marks an act."))
    if selectors.publication_active(document) is not None:
        raise Conflict(_("The act is on the public site: unpublish it before changing marks."))
    mark = PublicationMark.objects.select_for_update().filter(document=document).first()
    if mark is None:
        mark = PublicationMark(document=document)
    redacted_id = None if marks.drop_redacted else mark.redacted_id
    if marks.redacted is not None:
        marks.redacted.stream.seek(0)
        stored = file_store(
            stream=marks.redacted.stream, name=marks.redacted.name, uploaded_by_id=actor.user.pk
        )
        if stored.kind != StoredFile.Kind.PDF:
            raise ValidationFailed(_("The redacted copy must be a PDF."), field="redacted")
        redacted_id = stored.pk
    mark.to_publish = marks.to_publish
    mark.personal_data = marks.personal_data
    mark.redacted_id = redacted_id if marks.personal_data else None
    mark.marked_by = actor.employee
    mark.marked_at = clock.now()
    mark.save()
    record(
        actor=actor,
        verb="publication.marked",
        object_type="document",
        object_id=document.pk,
        data={
            "to_publish": mark.to_publish,
            "personal_data": mark.personal_data,
            "redacted": mark.redacted_id,
        },
    )
    return mark


# --- publishing ------------------------------------------------------------------------


def _person(signature: Signature) -> str:
    name = signature.signer.user.display_name
    if signature.on_behalf_of_id is not None and signature.on_behalf_of is not None:
        return f"{name} ({_('for')} {signature.on_behalf_of.user.display_name})"
    return str(name)


def _source_pdf(document: Document, mark: PublicationMark) -> bytes:
    """The bytes to publish: the redacted PDF, or the signed main file as a PDF."""
    if mark.personal_data and mark.redacted is not None:
        redacted = mark.redacted
        with file_open(redacted) as stream:
            return bytes(stream.read())
    item = selectors.main_file(document)
    if item is None:
        raise Conflict(_("The act has no main file."))
    if item.stored.kind == StoredFile.Kind.PDF:
        with file_open(item.stored) as stream:
            return bytes(stream.read())
    copy = rendition_open(item.stored)
    if copy is None:
        raise Conflict(_("The PDF copy of the act's file is not made yet: try again later."))
    with copy:
        return bytes(copy.read())


@dataclass(frozen=True)
class _Prepared:
    signature_id: int
    signed_sha256: str
    note_date: str
    pdf: bytes


def note_text(*, published: str, signer: str, signed: str, sha256: str) -> str:
    return (
        f"Опубликовано {published} · Документ подписан электронной подписью: "
        f"{signer}, {signed}, SHA-256 {sha256[:16]}…"
    )


def _prepare(document: Document) -> _Prepared:
    facts = selectors.facts_for(document)
    found = permissions.refusals(document, facts)
    if found:
        raise Conflict(str(found[0]))
    signature = selectors.main_signature(document)
    assert signature is not None and facts.mark is not None  # refusals checked
    tz = document.organization.tz
    today = clock.now().astimezone(tz).strftime("%d.%m.%Y")
    note = note_text(
        published=today,
        signer=_person(signature),
        signed=signature.signed_at.astimezone(tz).strftime("%d.%m.%Y"),
        sha256=signature.sha256,
    )
    return _Prepared(
        signature_id=signature.pk,
        signed_sha256=signature.sha256,
        note_date=today,
        pdf=publish_copy(_source_pdf(document, facts.mark), note),
    )


def _publish_locked(
    actor: Actor | None, document_id: int, prepared: _Prepared, *, auto: bool
) -> Publication | None:
    """Inside the transaction: the rules again, then the row, the event and the index."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("doc_type", "organization", "signer__user")
        .get(pk=document_id)
    )
    if auto and Publication.objects.filter(document=document).exists():
        return None  # another run published it (or a registrar took it off: not again)
    if selectors.publication_active(document) is not None:
        if auto:
            return None
        raise Conflict(_("The act is already on the public site."))
    facts = selectors.facts_for(document)
    found = permissions.refusals(document, facts)
    signature = selectors.main_signature(document)
    if (
        found
        or signature is None
        or signature.pk != prepared.signature_id
        or document.reg_date is None
    ):
        raise Conflict(str(found[0]) if found else _("The act changed: try again."))
    stored = file_store(
        stream=io.BytesIO(prepared.pdf),
        name=f"{document.reg_number or document.pk}.pdf",
        uploaded_by_id=actor.user.pk if actor is not None else None,
    )
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                document=document,
                organization_id=document.organization_id,
                kind=document.doc_type.name,
                kind_code=document.doc_type.code,
                number=document.reg_number,
                date=document.reg_date,
                title=document.title,
                organization_name=document.organization.name,
                signer=document.signer.user.display_name if document.signer else "",
                signed_sha256=signature.sha256,
                signed_by=_person(signature),
                signed_at=signature.signed_at,
                pdf=stored,
                redacted=bool(facts.mark and facts.mark.personal_data),
                published_at=clock.now(),
                published_by=actor.employee if actor is not None else None,
            )
    except IntegrityError:
        if auto:
            return None
        raise Conflict(_("The act is already on the public site.")) from None
    record(
        actor=actor,
        verb="publication.published",
        object_type="document",
        object_id=document.pk,
        organization_id=document.organization_id,
        data={
            "publication": publication.pk,
            "auto": auto,
            "signed_sha256": publication.signed_sha256,
            "pdf_sha256": stored.sha256,
        },
    )
    publication_index(publication, prepared.pdf)
    return publication


def publication_publish(*, actor: Actor, document: Document) -> Publication:
    """Publish the act now (a registrar of its organization)."""
    if not permissions.can_publish(actor.employee, document):
        raise Forbidden(_("Only a registrar of the organization publishes acts."))
    prepared = _prepare(document)
    made = atomic_with_retry(lambda: _publish_locked(actor, document.pk, prepared, auto=False))
    assert made is not None  # a manual publication raises instead
    return made


def publication_publish_due() -> int:
    """Publish every act of an automatic type not published yet; returns how many.

    Safe to run twice at once: the loser of a race finds the act published (or hits
    the unique constraint) and publishes nothing.
    """
    published = 0
    for document in selectors.due_for_auto().select_related("organization"):
        try:
            prepared = _prepare(document)
        except Conflict:
            continue  # not ready (no PDF copy yet): the next run tries again
        made = atomic_with_retry(partial(_publish_locked, None, document.pk, prepared, auto=True))
        published += made is not None
    return published


# --- unpublishing ----------------------------------------------------------------------


@retried_atomic
def publication_unpublish(*, actor: Actor, publication: Publication, reason: str) -> Publication:
    """Take the act off the site. Its page stays and says when it was public."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for unpublishing."), field="reason")
    locked = (
        Publication.objects.select_for_update().select_related("document").get(pk=publication.pk)
    )
    if not permissions.can_publish(actor.employee, locked.document):
        raise Forbidden(_("Only a registrar of the organization unpublishes acts."))
    if locked.unpublished_at is not None:
        raise Conflict(_("The act is already taken off the public site."))
    locked.unpublished_at = clock.now()
    locked.unpublished_by = actor.employee
    locked.unpublish_reason = reason[:1000]
    locked.save(
        update_fields=["unpublished_at", "unpublished_by", "unpublish_reason", "updated_at"]
    )
    record(
        actor=actor,
        verb="publication.unpublished",
        object_type="document",
        object_id=locked.document_id,
        data={"publication": locked.pk, "reason": locked.unpublish_reason},
    )
    for name in ("card", "text"):
        search.part_put(
            kind=selectors.KIND,
            object_id=locked.pk,
            organization_id=locked.organization_id,
            name=name,
            text="",
        )
    return locked


# --- the search index ------------------------------------------------------------------


def card_text(publication: Publication) -> str:
    return "\n".join(
        (
            publication.kind,
            publication.number,
            publication.date.strftime("%d.%m.%Y"),
            publication.title,
            publication.organization_name,
            publication.signer,
        )
    )


def publication_index(publication: Publication, pdf: bytes) -> None:
    search.part_put(
        kind=selectors.KIND,
        object_id=publication.pk,
        organization_id=publication.organization_id,
        name="card",
        text=card_text(publication),
    )
    search.part_put(
        kind=selectors.KIND,
        object_id=publication.pk,
        organization_id=publication.organization_id,
        name="text",
        text=pdf_facts.text(pdf, limit=TEXT_LIMIT),
        weight=search.BODY,
    )
