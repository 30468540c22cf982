"""A registration racing the sender's withdrawal, in two threads with their own connections.

Exactly one of them wins; the other gets a 409 (``Conflict``) and leaves nothing
behind: no incoming document when the withdrawal won, no withdrawal event when
the registration won. Runs on SQLite and on PostgreSQL (whatever DATABASE_URL says).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from bering.audit.models import AuditEvent
from bering.core.errors import Conflict
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory
from bering.exchange import services
from bering.exchange.models import Delivery
from bering.exchange.tests.factories import outgoing

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 3


def _race(registrar: Any, outsider: Any, journal: Any) -> dict[str, object]:
    delivery = services.document_send(
        actor=registrar.actor, document=outgoing(registrar), addressee_org_ids=[outsider.org.pk]
    ).deliveries[0]
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def run(name: str, call: Any) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcome[name] = "won"
        except Conflict as exc:
            outcome[name] = exc.status_code
        except Exception as exc:  # reported by the assertion below
            outcome[name] = exc
        finally:
            connection.close()

    calls = {
        "register": lambda: services.delivery_register(
            actor=outsider.actor, delivery=delivery, journal=journal
        ),
        "withdraw": lambda: services.delivery_withdraw(
            actor=registrar.actor, delivery=delivery, reason="Отзываем"
        ),
    }
    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcome["status"] = Delivery.objects.get(pk=delivery.pk).status
    return outcome


def test_registration_and_withdrawal_racing_exactly_one_wins(registrar, outsider):
    journal = JournalFactory(organization=outsider.org)
    for _ in range(ROUNDS):
        outcome = _race(registrar, outsider, journal)
        assert sorted([outcome["register"], outcome["withdraw"]], key=str) == [409, "won"], outcome
        winner = "registered" if outcome["register"] == "won" else "withdrawn"
        assert outcome["status"] == winner
    registered = Delivery.objects.filter(status="registered").count()
    withdrawn = Delivery.objects.filter(status="withdrawn").count()
    assert registered + withdrawn == ROUNDS
    assert Document.objects.filter(organization=outsider.org).count() == registered
    assert AuditEvent.objects.filter(verb="delivery.withdrawn").count() == withdrawn
    assert AuditEvent.objects.filter(verb="delivery.registered").count() == registered
