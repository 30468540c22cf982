"""The signature mark (ГОСТ Р 7.0.97-2016, п. 5.23) on the PDF rendition of a signed file.

The mark is a blue frame with rounded corners at the bottom of the last page:
«ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ», the certificate's serial, its owner and its
validity — one frame per valid qualified signature of the file. It is drawn on a COPY:
the PDF original itself, or an office file's PDF rendition, copied page by page with the
frames laid over the last page (``bering.files.overlay``: WeasyPrint draws the Cyrillic,
pypdf lays it over). The signed original's bytes are only read, never written.

The copy is a derived file under its own generated name in ``marks/`` (outside ``files/``,
which the orphan sweep walks) and is named by ``Signature.marked_name``. It is made by the
task worker after the signing (``marks_schedule``, on commit) and, for whatever a lost task
or a rendition not ready yet left behind, by the sweep (``signatures_mark_pending``).
Two workers never leave two copies: the name is set by a conditional UPDATE
(``marked_name = ""``) and the loser deletes its bytes. A PDF that cannot be marked (broken,
encrypted) counts a failed attempt (``Signature.mark_attempts``); the sweep takes the
least-tried first and gives up after ``ATTEMPTS``, so a few broken files never hold back
the marks of the signatures after them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pypdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bering.audit import services as audit
from bering.audit.verbs import AuditVerb
from bering.core.errors import NotFound
from bering.documents.selectors import document_get_for_user
from bering.files import overlay
from bering.files.http import Representation
from bering.files.models import StoredFile
from bering.orgs.actor import Actor
from bering.signatures.models import Signature

log = logging.getLogger(__name__)

ROOT = "marks"
BATCH = 20
"""Marks the sweep makes in one run at most (each is a WeasyPrint render and a PDF copy)."""
ATTEMPTS = 3
"""Failed attempts after which the sweep no longer tries to mark a signature's file."""
VALID = "valid"
BLUE = "#1f3f99"
_CHUNK = 1024 * 1024

_CSS = (
    ".marks { position: absolute; left: 20mm; right: 10mm; bottom: 8mm; text-align: left; }"
    ".mark { display: inline-block; box-sizing: border-box; width: 86mm; margin: 2mm 4mm 0 0;"
    f" padding: 1.8mm 3mm; border: 1.6pt solid {BLUE}; border-radius: 3mm; color: {BLUE};"
    " background: rgba(255, 255, 255, 0.85); vertical-align: bottom;"
    " font: 7.5pt/1.3 'DejaVu Sans', 'Liberation Sans', sans-serif; }"
    ".mark .title { font-weight: bold; text-align: center; margin-bottom: 1mm; }"
    ".mark .line { white-space: nowrap; overflow: hidden; }"
)


@dataclass(frozen=True)
class MarkText:
    """What one frame says: the certificate's serial, its owner, its validity."""

    serial: str
    owner: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @classmethod
    def from_certificate(cls, certificate: dict[str, Any]) -> MarkText:
        return cls(
            serial=str(certificate.get("serial") or ""),
            owner=str(certificate.get("owner") or ""),
            valid_from=_date(certificate.get("valid_from")),
            valid_to=_date(certificate.get("valid_to")),
        )

    def lines(self) -> list[str]:
        return [
            f"Сертификат: {self.serial}",
            f"Владелец: {self.owner}",
            f"Действителен: с {_shown(self.valid_from)} по {_shown(self.valid_to)}",
        ]


def _date(value: object) -> dt.date | None:
    """A date from the certificate's ISO string (a date or a moment: the local date)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date()


def _shown(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _frames(marks: list[MarkText]) -> str:
    frames = []
    for mark in marks:
        lines = "".join(f"<div class='line'>{overlay.escape(line)}</div>" for line in mark.lines())
        frames.append(
            "<div class='mark'><div class='title'>ДОКУМЕНТ ПОДПИСАН<br>"
            f"ЭЛЕКТРОННОЙ ПОДПИСЬЮ</div>{lines}</div>"
        )
    return f"<div class='marks'>{''.join(frames)}</div>"


def mark_pdf(data: bytes, marks: list[MarkText]) -> bytes:
    """A copy of the PDF ``data`` with one frame per mark at the bottom of its last page."""
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    writer = pypdf.PdfWriter(clone_from=reader)
    if marks and writer.pages:
        page = writer.pages[-1]
        if page.rotation:
            page.transfer_rotation_to_content()  # "bottom" is the bottom the reader sees
        box = page.mediabox
        drawn = overlay.transparent_page(float(box.width), float(box.height), _CSS, _frames(marks))
        if float(box.left) or float(box.bottom):
            frame = pypdf.PdfReader(io.BytesIO(drawn)).pages[0]
            page.merge_translated_page(frame, float(box.left), float(box.bottom))
        else:
            overlay.lay_over(page, drawn)
    writer.add_metadata({"/Producer": "Bering"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- The service ------------------------------------------------------------------------


def _markable() -> Q:
    """Signatures that get a mark: qualified and found valid."""
    return Q(kind=Signature.Kind.QUALIFIED, verification=VALID)


def _source(stored: StoredFile) -> str | None:
    """The storage name of the PDF to mark: a PDF original, or an office file's rendition."""
    if stored.kind == StoredFile.Kind.PDF:
        return stored.storage_name
    if stored.rendition_status == StoredFile.Processing.DONE and stored.rendition_name:
        return stored.rendition_name
    return None


def _new_name() -> str:
    token = uuid.uuid4().hex
    return f"{ROOT}/{token[:2]}/{token}.marked.pdf"


def signature_mark_make(signature_id: int) -> bool:
    """Make the marked copy of a signature's file. True if the copy exists now.

    False when there is nothing to make (not a valid qualified signature) or not yet (the
    office file's rendition is not ready; the sweep comes back). Idempotent and race-safe."""
    signature = (
        Signature.objects.filter(_markable(), pk=signature_id)
        .select_related("document_file__stored", "document_file__document")
        .first()
    )
    if signature is None:
        return False
    if signature.marked_name:
        return True
    item = signature.document_file
    source = _source(item.stored)
    if source is None:
        return False
    shown = (
        Signature.objects.filter(_markable(), document_file=item)
        .filter(
            Q(signed_at__lt=signature.signed_at)
            | Q(signed_at=signature.signed_at, pk__lte=signature.pk)
        )
        .order_by("signed_at", "pk")
    )
    marks = [MarkText.from_certificate(s.certificate) for s in shown]
    try:
        with default_storage.open(source, "rb") as fh:
            data = fh.read()
        made = mark_pdf(data, marks)
    except Exception:
        Signature.objects.filter(pk=signature.pk, marked_name="").update(
            mark_attempts=F("mark_attempts") + 1
        )
        raise
    name = default_storage.save(_new_name(), ContentFile(made))
    try:
        with transaction.atomic():
            won = Signature.objects.filter(pk=signature.pk, marked_name="").update(marked_name=name)
            if won:
                audit.record(
                    actor=None,
                    verb=AuditVerb.SIGNATURE_MARKED,
                    object_type="document",
                    object_id=item.document_id,
                    organization_id=item.document.organization_id,
                    data={
                        "signature": signature.pk,
                        "file": item.pk,
                        "serial": marks[-1].serial if marks else "",
                        "source": "original" if source == item.stored.storage_name else "rendition",
                    },
                )
    except Exception:
        default_storage.delete(name)
        raise
    if not won:  # another worker was first: keep its copy, drop ours
        default_storage.delete(name)
    return True


def marks_pending(*, limit: int = BATCH) -> QuerySet[Signature]:
    """Valid qualified signatures still without a mark whose source PDF is ready, the
    least-tried first; those whose file failed ``ATTEMPTS`` times are left out."""
    pdf = Q(document_file__stored__kind=StoredFile.Kind.PDF)
    rendition = Q(document_file__stored__rendition_status=StoredFile.Processing.DONE) & ~Q(
        document_file__stored__rendition_name=""
    )
    return Signature.objects.filter(
        _markable(), pdf | rendition, marked_name="", mark_attempts__lt=ATTEMPTS
    ).order_by("mark_attempts", "pk")[:limit]


def marks_make_pending(*, limit: int = BATCH) -> int:
    """The sweep: make the marks a lost task or a late rendition left. Returns how many."""
    made = 0
    for signature_id in list(marks_pending(limit=limit).values_list("pk", flat=True)):
        try:
            made += signature_mark_make(signature_id)
        except Exception:  # a broken PDF must not stop the sweep; its attempt is counted
            log.exception("cannot make the signature mark of signature %s", signature_id)
    return made


def marks_schedule(signature_ids: Iterable[int]) -> None:
    """After the caller's transaction commits, ask the worker to make these marks."""
    ids = [int(i) for i in signature_ids]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    from bering.signatures.tasks import signature_mark

    for signature_id in ids:
        signature_mark.enqueue(signature_id)


# --- Reading the copy -------------------------------------------------------------------


def signature_get_for_user(actor: Actor, signature_id: int) -> Signature:
    """The one getter: 404 if the signature is missing or its document invisible to ``actor``."""
    signature = (
        Signature.objects.select_related("document_file__stored").filter(pk=signature_id).first()
    )
    if signature is None:
        raise NotFound(_("Signature not found."))
    document_get_for_user(actor, signature.document_file.document_id)
    return signature


def marked_copy(signature: Signature) -> Representation:
    """The marked copy to serve (whole or in byte ranges); 404 while it is not made."""
    if signature.kind != Signature.Kind.QUALIFIED or signature.verification != VALID:
        raise NotFound(
            _("Only a valid qualified signature gets a mark on the PDF copy."), code="no_mark"
        )
    name = signature.marked_name
    stored = signature.document_file.stored
    if (
        not name
        and stored.kind != StoredFile.Kind.PDF
        and stored.rendition_status
        in (
            StoredFile.Processing.FAILED,
            StoredFile.Processing.NOT_APPLICABLE,
        )
    ):
        raise NotFound(
            _("The file has no PDF copy, so the signature mark cannot be drawn."), code="no_mark"
        )
    if not name and signature.mark_attempts >= ATTEMPTS:
        raise NotFound(
            _("The PDF copy of the file cannot be read, so the signature mark cannot be drawn."),
            code="no_mark",
        )
    if not name:
        raise NotFound(
            _("The copy with the signature mark is still being prepared."), code="no_mark"
        )
    digest, size = hashlib.sha256(), 0
    try:
        with default_storage.open(name, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError as exc:
        log.error("the marked copy %s of signature %s is missing", name, signature.pk)
        raise NotFound(_("The copy with the signature mark is missing."), code="no_mark") from exc
    return Representation(
        open=lambda: default_storage.open(name, "rb"),
        size=size,
        sha256=digest.hexdigest(),
        content_type="application/pdf",
    )


def marked_copy_name(signature: Signature) -> str:
    """The file name the marked copy is given."""
    stem = signature.document_file.stored.original_name.rsplit(".", 1)[0]
    return str(_("%(name)s, with the signature mark") % {"name": stem}) + ".pdf"
