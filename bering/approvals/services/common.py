"""Private helpers shared by the approval services: URLs, tasks and stages, locks, audit data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bering.approvals.models import ApprovalRun, Mode, Stage, Visa
from bering.approvals.timing import due_in_working_days
from bering.documents.models import Document
from bering.documents.selectors import current_files
from bering.notifications.services import notify
from bering.orgs.actor import Actor


def _visa_url(visa_id: int) -> str:
    return reverse("approvals:visa", args=[visa_id])


def _document_url(document_id: int) -> str:
    return reverse("approvals:document", args=[document_id])


def _notify_tasks(document: Document, visas: Sequence[Visa]) -> None:
    for visa in visas:
        if visa.kind == Visa.Kind.SIGN:
            title = _("To sign: %(title)s") % {"title": document.title[:200]}
        else:
            title = _("For approval: %(title)s") % {"title": document.title[:200]}
        notify(
            recipient_ids=[visa.approver_id],
            kind="task_new",
            title=str(title),
            body=visa.due_explanation,
            url=_visa_url(visa.pk),
            object_type="document",
            object_id=document.pk,
            dedupe_key=f"approval-visa:{visa.pk}:new",
        )


def _activate_stage(run: ApprovalRun, stage: Stage, now: dt.datetime) -> list[Visa]:
    """Start a stage: its due time from the regulation, and its first task(s)."""
    document = run.document
    due = due_in_working_days(start=now, days=stage.days, tz=document.organization.time_zone)
    stage.status = Stage.Status.ACTIVE
    stage.started_at = now
    stage.due_at = due.at
    stage.due_explanation = due.explanation[:500]
    stage.save(update_fields=["status", "started_at", "due_at", "due_explanation"])
    visas = list(stage.visas.order_by("order", "pk"))
    if stage.mode == Mode.SEQUENTIAL:
        visas = visas[:1]
    for visa in visas:
        _activate_visa(visa, stage, now, tz=document.organization.time_zone)
    if stage.is_signing:
        _set_document_status(document, Document.Status.ON_SIGNING)
    return visas


def _activate_visa(visa: Visa, stage: Stage, now: dt.datetime, *, tz: str) -> None:
    """A visa becomes the approver's task. In a parallel stage it is due with the stage;
    in a sequential one each approver has an equal share of the stage's working days
    from the moment the visa reaches them (at least one day), so a late predecessor
    does not make the next person late: the reports name who held the document."""
    visa.status = Visa.Status.PENDING
    visa.activated_at = now
    visa.due_at = stage.due_at
    visa.due_explanation = stage.due_explanation
    approvers = stage.visas.count() if stage.mode == Mode.SEQUENTIAL else 1
    if approvers > 1:
        share = max(1, stage.days // approvers)
        due = due_in_working_days(start=now, days=share, tz=tz)
        visa.due_at = due.at
        # Explanations are Russian for everyone, like the deadlines app's.
        visa.due_explanation = (
            f"{due.explanation} (по очереди: этап {stage.days} раб. дн. "
            f"на {approvers} согласующих, каждому {share} раб. дн.)"
        )[:500]
    visa.save(update_fields=["status", "activated_at", "due_at", "due_explanation"])


def _set_document_status(document: Document, status: str) -> None:
    document.status = status
    document.save(update_fields=["status", "updated_at"])


def _lock_run(run_id: int) -> ApprovalRun:
    return (
        ApprovalRun.objects.select_for_update()
        .select_related("document__organization", "document__author")
        .get(pk=run_id)
    )


def _current_file_ids(document: Document) -> list[int]:
    return sorted(f.pk for f in current_files(document))


def _decision_data(visa: Visa, actor: Actor) -> dict[str, object]:
    return {
        "run": visa.run_id,
        "round": visa.run.round,
        "visa": visa.pk,
        "stage": visa.stage.order,
        "approver": visa.approver_id,
        "decided_by": actor.user.display_name,
        "for": actor.on_behalf_of.user.display_name if actor.on_behalf_of else "",
    }


def _close_open(run: ApprovalRun, now: dt.datetime) -> None:
    run.visas.filter(status__in=[Visa.Status.WAITING, Visa.Status.PENDING]).update(
        status=Visa.Status.CANCELLED
    )
    run.stages.filter(status__in=[Stage.Status.WAITING, Stage.Status.ACTIVE]).update(
        status=Stage.Status.CANCELLED, finished_at=now
    )
