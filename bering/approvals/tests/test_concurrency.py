"""Concurrent last visas move the draft on exactly once (QUALITY.md item 2).

Eight approvers of one parallel stage decide at the same moment, each in a
thread with its own database connection. Exactly one decision completes the
stage: the signer gets exactly one task and one notification, and the audit
log holds one event per visa. The same visa decided twice at once applies once.
Runs on SQLite and on PostgreSQL (whatever DATABASE_URL says).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from bering.approvals import services
from bering.approvals.models import Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import create_draft
from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.core.errors import Conflict
from bering.documents.models import Document
from bering.notifications.models import Notification
from conftest import _persona

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
APPROVERS = 8


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_last_visas_move_the_draft_on_once(health, executor, head) -> None:
    approvers = [
        _persona(health, f"appr{i}", f"Согласующий{i}", "Иван", f"Специалист {i}")
        for i in range(APPROVERS)
    ]
    draft = create_draft(executor, head)
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Все", approver_ids=tuple(p.employee.pk for p in approvers))],
    )
    visas = {v.approver_id: v for v in Visa.objects.filter(kind="visa")}

    def decide(persona: Any) -> Callable[[], Any]:
        return lambda: services.visa_decide(
            actor=persona.actor, visa=visas[persona.employee.pk], outcome="agreed"
        )

    results = run_together([decide(p) for p in approvers])
    assert not [r for r in results if isinstance(r, Exception)], results
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_SIGNING
    sign = Visa.objects.get(kind="sign")
    assert sign.status == Visa.Status.PENDING
    assert Notification.objects.filter(recipient=head.employee, kind="task_new").count() == 1
    agreed = AuditEvent.objects.filter(verb="approval.agreed")
    assert agreed.count() == APPROVERS
    assert [e.data["stage_completed"] for e in agreed].count(True) == 1
    assert chain_verify() is None


def test_the_same_visa_decided_twice_at_once_applies_once(health, executor, head) -> None:
    lawyer = _persona(health, "pavel", "Павлов", "Павел", "Юрист")
    draft = create_draft(executor, head)
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(kind="visa")
    results = run_together(
        [
            lambda: services.visa_decide(actor=lawyer.actor, visa=visa, outcome="agreed"),
            lambda: services.visa_decide(
                actor=lawyer.actor, visa=visa, outcome="rejected", comment="Нет"
            ),
        ]
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert sum(isinstance(r, Visa) for r in results) == 1
    assert AuditEvent.objects.filter(verb__startswith="approval.").count() == 2  # start + one
