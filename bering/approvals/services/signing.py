"""Signing the approved draft with a simple electronic signature."""

from __future__ import annotations

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
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee
from bering.orgs.security import password_confirm
from bering.signatures.services import signatures_create_simple


def approval_sign(*, actor: Actor, visa: Visa, password: str) -> Visa:
    """Sign the approved draft with a simple electronic signature (password re-entered).

    One signature record per file version of the round, with the SHA-256 of
    the bytes read back from storage. Afterwards the files never change.
    """
    if visa.kind != Visa.Kind.SIGN:
        raise ValidationFailed(_("This task is a visa, not a signature."))
    if visa.approver_id != actor.employee.pk:
        raise Forbidden(_("Only the signer may sign this draft."))
    # Counted and locked out like a sign-in, each refusal audited (decision 0011).
    password_confirm(user=actor.user, password=password, actor=actor)

    def work() -> Visa:
        run = _lock_run(visa.run_id)
        now = clock.now()
        claimed = Visa.objects.filter(pk=visa.pk, status=Visa.Status.PENDING).update(
            status=Visa.Status.SIGNED,
            decided_at=now,
            decided_by_user=actor.user,
            decided_in_post=actor.post,
        )
        if claimed != 1:
            raise Conflict(_("This task is already decided or no longer needed."))
        document = Document.objects.select_for_update().get(pk=run.document_id)
        if _current_file_ids(document) != sorted(run.file_ids):
            raise Conflict(_("The files changed since approval: start a new round."))
        signatures = signatures_create_simple(
            document_file_ids=run.file_ids,
            signer_id=visa.approver_id,
            post_id=actor.post.pk,
            on_behalf_of_id=actor.on_behalf_of.pk if actor.on_behalf_of else None,
            user_id=actor.user.pk,
            at=now,
        )
        Stage.objects.filter(pk=visa.stage_id).update(status=Stage.Status.DONE, finished_at=now)
        run.status = ApprovalRun.Status.SIGNED
        run.finished_at = now
        run.save(update_fields=["status", "finished_at"])
        document.status = Document.Status.SIGNED
        document.signed_at = now
        document.save(update_fields=["status", "signed_at", "updated_at"])
        signed = Visa.objects.select_related("stage", "run").get(pk=visa.pk)
        data = _decision_data(signed, actor)
        data["signatures"] = [
            {"file": s.document_file_id, "sha256": s.sha256, "kind": s.kind} for s in signatures
        ]
        record(
            actor=actor,
            verb="approval.signed",
            object_type="document",
            object_id=document.pk,
            data=data,
        )
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
        return signed

    return atomic_with_retry(work)
