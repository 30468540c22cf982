"""The sweep of assignments: reminders before the due time, overdue notices, escalation.

Run by ``manage.py assignments_remind`` (from the periodic sweep). Each notice
is claimed with a conditional UPDATE in its own transaction, so two sweeps
running at once never send the same notice twice. Overdue itself is computed
when read; this only tells people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.assignments.models import Assignment
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.deadlines.lateness import lateness
from bering.notifications.services import notify


@dataclass
class RemindResult:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0


OPEN = (Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED)


def _claim(pk: int, field_name: str, extra: dict[str, object], now: dt.datetime) -> bool:
    """Set ``field_name`` if still empty: the one sweep that changes the row sends."""
    return (
        Assignment.objects.filter(pk=pk, **{f"{field_name}__isnull": True}, **extra).update(
            **{field_name: now}
        )
        == 1
    )


def assignments_remind(*, now: dt.datetime | None = None) -> RemindResult:
    """Remind before the due time, tell when overdue, escalate to the author.

    Each notice is claimed with a conditional UPDATE in its own transaction, so
    two sweeps running at once never send the same notice twice.
    """
    now = now or clock.now()
    before = dt.timedelta(hours=getattr(settings, "BERING_REMIND_BEFORE_HOURS", 24))
    escalate_after = int(getattr(settings, "BERING_ESCALATE_AFTER_DAYS", 2))
    result = RemindResult()

    soon = Assignment.objects.filter(
        status=Assignment.Status.IN_PROGRESS,
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + before,
    ).values_list("pk", flat=True)
    for pk in list(soon):
        if _send(pk, "reminded_at", now, kind="reminder"):
            result.reminded += 1

    late = (
        Assignment.objects.filter(status__in=OPEN, due_at__lte=now)
        .filter(overdue_notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for pk in list(late):
        if _send(pk, "overdue_notified_at", now, kind="overdue"):
            result.overdue += 1

    candidates = Assignment.objects.filter(
        status__in=OPEN, due_at__lte=now, escalated_at__isnull=True
    ).select_related("organization")
    for item in list(candidates):
        mark = lateness(due_at=item.due_at, done=False, now=now, tz=item.organization.time_zone)
        if mark.days >= escalate_after and _send(item.pk, "escalated_at", now, kind="escalation"):
            result.escalated += 1
    return result


def _send(pk: int, field_name: str, now: dt.datetime, *, kind: str) -> bool:
    def work() -> bool:
        extra: dict[str, object] = {"status__in": OPEN}
        if not _claim(pk, field_name, extra, now):
            return False
        item = Assignment.objects.select_related("resolution", "document", "organization").get(
            pk=pk
        )
        title = item.document.title[:200]
        date = clock.local_date(item.due_at, item.organization.time_zone).strftime("%d.%m.%Y")
        if kind == "reminder":
            recipients = [item.executor_id]
            text = _("Due %(date)s: %(title)s") % {"date": date, "title": title}
        elif kind == "overdue":
            recipients = [item.executor_id, item.resolution.controller_id]
            text = _("Overdue since %(date)s: %(title)s") % {"date": date, "title": title}
        else:
            recipients = [item.resolution.author_id, item.resolution.controller_id]
            text = _("Still not done, due %(date)s: %(title)s") % {"date": date, "title": title}
        notify(
            recipient_ids=recipients,
            kind=kind,
            title=text,
            body=item.resolution.text,
            url=reverse("assignments:document", args=[item.document_id]),
            object_type="assignment",
            object_id=item.pk,
            dedupe_key=f"assignment-{kind}-{item.pk}-{item.due_at:%Y%m%d%H%M}",
        )
        record(
            actor=None,
            verb=f"assignment.{kind}_sent",
            object_type="assignment",
            object_id=item.pk,
            organization_id=item.organization_id,
            data={"due_at": item.due_at, "recipients": recipients},
        )
        return True

    return atomic_with_retry(work)
