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
from bering.core.db import retried_atomic
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.deadlines.lateness import lateness
from bering.documents.models import Document
from bering.documents.services import Upload
from bering.files.models import StoredFile
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
    comment = _check_decision(actor=actor, visa=visa, outcome=outcome, comment=comment)
    return _decide(
        actor=actor, visa=visa, outcome=outcome, comment=comment, remark_upload=remark_upload
    )


def _check_decision(*, actor: Actor, visa: Visa, outcome: str, comment: str) -> str:
    """The decision is one of the outcomes, explained unless "agreed", by the visa's approver;
    the signer only returns the draft here. Returns the comment, stripped."""
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
    return comment


@retried_atomic
def _decide(
    *, actor: Actor, visa: Visa, outcome: str, comment: str, remark_upload: Upload | None
) -> Visa:
    """The decision in one transaction, under a lock on the round's row."""
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
    _claim_visa(visa, actor=actor, outcome=outcome, comment=comment, stored=stored, now=now)
    decided = Visa.objects.select_related("stage", "run").get(pk=visa.pk)
    data = _decision_data(decided, actor)
    data["comment"] = comment
    data["late"] = lateness(
        due_at=decided.due_at, done=False, now=now, tz=run.document.organization.time_zone
    ).label
    if outcome == Visa.Status.REJECTED:
        _return_to_author(actor, run, data, comment, now)
    else:
        _move_on(actor, run, decided, outcome, data, now)
    return decided


def _claim_visa(
    visa: Visa,
    *,
    actor: Actor,
    outcome: str,
    comment: str,
    stored: StoredFile | None,
    now: dt.datetime,
) -> None:
    """The conditional UPDATE that must change one row: a visa is decided once."""
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


def _return_to_author(
    actor: Actor, run: ApprovalRun, data: dict[str, object], comment: str, now: dt.datetime
) -> None:
    """«Не согласовано»: the round ends and the draft goes back to its author for rework."""
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
        title=str(_("Returned for rework: %(title)s") % {"title": run.document.title[:200]}),
        body=comment[:1000],
        url=_document_url(run.document_id),
        object_type="document",
        object_id=run.document_id,
        dedupe_key=f"approval-run:{run.pk}:returned",
    )


def _move_on(
    actor: Actor,
    run: ApprovalRun,
    decided: Visa,
    outcome: str,
    data: dict[str, object],
    now: dt.datetime,
) -> None:
    """A positive visa: the next approver or stage gets the task (if any is due now)."""
    activated, stage_done = _advance(run, decided.stage, now)
    data["stage_completed"] = stage_done
    data["next"] = [v.approver_id for v in activated]
    verb = "approval.agreed" if outcome == Visa.Status.AGREED else "approval.agreed_remarks"
    record(actor=actor, verb=verb, object_type="document", object_id=run.document_id, data=data)
    _notify_tasks(run.document, activated)


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
