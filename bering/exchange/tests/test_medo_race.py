"""The same МЭДО container imported by two registrars at once, in two threads with their
own connections: one receives it, the other gets 409 (duplicate), never a 500; one row,
one receipt. Runs on SQLite and on PostgreSQL (whatever DATABASE_URL says)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from bering.core.errors import Conflict
from bering.exchange import services_medo
from bering.exchange.models import MedoInbound, MedoMessage
from bering.orgs.tests.factories import EmployeeFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_registrars_import_the_same_container_at_once(container_data, outsider, education):
    second = Persona(
        EmployeeFactory(
            user=UserFactory(username="olga"), organization=education, is_registrar=True
        )
    )
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def run(name: str, persona: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services_medo.medo_import(actor=persona.actor, data=container_data)
            outcome[name] = "won"
        except Conflict as exc:
            outcome[name] = exc.status_code
        except Exception as exc:  # reported by the assertion below
            outcome[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=item)
        for item in {"oleg": outsider, "olga": second}.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcome.values())) == ["409", "won"], outcome
    assert MedoInbound.objects.count() == 1
    assert MedoMessage.objects.count() == 1
