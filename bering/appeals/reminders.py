"""The sweep of appeals: reminders before the legal terms, overdue notices, escalation.

Run by ``manage.py appeals_remind`` (from the periodic sweep). Registration: the
registrars are reminded the day before the term and told when it has passed.
The answer: the executor of the registered document (or, without one, the
responsible executor of its assignments) is reminded three days before the term
and told when it has passed; the organization's head is told too.

Each notice is sent once: ``notify()``'s ``dedupe_key`` is unique per recipient,
also between two sweeps running at once. The keys of the answer's notices name
the term, so an extended term is reminded of again. Notices already sent are
skipped with one query, so a long-overdue appeal costs nothing on later sweeps.
Overdue itself is computed when read; this only tells people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.appeals.models import Appeal
from bering.assignments.models import Assignment
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.notifications.models import Notification
from bering.notifications.services import notify
from bering.orgs.models import Employee

REGISTRATION_BEFORE = dt.timedelta(days=1)
ANSWER_BEFORE = dt.timedelta(days=3)


@dataclass
class RemindResult:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0


@dataclass(frozen=True)
class Notice:
    appeal: Appeal
    kind: str
    """reminder, overdue or escalation (the notification's kind)."""
    stage: str
    """registration or answer."""
    due_at: dt.datetime

    @property
    def key(self) -> str:
        late = "soon" if self.kind == "reminder" else self.kind
        return f"appeal-{self.appeal.pk}-{self.stage}-{late}-{self.due_at:%Y%m%d%H%M}"


def appeals_remind(*, now: dt.datetime | None = None) -> RemindResult:
    """Send the notices due now, once each; returns how many of each were sent."""
    now = now or clock.now()
    result = RemindResult()
    received = Appeal.objects.filter(status=Appeal.Status.RECEIVED).select_related("organization")
    registered = Appeal.objects.filter(
        status=Appeal.Status.REGISTERED, answer_due_at__isnull=False
    ).select_related("organization", "document")
    notices: list[Notice] = []
    for appeal in received.filter(registration_due_at__lte=now + REGISTRATION_BEFORE):
        kind = "overdue" if appeal.registration_due_at <= now else "reminder"
        notices.append(Notice(appeal, kind, "registration", appeal.registration_due_at))
    for appeal in registered.filter(answer_due_at__lte=now + ANSWER_BEFORE):
        assert appeal.answer_due_at is not None
        if appeal.answer_due_at <= now:
            notices.append(Notice(appeal, "overdue", "answer", appeal.answer_due_at))
            notices.append(Notice(appeal, "escalation", "answer", appeal.answer_due_at))
        else:
            notices.append(Notice(appeal, "reminder", "answer", appeal.answer_due_at))
    sent_before = set(
        Notification.objects.filter(dedupe_key__in=[n.key for n in notices]).values_list(
            "dedupe_key", flat=True
        )
    )
    for notice in notices:
        if notice.key in sent_before:
            continue
        if atomic_with_retry(lambda n=notice: _send(n)):  # type: ignore[misc]
            if notice.kind == "reminder":
                result.reminded += 1
            elif notice.kind == "overdue":
                result.overdue += 1
            else:
                result.escalated += 1
    return result


def _registrars(organization_id: int) -> list[int]:
    return list(
        Employee.objects.filter(
            organization_id=organization_id, is_registrar=True, is_active=True
        ).values_list("pk", flat=True)
    )


def _heads(organization_id: int) -> list[int]:
    return list(
        Employee.objects.filter(
            organization_id=organization_id, is_head=True, is_active=True
        ).values_list("pk", flat=True)
    )


def _executors(appeal: Appeal) -> list[int]:
    """The executor of the registered document, or the responsible executors of its
    assignments still open."""
    document = appeal.document
    if document is None:
        return []
    if document.executor_id:
        return [document.executor_id]
    return list(
        Assignment.objects.filter(
            document_id=document.pk,
            role=Assignment.Role.RESPONSIBLE,
            status__in=(Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED),
        )
        .values_list("executor_id", flat=True)
        .distinct()
    )


def _recipients(notice: Notice) -> list[int]:
    org = notice.appeal.organization_id
    if notice.stage == "registration":
        return _registrars(org)
    if notice.kind == "escalation":
        return _heads(org)
    # Nobody to answer yet: the registrars who registered it must find someone.
    return _executors(notice.appeal) or _registrars(org)


def _title(notice: Notice, date: str) -> str:
    appeal = str(notice.appeal)
    values = {"appeal": appeal, "date": date}
    if notice.stage == "registration":
        if notice.kind == "reminder":
            return _("Register the citizen's appeal %(appeal)s by %(date)s") % values
        return _("The citizen's appeal %(appeal)s is not registered: due %(date)s") % values
    if notice.kind == "reminder":
        return _("The answer to the citizen's appeal %(appeal)s is due %(date)s") % values
    if notice.kind == "overdue":
        return _("The answer to the citizen's appeal %(appeal)s is overdue since %(date)s") % values
    return _("Not answered in time: the citizen's appeal %(appeal)s, due %(date)s (59-ФЗ)") % values


def _still_due(notice: Notice) -> bool:
    """The appeal is still at this stage with this term (read in the sending transaction)."""
    status = Appeal.Status.RECEIVED if notice.stage == "registration" else Appeal.Status.REGISTERED
    field = "registration_due_at" if notice.stage == "registration" else "answer_due_at"
    return Appeal.objects.filter(
        Q(pk=notice.appeal.pk, status=status) & Q(**{field: notice.due_at})
    ).exists()


def _send(notice: Notice) -> bool:
    if not _still_due(notice):
        return False
    appeal = notice.appeal
    recipients = _recipients(notice)
    date = clock.local_date(notice.due_at, appeal.organization.time_zone).strftime("%d.%m.%Y")
    created = notify(
        recipient_ids=recipients,
        kind=notice.kind,
        title=_title(notice, date),
        url=reverse("appeals:detail", args=[appeal.pk]),
        object_type="appeal",
        object_id=appeal.pk,
        dedupe_key=notice.key,
    )
    if not created:
        return False
    record(
        actor=None,
        verb=f"appeal.{notice.stage}_{notice.kind}_sent",
        object_type="appeal",
        object_id=appeal.pk,
        organization_id=appeal.organization_id,
        data={"due_at": notice.due_at, "recipients": _ids(n.recipient_id for n in created)},
    )
    return True


def _ids(values: Iterable[int]) -> list[int]:
    return sorted(set(values))
