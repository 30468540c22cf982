"""Deciding a visa: agree, agree with remarks (a comment, maybe a file), or not agree."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from bering.approvals.models import ApprovalRun, Stage, Visa
from bering.approvals.services.common import (
    _activate_stage,
    _activate_visa,
    _close_open,
    _decision_data,
    _document_url,
    _lock_run,
    _notify_tasks,
    _set_document_status,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.deadlines.lateness import lateness
from bering.documents.models import Document
from bering.documents.services import Upload
from bering.files.services import file_store
from bering.notifications.services import notify
from bering.orgs.actor import Actor

OUTCOMES = (Visa.Status.AGREED, Visa.Status.REMARKS, Visa.Status.REJECTED)


def visa_decide(
    *,
    actor: Actor,
    visa: Visa,
    outcome: str,
    comment: str = "",
    remark_upload: Upload | None = None,
) -> Visa:
    """Agree, agree with remarks, or not agree. "Not agreed" returns the draft to its author.

    A substitute decides for the absent approver: the visa stays the absent
    one's, and the deciding user and post are kept beside it.
    """
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Choose a decision."), field="outcome")
    comment = comment.strip()
    if outcome != Visa.Status.AGREED and not comment:
        raise ValidationFailed(
            _("Write what must be corrected: a comment is required."), field="comment"
        )
    if visa.approver_id != actor.employee.pk:
        raise Forbidden(_("This approval task is someone else's."))
    if visa.kind == Visa.Kind.SIGN and outcome != Visa.Status.REJECTED:
        raise ValidationFailed(
            _("The signer signs with the password, or returns the draft."), field="outcome"
        )

    def work() -> Visa:
        if remark_upload is not None:
            remark_upload.stream.seek(0)
        run = _lock_run(visa.run_id)
        now = clock.now()
        stored = (
            file_store(
                stream=remark_upload.stream, name=remark_upload.name, uploaded_by_id=actor.user.pk
            )
            if remark_upload is not None
            else None
        )
        claimed = Visa.objects.filter(pk=visa.pk, status=Visa.Status.PENDING).update(
            status=outcome,
            decided_at=now,
            decided_by_user=actor.user,
            decided_in_post=actor.post,
            comment=comment,
            remark_file=stored,
        )
        if claimed != 1:
            raise Conflict(_("This task is already decided or no longer needed."))
        decided = Visa.objects.select_related("stage", "run").get(pk=visa.pk)
        data = _decision_data(decided, actor)
        data["comment"] = comment
        data["late"] = lateness(
            due_at=decided.due_at, done=False, now=now, tz=run.document.organization.time_zone
        ).label
        if outcome == Visa.Status.REJECTED:
            _return_round(run, now)
            record(
                actor=actor,
                verb="approval.returned",
                object_type="document",
                object_id=run.document_id,
                data=data,
            )
            notify(
                recipient_ids=[run.document.author_id],
                kind="returned",
                title=str(
                    _("Returned for rework: %(title)s") % {"title": run.document.title[:200]}
                ),
                body=comment[:1000],
                url=_document_url(run.document_id),
                object_type="document",
                object_id=run.document_id,
                dedupe_key=f"approval-run:{run.pk}:returned",
            )
            return decided
        activated, stage_done = _advance(run, decided.stage, now)
        data["stage_completed"] = stage_done
        data["next"] = [v.approver_id for v in activated]
        verb = "approval.agreed" if outcome == Visa.Status.AGREED else "approval.agreed_remarks"
        record(actor=actor, verb=verb, object_type="document", object_id=run.document_id, data=data)
        _notify_tasks(run.document, activated)
        return decided

    return atomic_with_retry(work)


def _advance(run: ApprovalRun, stage: Stage, now: dt.datetime) -> tuple[list[Visa], bool]:
    """After a positive visa: the next approver, the next stage, or nothing yet."""
    open_visas = list(stage.visas.exclude(status__in=Visa.DECIDED).order_by("order", "pk"))
    if open_visas:
        if any(v.status == Visa.Status.PENDING for v in open_visas):
            return [], False
        following = open_visas[0]  # sequential: the next in line
        _activate_visa(following, stage, now, tz=run.document.organization.time_zone)
        return [following], False
    stage.status = Stage.Status.DONE
    stage.finished_at = now
    stage.save(update_fields=["status", "finished_at"])
    following_stage = run.stages.filter(order__gt=stage.order).order_by("order").first()
    if following_stage is None:
        return [], True
    return _activate_stage(run, following_stage, now), True


def _return_round(run: ApprovalRun, now: dt.datetime) -> None:
    _close_open(run, now)
    run.status = ApprovalRun.Status.RETURNED
    run.finished_at = now
    run.save(update_fields=["status", "finished_at"])
    _set_document_status(run.document, Document.Status.REWORK)
