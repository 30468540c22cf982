"""Signing the approved draft: a simple electronic signature (the password re-entered) or a
qualified one (a detached CMS per file, made on the signer's device and verified here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from bering.approvals.models import ApprovalRun, Stage, Visa
from bering.approvals.services.common import (
    _current_file_ids,
    _decision_data,
    _document_url,
    _lock_run,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import retried_atomic
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee
from bering.orgs.security import password_confirm
from bering.signatures.marking import marks_schedule
from bering.signatures.models import Signature
from bering.signatures.services import (
    qualified_signatures_check,
    signatures_create_qualified,
    signatures_create_simple,
)

MakeSignatures = Callable[..., list[Signature]]


def approval_sign(*, actor: Actor, visa: Visa, password: str) -> Visa:
    """Sign the approved draft with a simple electronic signature (password re-entered).

    One signature record per file version of the round, with the SHA-256 of
    the bytes read back from storage. Afterwards the files never change.
    """
    _check_signer(actor=actor, visa=visa)
    # Counted and locked out like a sign-in, each refusal audited (decision 0011).
    password_confirm(user=actor.user, password=password, actor=actor)
    return _sign(actor=actor, visa=visa, make=signatures_create_simple)


def approval_sign_qualified(*, actor: Actor, visa: Visa, signatures: Mapping[int, bytes]) -> Visa:
    """Sign the approved draft with a qualified electronic signature.

    ``signatures`` maps each file version of the round (``DocumentFile`` id) to the
    detached CMS the signer made of its exact bytes on their own device. Each is
    verified before the transaction (``qualified_signatures_check``: the bytes, the
    certificate's validity, usage, chain, revocation and owner); a refusal says which
    file and why, and nothing is signed. The marked copies are made after the commit.
    """
    _check_signer(actor=actor, visa=visa)
    checks = qualified_signatures_check(
        document_file_ids=visa.run.file_ids, cms_by_file=signatures, user=actor.user, at=clock.now()
    )

    def make(*, document_file_ids: list[int], **fields: Any) -> list[Signature]:
        # The round's files cannot change (its row is locked): they are the ones checked.
        return signatures_create_qualified(checks=checks, **fields)

    return _sign(actor=actor, visa=visa, make=make)


def _qualified_marks(signatures: list[Signature]) -> None:
    marks_schedule([s.pk for s in signatures if s.kind == Signature.Kind.QUALIFIED])


def _check_signer(*, actor: Actor, visa: Visa) -> None:
    """The task is a signature, and the actor's post is its signer's."""
    if visa.kind != Visa.Kind.SIGN:
        raise ValidationFailed(_("This task is a visa, not a signature."))
    if visa.approver_id != actor.employee.pk:
        raise Forbidden(_("Only the signer may sign this draft."))


@retried_atomic
def _sign(*, actor: Actor, visa: Visa, make: MakeSignatures) -> Visa:
    """The signature in one transaction, under a lock on the round's row."""
    run = _lock_run(visa.run_id)
    now = clock.now()
    _claim_signing(visa, actor=actor, now=now)
    document = _lock_unchanged_document(run)
    signatures = make(
        document_file_ids=run.file_ids,
        signer_id=visa.approver_id,
        post_id=actor.post.pk,
        on_behalf_of_id=actor.on_behalf_of.pk if actor.on_behalf_of else None,
        user_id=actor.user.pk,
        at=now,
    )
    _close_as_signed(run, visa, document, now)
    signed = Visa.objects.select_related("stage", "run").get(pk=visa.pk)
    data = _decision_data(signed, actor)
    data["signatures"] = [_signature_data(s) for s in signatures]
    record(
        actor=actor,
        verb="approval.signed",
        object_type="document",
        object_id=document.pk,
        data=data,
    )
    _notify_signed(run, document)
    _qualified_marks(signatures)
    return signed


def _signature_data(s: Signature) -> dict[str, object]:
    """What the audit event keeps of a signature (a qualified one: its certificate too)."""
    data: dict[str, object] = {"file": s.document_file_id, "sha256": s.sha256, "kind": s.kind}
    if s.certificate:
        data["certificate"] = {k: s.certificate[k] for k in ("serial", "owner", "issuer")}
    return data


def _claim_signing(visa: Visa, *, actor: Actor, now: dt.datetime) -> None:
    """The conditional UPDATE that must change one row: a draft is signed once."""
    claimed = Visa.objects.filter(pk=visa.pk, status=Visa.Status.PENDING).update(
        status=Visa.Status.SIGNED,
        decided_at=now,
        decided_by_user=actor.user,
        decided_in_post=actor.post,
    )
    if claimed != 1:
        raise Conflict(_("This task is already decided or no longer needed."))


def _lock_unchanged_document(run: ApprovalRun) -> Document:
    """The document, locked, whose current files are still those the round approved."""
    document = Document.objects.select_for_update().get(pk=run.document_id)
    if _current_file_ids(document) != sorted(run.file_ids):
        raise Conflict(_("The files changed since approval: start a new round."))
    return document


def _close_as_signed(run: ApprovalRun, visa: Visa, document: Document, now: dt.datetime) -> None:
    """The signing stage done, the round and the document signed."""
    Stage.objects.filter(pk=visa.stage_id).update(status=Stage.Status.DONE, finished_at=now)
    run.status = ApprovalRun.Status.SIGNED
    run.finished_at = now
    run.save(update_fields=["status", "finished_at"])
    document.status = Document.Status.SIGNED
    document.signed_at = now
    document.save(update_fields=["status", "signed_at", "updated_at"])


def _notify_signed(run: ApprovalRun, document: Document) -> None:
    """The author and the organization's registrars: the draft is signed, to register."""
    registrars = Employee.objects.filter(
        organization_id=document.organization_id, is_registrar=True, is_active=True
    ).values_list("pk", flat=True)
    notify(
        recipient_ids=sorted({document.author_id, *registrars}),
        kind="signed",
        title=str(_("Signed: %(title)s") % {"title": document.title[:200]}),
        url=_document_url(document.pk),
        object_type="document",
        object_id=document.pk,
        dedupe_key=f"approval-run:{run.pk}:signed",
    )
