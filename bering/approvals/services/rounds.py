"""Starting and recalling a round of approval; the plan of its stages and the type's terms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from bering.approvals import permissions
from bering.approvals.models import ApprovalRun, Mode, Regulation, Removal, Stage, Visa
from bering.approvals.services.common import (
    _activate_stage,
    _close_open,
    _current_file_ids,
    _lock_run,
    _notify_tasks,
    _set_document_status,
)
from bering.approvals.timing import due_in_working_days
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry, retried_atomic
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.documents.services import document_grant_access
from bering.orgs.actor import Actor
from bering.orgs.models import Employee

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
    people = _start_people(document, wanted)
    _check_plan(stages)
    reason = _check_removal_reason(removal_reason)
    _check_direct_to_signing(document, stages, direct_to_signing)
    return _open_round(
        actor=actor,
        document=document,
        stages=stages,
        people=people,
        template_id=template_id,
        reason=reason,
    )


def _start_people(document: Document, wanted: set[int]) -> dict[int, Employee]:
    """The approvers and the signer; every approver of the draft's organization, at work."""
    assert document.signer_id is not None
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
    return people


def _check_plan(stages: Sequence[StagePlan]) -> None:
    for s in stages:
        if s.mode not in Mode.values:
            raise ValidationFailed(_("Unknown stage mode."), field="mode")
        if s.days is not None and not 1 <= s.days <= 60:
            raise ValidationFailed(_("A stage lasts 1 to 60 working days."), field="days")


def _check_removal_reason(removal_reason: str) -> str:
    reason = removal_reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON},
            field="removal_reason",
        )
    return reason


def _check_direct_to_signing(
    document: Document, stages: Sequence[StagePlan], direct_to_signing: bool | None
) -> None:
    """Straight to signing is said explicitly, and only where the type's regulation allows it."""
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


@retried_atomic
def _open_round(
    *,
    actor: Actor,
    document: Document,
    stages: Sequence[StagePlan],
    people: dict[int, Employee],
    template_id: int | None,
    reason: str,
) -> ApprovalRun:
    """The round itself, in one transaction under a lock on the draft."""
    locked, file_ids = _lock_startable(document)
    wanted = {pk for s in stages for pk in s.approver_ids}
    dropped = _dropped_refusers(locked, wanted, reason)
    terms = regulation_terms(locked.doc_type_id)
    now = clock.now()
    run = _create_run(
        actor=actor,
        document=locked,
        template_id=template_id,
        file_ids=file_ids,
        terms=terms,
        now=now,
    )
    Removal.objects.bulk_create([Removal(run=run, approver_id=pk, reason=reason) for pk in dropped])
    _create_stages(run, locked, stages, terms)
    _set_document_status(locked, Document.Status.ON_APPROVAL)
    first = run.stages.order_by("order").first()
    assert first is not None
    activated = _activate_stage(run, first, now)
    assert locked.signer_id is not None
    document_grant_access(
        actor=actor,
        document=locked,
        employees=[people[pk] for pk in wanted | {locked.signer_id}],
        reason="approval",
    )
    _record_start(actor, run, locked, stages, dropped, reason)
    _notify_tasks(locked, activated)
    return run


def _lock_startable(document: Document) -> tuple[Document, list[int]]:
    """The draft, locked, still a draft (or returned for rework), and its current files."""
    locked = Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
    if locked.status not in (Document.Status.DRAFT, Document.Status.REWORK):
        raise Conflict(_("The draft is already on approval or signed."))
    file_ids = _current_file_ids(locked)
    if not file_ids:
        raise ValidationFailed(_("Upload the text of the draft first."), field="file")
    return locked, file_ids


def _record_start(
    actor: Actor,
    run: ApprovalRun,
    document: Document,
    stages: Sequence[StagePlan],
    dropped: list[int],
    reason: str,
) -> None:
    """The audit event of the start: the files, the route, who was removed and why."""
    record(
        actor=actor,
        verb="approval.started",
        object_type="document",
        object_id=document.pk,
        data={
            "run": run.pk,
            "round": run.round,
            "files": run.file_ids,
            "stages": [
                {"name": s.name, "mode": s.mode, "approvers": list(s.approver_ids)} for s in stages
            ],
            "signer": document.signer_id,
            "direct_to_signing": not stages,
            "removed": [{"approver": pk, "reason": reason} for pk in dropped],
            "due": run.due_at,
        },
    )


def _dropped_refusers(document: Document, wanted: set[int], reason: str) -> list[int]:
    """Who said «не согласовано» last round and is left out now: only with a reason."""
    dropped = [
        pk
        for pk in last_round_refusers(document.pk)
        if pk not in wanted and pk != document.signer_id
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
    return dropped


def _create_run(
    *,
    actor: Actor,
    document: Document,
    template_id: int | None,
    file_ids: list[int],
    terms: Terms,
    now: dt.datetime,
) -> ApprovalRun:
    """The next round of the draft, due in the regulation's total working days."""
    last = ApprovalRun.objects.filter(document=document).aggregate(m=Max("round"))["m"] or 0
    total = due_in_working_days(
        start=now, days=terms.total_days, tz=document.organization.time_zone
    )
    return ApprovalRun.objects.create(
        document=document,
        round=last + 1,
        template_id=template_id,
        file_ids=file_ids,
        started_by=actor.employee,
        started_at=now,
        due_at=total.at,
        due_explanation=total.explanation[:500],
    )


def _create_stages(
    run: ApprovalRun, document: Document, stages: Sequence[StagePlan], terms: Terms
) -> None:
    """The approval stages with their (waiting) visas, then the signer's stage."""
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
    assert document.signer_id is not None
    Visa.objects.create(run=run, stage=signing, kind=Visa.Kind.SIGN, approver_id=document.signer_id)


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
