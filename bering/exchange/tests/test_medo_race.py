"""The same МЭДО container imported by two registrars at once, in two threads with their
own connections: one receives it, the other gets 409 (duplicate), never a 500; one row,
one receipt, and in storage only the winner's containers. Runs on SQLite and on
PostgreSQL (whatever DATABASE_URL says)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection

from bering.core.errors import Conflict
from bering.exchange import services_medo
from bering.exchange.models import MedoInbound, MedoMessage
from bering.exchange.tests.medo_kit import medo_files, medo_named
from bering.orgs.tests.factories import EmployeeFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_registrars_import_the_same_container_at_once(container_data, outsider, education):
    second = Persona(
        EmployeeFactory(
            user=UserFactory(username="olga"), organization=education, is_registrar=True
        )
    )
    exported = medo_files()
    assert exported == medo_named() and len(exported) == 1
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
    # The loser's container and receipt were written before its transaction: deleted again.
    kept = medo_files()
    assert kept == medo_named() and len(kept) == 3, kept - exported


def test_an_attempt_rolled_back_leaves_no_container():
    """An attempt that lost a lock is run again: what it wrote is deleted, what the
    committed attempt and the time before the transaction wrote is kept; a change that
    fails keeps nothing."""
    kept = services_medo._Kept()
    before = kept.keep("in", b"received")
    written: list[str] = []

    def work() -> str:
        written.append(kept.keep("out", b"made in the transaction"))
        if len(written) == 1:
            raise OperationalError("database is locked")
        return written[-1]

    assert services_medo._committed(kept, work) == written[1]
    assert medo_files() == {before, written[1]}

    failing = services_medo._Kept()
    failing.keep("in", b"refused")

    def refuse() -> None:
        failing.keep("out", b"never committed")
        raise Conflict("no")

    with pytest.raises(Conflict):
        services_medo._committed(failing, refuse)
    assert medo_files() == {before, written[1]}
