"""The sweep of appeals: each notice once, to the right people; nothing for closed appeals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from bering.appeals import services
from bering.appeals.reminders import appeals_remind
from bering.audit.models import AuditEvent
from bering.notifications.models import Notification

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def notices(appeal) -> list[tuple[str, str]]:
    """(kind, recipient's username) of the sweep's notices about ``appeal``, sorted."""
    rows = Notification.objects.filter(
        object_type="appeal", object_id=appeal.pk, kind__in=["reminder", "overdue", "escalation"]
    ).values_list("kind", "recipient__user__username")
    return sorted(rows)


def twice(now: dt.datetime) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    first, second = appeals_remind(now=now), appeals_remind(now=now)
    return (
        (first.reminded, first.overdue, first.escalated),
        (second.reminded, second.overdue, second.escalated),
    )


def test_registration_reminded_the_day_before_and_when_overdue(sent, registrar, head):
    appeal = sent.appeal
    due = appeal.registration_due_at
    assert twice(due - dt.timedelta(days=2)) == ((0, 0, 0), (0, 0, 0))
    assert twice(due - 12 * HOUR) == ((1, 0, 0), (0, 0, 0))
    assert notices(appeal) == [("reminder", "alice")]
    assert twice(due + HOUR) == ((0, 1, 0), (0, 0, 0))
    assert twice(due + dt.timedelta(days=5)) == ((0, 0, 0), (0, 0, 0))
    assert notices(appeal) == [("overdue", "alice"), ("reminder", "alice")]
    title = Notification.objects.get(object_id=appeal.pk, kind="overdue").title
    assert due.astimezone(appeal.organization.tz).strftime("%d.%m.%Y") in title
    assert AuditEvent.objects.filter(verb="appeal.registration_overdue_sent").count() == 1


def test_answer_reminded_3_days_before_then_overdue_and_escalated(
    sent, registrar, executor, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(
            actor=registrar.actor, appeal=sent.appeal, executor=executor.employee
        )
    due = appeal.answer_due_at
    assert twice(due - dt.timedelta(days=4)) == ((0, 0, 0), (0, 0, 0))
    assert twice(due - dt.timedelta(days=2)) == ((1, 0, 0), (0, 0, 0))
    assert notices(appeal) == [("reminder", "vera")]
    assert twice(due + HOUR) == ((0, 1, 1), (0, 0, 0))
    assert notices(appeal) == [("escalation", "boris"), ("overdue", "vera"), ("reminder", "vera")]


def test_without_an_executor_the_registrars_are_told(registered, registrar, head):
    appeals_remind(now=registered.answer_due_at + HOUR)
    assert notices(registered) == [("escalation", "boris"), ("overdue", "alice")]


def test_an_extended_term_is_reminded_of_again(registered, registrar, head):
    appeals_remind(now=registered.answer_due_at - dt.timedelta(days=1))
    # 30 days: a shorter extension may end in the New Year holidays and move back to the
    # old term (a term ending on a day off moves to the previous working day).
    extended = services.appeal_extend(actor=head.actor, appeal=registered, days=30, reason="Запрос")
    assert extended.answer_due_at > registered.answer_due_at
    appeals_remind(now=extended.answer_due_at - dt.timedelta(days=1))
    assert notices(registered) == [("reminder", "alice"), ("reminder", "alice")]


def test_nothing_for_closed_appeals(registered, sent, registrar, head):
    services.appeal_close_without_answer(actor=registrar.actor, appeal=registered, ground="obscene")
    far = registered.answer_due_at + dt.timedelta(days=60)
    assert twice(far) == ((0, 0, 0), (0, 0, 0))
    assert notices(registered) == []


def test_the_sweep_runs_it(sent, registrar, monkeypatch):
    from bering.core import clock

    later = sent.appeal.registration_due_at + HOUR
    monkeypatch.setattr(clock, "now", lambda: later)
    call_command("sweep", verbosity=0)
    call_command("sweep", verbosity=0)
    assert notices(sent.appeal) == [("overdue", "alice")]


def test_without_a_document_executor_the_assignment_executor_is_told(
    registered, registrar, head, executor
):
    from bering.assignments.tests.factories import issued

    issued(head, registered.document, executor.employee, text="Подготовить ответ")
    appeals_remind(now=registered.answer_due_at + HOUR)
    assert notices(registered) == [("escalation", "boris"), ("overdue", "vera")]
