"""Retried transactions: a lock error runs the whole body again, others do not."""

from __future__ import annotations

import pytest
from django.db import OperationalError, transaction

from bering.core.db import retried_atomic
from bering.core.errors import Busy

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_locked_database_runs_the_service_again_in_a_transaction():
    calls: list[bool] = []

    @retried_atomic
    def service(*, value: int) -> int:
        calls.append(transaction.get_connection().in_atomic_block)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return value * 2

    assert service(value=21) == 42
    assert calls == [True, True]
    assert service.__name__ == "service"


def test_other_errors_are_not_retried():
    calls = 0

    @retried_atomic
    def service() -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("no such table: x")

    with pytest.raises(OperationalError):
        service()
    assert calls == 1


def test_endless_contention_ends_in_busy():
    @retried_atomic
    def service() -> None:
        raise OperationalError("deadlock detected")

    with pytest.raises(Busy):
        service()
