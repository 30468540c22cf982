"""Every write of the approval workflow. Keyword-only, one transaction, one audit event each.

Transitions: start a round, decide a visa (agree, agree with remarks, not agree),
sign, recall. A decision claims its visa with a conditional UPDATE that must
change one row, under a lock on the round's row, so concurrent last visas move
the draft on exactly once. Notifications are written in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bering.approvals import permissions
from bering.approvals.models import ApprovalRun, Mode, Regulation, Removal, Stage, Visa
from bering.approvals.timing import due_in_working_days, lateness
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.documents.selectors import current_files
from bering.documents.services import Upload, document_grant_access
from bering.files.services import file_store
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee
from bering.signatures.services import signatures_create_simple

DEFAULT_TOTAL_DAYS = 3
DEFAULT_STAGE_DAYS = 1
DEFAULT_SIGN_DAYS = 1
MAX_REASON = 1000


@dataclass(frozen=True)
class StagePlan:
    """A stage as the author starts it: the template's, with approvers added or removed."""

    name: str
    approver_ids: tuple[int, ...]
    mode: str = Mode.PARALLEL
    days: int | None = None


@dataclass(frozen=True)
class Terms:
    total_days: int
    stage_days: int
    sign_days: int
    # May a draft of this type go straight to signing, with no approval stage?
    signing_without_approval: bool = True


def regulation_terms(doc_type_id: int) -> Terms:
    """The regulation of a document type; a type without one has the defaults and
    may go straight to signing (the rule is set per type in the admin)."""
    regulation = Regulation.objects.filter(doc_type_id=doc_type_id).first()
    if regulation is None:
        return Terms(DEFAULT_TOTAL_DAYS, DEFAULT_STAGE_DAYS, DEFAULT_SIGN_DAYS)
    return Terms(
        regulation.total_days,
        regulation.stage_days,
        regulation.sign_days,
        regulation.signing_without_approval,
    )


def last_round_refusers(document_id: int) -> list[int]:
    """Who said «не согласовано» in the document's last round, if that round was returned.

    Such an approver stays in the next round unless the author gives a reason.
    """
    last = ApprovalRun.objects.filter(document_id=document_id).order_by("-round").first()
    if last is None or last.status != ApprovalRun.Status.RETURNED:
        return []
    return list(
        last.visas.filter(kind=Visa.Kind.VISA, status=Visa.Status.REJECTED)
        .order_by("stage__order", "order", "pk")
        .values_list("approver_id", flat=True)
    )


# --- helpers --------------------------------------------------------------------------


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


# --- start ----------------------------------------------------------------------------


def approval_start(
    *,
    actor: Actor,
    document: Document,
    plan: Sequence[StagePlan],
    template_id: int | None = None,
    removal_reason: str = "",
    direct_to_signing: bool | None = None,
) -> ApprovalRun:
    """Start a round of approval of a draft with its current files.

    The stages are the author's plan (a template's stages, or the previous
    round's, with approvers added or removed); the signing stage for the
    document's signer always comes last.

    - An approver who did not agree in the previous round is left out only with
      a ``removal_reason``: it is kept on the round (``Removal``) and in the event.
    - A plan without approvers sends the draft straight to signing, which the
      type's regulation must allow (``Regulation.signing_without_approval``).
      Pages and the API say so explicitly: ``direct_to_signing`` True for an
      empty plan, False for a plan with approvers (an empty one is then refused
      rather than taken as "straight to signing"); None leaves it to the plan.
    """
    if not permissions.can_start(actor.employee, document):
        raise Forbidden(_("Only the author of the draft may send it for approval."))
    if document.signer_id is None:
        raise ValidationFailed(
            _("Name the signer on the card before sending the draft for approval."),
            field="signer",
        )
    stages = [s for s in plan if s.approver_ids]
    wanted = {pk for s in stages for pk in s.approver_ids}
    people = {
        e.pk: e
        for e in Employee.objects.filter(pk__in=wanted | {document.signer_id}).select_related(
            "user"
        )
    }
    for pk in wanted:
        person = people.get(pk)
        if person is None or person.organization_id != document.organization_id:
            raise ValidationFailed(_("Choose approvers of your organization."), field="approvers")
        if not person.is_active:
            raise ValidationFailed(
                _("%(name)s no longer works here: remove them from the route.")
                % {"name": person.user.display_name},
                field="approvers",
            )
    for s in stages:
        if s.mode not in Mode.values:
            raise ValidationFailed(_("Unknown stage mode."), field="mode")
        if s.days is not None and not 1 <= s.days <= 60:
            raise ValidationFailed(_("A stage lasts 1 to 60 working days."), field="days")
    reason = removal_reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON},
            field="removal_reason",
        )
    if direct_to_signing is True and stages:
        raise ValidationFailed(
            _("Either choose approvers or send the draft straight to signing, not both."),
            field="direct_to_signing",
        )
    if direct_to_signing is False and not stages:
        raise ValidationFailed(
            _(
                'Choose at least one approver, or tick "Straight to signing" '
                "to send the draft to the signer without approval."
            ),
            field="approvers",
        )
    if not stages and not regulation_terms(document.doc_type_id).signing_without_approval:
        raise ValidationFailed(
            _(
                "The regulation of this document type does not allow signing "
                "without approval: choose at least one approver."
            ),
            field="approvers",
        )

    def work() -> ApprovalRun:
        locked = (
            Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
        )
        if locked.status not in (Document.Status.DRAFT, Document.Status.REWORK):
            raise Conflict(_("The draft is already on approval or signed."))
        file_ids = _current_file_ids(locked)
        if not file_ids:
            raise ValidationFailed(_("Upload the text of the draft first."), field="file")
        dropped = [
            pk
            for pk in last_round_refusers(locked.pk)
            if pk not in wanted and pk != locked.signer_id
        ]
        if dropped and not reason:
            names = Employee.objects.filter(pk__in=dropped).select_related("user")
            raise ValidationFailed(
                _(
                    "%(names)s did not agree in the previous round: give the reason "
                    "for removing them from the route."
                )
                % {"names": ", ".join(sorted(e.user.display_name for e in names))},
                field="removal_reason",
            )
        terms = regulation_terms(locked.doc_type_id)
        now = clock.now()
        last = ApprovalRun.objects.filter(document=locked).aggregate(m=Max("round"))["m"] or 0
        total = due_in_working_days(
            start=now, days=terms.total_days, tz=locked.organization.time_zone
        )
        run = ApprovalRun.objects.create(
            document=locked,
            round=last + 1,
            template_id=template_id,
            file_ids=file_ids,
            started_by=actor.employee,
            started_at=now,
            due_at=total.at,
            due_explanation=total.explanation[:500],
        )
        Removal.objects.bulk_create(
            [Removal(run=run, approver_id=pk, reason=reason) for pk in dropped]
        )
        order = 0
        for spec in stages:
            order += 1
            stage = Stage.objects.create(
                run=run,
                order=order,
                name=spec.name[:200] or str(_("Approval")),
                mode=spec.mode,
                days=spec.days or terms.stage_days,
            )
            seen: set[int] = set()
            for position, pk in enumerate(spec.approver_ids, start=1):
                if pk in seen:
                    continue
                seen.add(pk)
                Visa.objects.create(run=run, stage=stage, order=position, approver_id=pk)
        signing = Stage.objects.create(
            run=run,
            order=order + 1,
            name=str(_("Signing")),
            is_signing=True,
            days=terms.sign_days,
        )
        assert locked.signer_id is not None
        Visa.objects.create(
            run=run, stage=signing, kind=Visa.Kind.SIGN, approver_id=locked.signer_id
        )
        _set_document_status(locked, Document.Status.ON_APPROVAL)
        first = run.stages.order_by("order").first()
        assert first is not None
        activated = _activate_stage(run, first, now)
        document_grant_access(
            actor=actor,
            document=locked,
            employees=[people[pk] for pk in wanted | {locked.signer_id}],
            reason="approval",
        )
        record(
            actor=actor,
            verb="approval.started",
            object_type="document",
            object_id=locked.pk,
            data={
                "run": run.pk,
                "round": run.round,
                "files": file_ids,
                "stages": [
                    {"name": s.name, "mode": s.mode, "approvers": list(s.approver_ids)}
                    for s in stages
                ],
                "signer": locked.signer_id,
                "direct_to_signing": not stages,
                "removed": [{"approver": pk, "reason": reason} for pk in dropped],
                "due": run.due_at,
            },
        )
        _notify_tasks(locked, activated)
        return run

    return atomic_with_retry(work)


# --- decide ---------------------------------------------------------------------------


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


def _close_open(run: ApprovalRun, now: dt.datetime) -> None:
    run.visas.filter(status__in=[Visa.Status.WAITING, Visa.Status.PENDING]).update(
        status=Visa.Status.CANCELLED
    )
    run.stages.filter(status__in=[Stage.Status.WAITING, Stage.Status.ACTIVE]).update(
        status=Stage.Status.CANCELLED, finished_at=now
    )


def _return_round(run: ApprovalRun, now: dt.datetime) -> None:
    _close_open(run, now)
    run.status = ApprovalRun.Status.RETURNED
    run.finished_at = now
    run.save(update_fields=["status", "finished_at"])
    _set_document_status(run.document, Document.Status.REWORK)


# --- sign -----------------------------------------------------------------------------


def approval_sign(*, actor: Actor, visa: Visa, password: str) -> Visa:
    """Sign the approved draft with a simple electronic signature (password re-entered).

    One signature record per file version of the round, with the SHA-256 of
    the bytes read back from storage. Afterwards the files never change.
    """
    if visa.kind != Visa.Kind.SIGN:
        raise ValidationFailed(_("This task is a visa, not a signature."))
    if visa.approver_id != actor.employee.pk:
        raise Forbidden(_("Only the signer may sign this draft."))
    if not password or not actor.user.check_password(password):
        raise ValidationFailed(
            _("The password is wrong: the document is not signed."), field="password"
        )

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


# --- recall ---------------------------------------------------------------------------


def approval_recall(*, actor: Actor, document: Document, reason: str = "") -> ApprovalRun:
    """The author takes the draft back from approval; it becomes an editable draft again."""
    if not permissions.is_author(actor.employee, document):
        raise Forbidden(_("Only the author may recall the draft."))

    def work() -> ApprovalRun:
        active = ApprovalRun.objects.filter(
            document_id=document.pk, status=ApprovalRun.Status.ACTIVE
        ).first()
        if active is None:
            raise Conflict(_("The draft is not on approval."))
        run = _lock_run(active.pk)
        if run.status != ApprovalRun.Status.ACTIVE:
            raise Conflict(_("The draft is not on approval."))
        now = clock.now()
        _close_open(run, now)
        run.status = ApprovalRun.Status.RECALLED
        run.finished_at = now
        run.save(update_fields=["status", "finished_at"])
        _set_document_status(run.document, Document.Status.DRAFT)
        record(
            actor=actor,
            verb="approval.recalled",
            object_type="document",
            object_id=run.document_id,
            data={"run": run.pk, "round": run.round, "reason": reason.strip()[:500]},
        )
        return run

    return atomic_with_retry(work)


# --- reminders and escalation -----------------------------------------------------------


@dataclass
class SweepResult:
    reminded: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


def _claim(visa_id: int, column: str, now: dt.datetime) -> bool:
    """Claim one notice of one visa: the UPDATE changes one row for exactly one sweep."""
    return (
        Visa.objects.filter(
            pk=visa_id, status=Visa.Status.PENDING, **{f"{column}__isnull": True}
        ).update(**{column: now})
        == 1
    )


def _heads_for(approver: Employee) -> list[int]:
    heads = Employee.objects.filter(
        organization_id=approver.organization_id, is_head=True, is_active=True
    ).exclude(pk=approver.pk)
    top = list(heads.filter(department__isnull=True).values_list("pk", flat=True))
    return top or list(heads.values_list("pk", flat=True))


def visas_remind(
    *, now: dt.datetime, remind_before: dt.timedelta, escalate_after_days: int
) -> SweepResult:
    """Send reminders before the due time, overdue notices, and escalations to the head.

    Each notice of each visa is claimed by a conditional UPDATE of its own
    timestamp in the transaction that writes the notification, so two sweeps
    running at once never send the same notice twice.
    """
    result = SweepResult()
    pending = Visa.objects.filter(
        status=Visa.Status.PENDING, run__status=ApprovalRun.Status.ACTIVE, due_at__isnull=False
    ).select_related("run__document__organization", "approver__user")
    for visa in pending.filter(
        reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + remind_before
    ):
        if atomic_with_retry(lambda v=visa: _remind_one(v, now)):  # type: ignore[misc]
            result.reminded.append(visa.pk)
    for visa in pending.filter(overdue_notified_at__isnull=True, due_at__lte=now):
        if atomic_with_retry(lambda v=visa: _overdue_one(v, now)):  # type: ignore[misc]
            result.overdue.append(visa.pk)
    for visa in pending.filter(escalated_at__isnull=True, due_at__lte=now):
        tz = visa.run.document.organization.time_zone
        late = lateness(due_at=visa.due_at, done=False, now=now, tz=tz)
        if late.days < escalate_after_days:
            continue
        if atomic_with_retry(lambda v=visa, d=late.label: _escalate_one(v, now, d)):  # type: ignore[misc]
            result.escalated.append(visa.pk)
    return result


def _remind_one(visa: Visa, now: dt.datetime) -> bool:
    if not _claim(visa.pk, "reminded_at", now):
        return False
    document = visa.run.document
    notify(
        recipient_ids=[visa.approver_id],
        kind="reminder",
        title=str(_("Due soon: %(title)s") % {"title": document.title[:200]}),
        body=visa.due_explanation,
        url=_visa_url(visa.pk),
        object_type="document",
        object_id=document.pk,
        dedupe_key=f"approval-visa:{visa.pk}:reminder",
    )
    return True


def _overdue_one(visa: Visa, now: dt.datetime) -> bool:
    if not _claim(visa.pk, "overdue_notified_at", now):
        return False
    document = visa.run.document
    notify(
        recipient_ids=sorted({visa.approver_id, document.author_id}),
        kind="overdue",
        title=str(_("Overdue: %(title)s") % {"title": document.title[:200]}),
        body=visa.due_explanation,
        url=_visa_url(visa.pk),
        object_type="document",
        object_id=document.pk,
        dedupe_key=f"approval-visa:{visa.pk}:overdue",
    )
    return True


def _escalate_one(visa: Visa, now: dt.datetime, label: str) -> bool:
    if not _claim(visa.pk, "escalated_at", now):
        return False
    document = visa.run.document
    heads = _heads_for(visa.approver)
    if heads:
        notify(
            recipient_ids=heads,
            kind="escalation",
            title=str(
                _("%(name)s has not decided on time: %(title)s")
                % {"name": visa.approver.user.display_name, "title": document.title[:200]}
            ),
            body=label,
            url=_document_url(document.pk),
            object_type="document",
            object_id=document.pk,
            dedupe_key=f"approval-visa:{visa.pk}:escalation",
        )
    record(
        actor=None,
        verb="approval.escalated",
        object_type="document",
        object_id=document.pk,
        organization_id=document.organization_id,
        data={"visa": visa.pk, "approver": visa.approver_id, "heads": heads, "late": label},
    )
    return True
