"""Reminders before the due time, overdue notices and escalations to the head."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from bering.approvals.models import ApprovalRun, Visa
from bering.approvals.services.common import _document_url, _visa_url
from bering.audit.services import record
from bering.core.db import atomic_with_retry
from bering.deadlines.lateness import lateness
from bering.notifications.services import notify
from bering.orgs.models import Employee


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
