"""Gap-free numbering under real concurrency (QUALITY.md item 1).

Twenty registrars, each a thread with its own database connection, register
incoming letters into one journal at the same moment. About 5 % of the
registrations fail on purpose *after* their number was allocated and their
audit event written, just before commit. Afterwards the journal must hold
exactly the numbers 1..N for the N letters that were committed: no duplicate,
no gap, the counter at N, and nothing left behind by a failed registration.

The same file runs on SQLite and on PostgreSQL (whatever DATABASE_URL says).
On SQLite ``select_for_update`` does nothing: the proof there is that every
transaction begins IMMEDIATE (the write lock is taken at BEGIN) and that
``atomic_with_retry`` runs a transaction again when the lock was not granted.
The "impatient" variant makes lock waits fail almost at once (SQLite
``busy_timeout`` 1 ms, PostgreSQL ``lock_timeout`` 5 ms) so that the retry
path really runs, and is shown to keep numbering gap-free as well.

Run with ``-s`` to see the measured figures.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.core import clock, db
from bering.core.errors import Busy
from bering.documents import services
from bering.documents.models import Document, DocumentType, JournalCounter
from bering.documents.tests.factories import JournalFactory
from bering.orgs.actor import Actor
from bering.orgs.tests.factories import EmployeeFactory, PositionFactory, UserFactory

REGISTRARS = 20
LETTERS_EACH = 10
FAILURE_RATE = 0.05
SEED = 20261231
FROZEN_NOW = dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC)  # 15:00 in Kamchatka
WALL_CLOCK_BUDGET = 30.0

# serialized_rollback: the flush after each test then leaves the tables empty
# (no post_migrate), so the snapshot below goes back in without clashes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
# Tests that need no real commit run inside the test's transaction (quick to undo).
unit = pytest.mark.django_db(transaction=False)


class InjectedFailure(Exception):
    """Raised on purpose after the number was allocated, before commit."""

    def __init__(self, job: int, number: str) -> None:
        super().__init__(f"injected failure in job {job} holding number {number}")
        self.job = job
        self.number = number


@dataclass
class Run:
    outcomes: dict[int, str] = field(default_factory=dict)
    numbers_rolled_back: list[str] = field(default_factory=list)
    unexpected: list[tuple[int, BaseException]] = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, job: int, outcome: str) -> None:
        with self.lock:
            self.outcomes[job] = outcome


def _correspondent_number(job: int) -> str:
    return f"{job:04d}-ОД"


def _registrars(org: Any) -> list[Actor]:
    position = PositionFactory(organization=org, name="Делопроизводитель канцелярии")
    actors = []
    for i in range(REGISTRARS):
        user = UserFactory(username=f"registrar{i:02d}")
        employee = EmployeeFactory(
            user=user, organization=org, position=position, is_registrar=True
        )
        actors.append(Actor(user=user, post=employee))
    return actors


def _impatient() -> None:
    """Make this thread's lock waits fail almost at once, so the retry path runs."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 1")
        else:
            cursor.execute("SET lock_timeout = '5ms'")


def _register_concurrently(
    monkeypatch: pytest.MonkeyPatch, org: Any, *, impatient: bool
) -> tuple[Run, Any, set[int]]:
    monkeypatch.setattr(clock, "now", lambda: FROZEN_NOW)
    journal = JournalFactory(organization=org, index="01-15", template="{index}/{seq}")
    actors = _registrars(org)
    letter, _ = DocumentType.objects.get_or_create(
        code="incoming-letter", defaults={"name": "Входящее письмо", "flow": "incoming"}
    )
    jobs = list(range(REGISTRARS * LETTERS_EACH))
    failing = set(random.Random(SEED).sample(jobs, k=round(len(jobs) * FAILURE_RATE)))
    run = Run()
    current = threading.local()

    real_record = services.record

    def flaky_record(**kwargs: Any) -> AuditEvent:
        event = real_record(**kwargs)
        if current.job in failing:
            number = str(kwargs["data"]["number"])
            with run.lock:
                run.numbers_rolled_back.append(number)
            raise InjectedFailure(current.job, number)
        return event

    monkeypatch.setattr(services, "record", flaky_record)
    barrier = threading.Barrier(REGISTRARS)

    def registrar(index: int, actor: Actor) -> None:
        try:
            if impatient:
                _impatient()
            barrier.wait(timeout=30)
            for k in range(LETTERS_EACH):
                job = index * LETTERS_EACH + k
                current.job = job
                card = services.Card(
                    doc_type=letter,
                    title=f"О поставке медицинского оборудования, письмо {job}",
                    correspondent=f"Администрация муниципального района № {index}",
                    correspondent_number=_correspondent_number(job),
                    correspondent_date=dt.date(2026, 6, 10),
                )
                try:
                    services.document_register_incoming(actor=actor, card=card, journal=journal)
                except InjectedFailure:
                    run.note(job, "injected")
                except Busy:
                    run.note(job, "busy")
                except Exception as exc:  # the test reports it below
                    run.note(job, "error")
                    with run.lock:
                        run.unexpected.append((job, exc))
                else:
                    run.note(job, "ok")
        except Exception as exc:  # barrier or connection trouble
            with run.lock:
                run.unexpected.append((-1, exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=registrar, args=(i, actor), name=f"registrar-{i}")
        for i, actor in enumerate(actors)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    run.elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a registrar hung"
    return run, journal, failing


def _assert_gap_free(run: Run, journal: Any, failing: set[int], *, busy_allowed: bool) -> int:
    assert run.unexpected == [], run.unexpected
    assert len(run.outcomes) == REGISTRARS * LETTERS_EACH
    counts = Counter(run.outcomes.values())
    injected = {job for job, outcome in run.outcomes.items() if outcome == "injected"}
    assert injected <= failing
    # A doomed registration may give up busy before it reaches its failure.
    assert all(run.outcomes[job] in {"injected", "busy"} for job in failing)
    if not busy_allowed:
        assert counts["busy"] == 0
        assert injected == failing
    committed = {job for job, outcome in run.outcomes.items() if outcome == "ok"}
    n = len(committed)
    assert n == counts["ok"] > 0

    documents = Document.objects.filter(journal=journal)
    seqs = list(documents.values_list("reg_seq", flat=True))
    numbers = list(documents.values_list("reg_number", flat=True))
    assert len(seqs) == n
    # 0 duplicates
    assert len(set(seqs)) == len(seqs)
    assert len(set(numbers)) == len(numbers)
    # 0 gaps
    assert sorted(seqs) == list(range(1, n + 1))
    assert set(numbers) == {f"01-15/{i}" for i in range(1, n + 1)}
    assert {d.reg_year for d in documents} == {2026}
    counter = JournalCounter.objects.get(journal=journal)
    assert (counter.year, counter.last_seq) == (2026, n)
    assert JournalCounter.objects.filter(journal=journal).count() == 1

    # The committed letters are exactly the successful jobs ...
    assert set(documents.values_list("correspondent_number", flat=True)) == {
        _correspondent_number(job) for job in committed
    }
    # ... and every failure left nothing: no document, no audit event.
    lost = [job for job in run.outcomes if job not in committed]
    lost_numbers = {_correspondent_number(job) for job in lost}
    assert not Document.objects.filter(correspondent_number__in=lost_numbers).exists()
    events = AuditEvent.objects.filter(verb="document.registered")
    assert events.count() == n
    assert {e.data["correspondent_number"] for e in events} == {
        _correspondent_number(job) for job in committed
    }
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        documents.values_list("pk", flat=True)
    )
    # The numbers held by the failed registrations went back: each was given
    # again, or was the next number when the runs ended. No hole either way.
    assert len(run.numbers_rolled_back) == len(injected)
    assert all(int(number.split("/")[1]) <= n + 1 for number in run.numbers_rolled_back)
    # Concurrent appends kept the audit chain intact.
    assert chain_verify() is None
    return n


def _report(label: str, run: Run, n: int, retries: int) -> None:
    counts = Counter(run.outcomes.values())
    print(
        f"\n[numbering:{connection.vendor}:{label}] {REGISTRARS} registrars, "
        f"{len(run.outcomes)} registrations in {run.elapsed:.2f} s: {n} committed "
        f"(numbers 1..{n}), {counts['injected']} injected failures, "
        f"{counts['busy']} gave up busy, {retries} lock retries"
    )


def _retries(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.name == "bering.core.db" and "lock" in r.message)


@pytest.mark.concurrency
def test_twenty_registrars_with_injected_failures_leave_no_gap(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, health: Any
) -> None:
    caplog.set_level(logging.INFO, logger="bering.core.db")
    run, journal, failing = _register_concurrently(monkeypatch, health, impatient=False)
    n = _assert_gap_free(run, journal, failing, busy_allowed=False)
    _report("patient", run, n, _retries(caplog))
    assert run.elapsed < WALL_CLOCK_BUDGET


@pytest.mark.concurrency
def test_lock_waits_that_time_out_are_retried_without_gaps(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, health: Any
) -> None:
    """Lock waits cut short: the bounded retry runs, a registration that still
    cannot get the lock ends as ``Busy`` (503) and leaves nothing behind."""
    caplog.set_level(logging.INFO, logger="bering.core.db")
    run, journal, failing = _register_concurrently(monkeypatch, health, impatient=True)
    n = _assert_gap_free(run, journal, failing, busy_allowed=True)
    retries = _retries(caplog)
    _report("impatient", run, n, retries)
    assert retries > 0, "the lock waits never failed: the retry path was not exercised"
    assert run.elapsed < WALL_CLOCK_BUDGET


@unit
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL locks the counter row FOR UPDATE"
)
def test_sqlite_transactions_begin_immediate() -> None:
    """On SQLite the lock is the database's write lock, taken at BEGIN."""
    connection.ensure_connection()
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]
    assert not connection.features.has_select_for_update
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


# --- Lock waits become a clear 503, never a 500 (QUALITY.md item 3) -----------------


def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    sleeps: list[float] = []
    monkeypatch.setattr(db.time, "sleep", sleeps.append)
    return sleeps


def _as_outermost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show ``atomic_with_retry`` the connection as if at the outermost level."""
    shim = SimpleNamespace(
        get_connection=lambda: SimpleNamespace(in_atomic_block=False), atomic=transaction.atomic
    )
    monkeypatch.setattr(db, "transaction", shim)


@unit
def test_a_database_that_stays_locked_ends_in_busy_after_bounded_attempts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sleeps = _no_sleep(monkeypatch)
    _as_outermost(monkeypatch)
    calls = 0

    def always_locked() -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("database is locked")

    with pytest.raises(Busy) as caught:
        db.atomic_with_retry(always_locked, attempts=4)
    assert calls == 4
    assert len(sleeps) == 3, "no pause after the last attempt: the client waits for nothing"
    assert all(0 < pause <= 1.5 for pause in sleeps)
    assert caught.value.status_code == 503
    assert caught.value.code == "busy"
    assert "busy" in str(caught.value.message).lower() or "занят" in str(caught.value.message)
    assert isinstance(caught.value.__cause__, OperationalError)


@unit
@pytest.mark.parametrize(
    "message",
    [
        "database is locked",
        "deadlock detected",
        "could not serialize access due to concurrent update",
        "canceling statement due to lock timeout",
    ],
)
def test_every_lock_error_is_retried(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    _no_sleep(monkeypatch)
    _as_outermost(monkeypatch)
    calls = 0

    def locked_twice() -> str:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise OperationalError(message)
        return "done"

    assert db.atomic_with_retry(locked_twice) == "done"
    assert calls == 3


@unit
def test_other_operational_errors_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps = _no_sleep(monkeypatch)
    _as_outermost(monkeypatch)
    calls = 0

    def broken() -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("no such table: documents_journalcounter")

    with pytest.raises(OperationalError, match="no such table"):
        db.atomic_with_retry(broken)
    assert (calls, sleeps) == (1, [])


@unit
def test_inside_an_outer_transaction_the_function_runs_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the outermost level may run a transaction again."""
    _no_sleep(monkeypatch)
    calls = 0

    def locked() -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError), transaction.atomic():
        db.atomic_with_retry(locked)
    assert calls == 1


@unit
def test_busy_is_a_503_with_a_message_in_the_api() -> None:
    from bering.api.errors import exception_handler

    response = exception_handler(Busy("The system is busy right now."), {})
    assert response is not None
    assert response.status_code == 503
    assert response.data["code"] == "busy"


def test_a_registration_interrupted_by_a_lock_runs_again_from_scratch(
    monkeypatch: pytest.MonkeyPatch, registrar: Any, health: Any
) -> None:
    """The first attempt allocated number 1 and wrote its audit event, then the
    lock was lost: the retry gets number 1 again and nothing of the first stays."""
    _no_sleep(monkeypatch)
    journal = JournalFactory(organization=health)
    letter, _ = DocumentType.objects.get_or_create(
        code="incoming-letter", defaults={"name": "Входящее письмо", "flow": "incoming"}
    )
    real_record = services.record
    attempts: list[str] = []

    def record_then_lose_the_lock(**kwargs: Any) -> AuditEvent:
        event = real_record(**kwargs)
        attempts.append(str(kwargs["data"]["number"]))
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        return event

    monkeypatch.setattr(services, "record", record_then_lose_the_lock)
    card = services.Card(
        doc_type=letter,
        title="О вакцинации",
        correspondent="ГБУЗ «Камчатская краевая больница»",
        correspondent_number="77",
        correspondent_date=dt.date(2026, 1, 10),
    )
    doc = services.document_register_incoming(actor=registrar.actor, card=card, journal=journal)
    assert attempts == ["01-15/1", "01-15/1"]
    assert doc.reg_number == "01-15/1"
    assert Document.objects.count() == 1
    assert AuditEvent.objects.filter(verb="document.registered").count() == 1
    assert JournalCounter.objects.get(journal=journal).last_seq == 1
    assert chain_verify() is None


def test_a_registration_that_never_gets_the_lock_is_busy_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, registrar: Any, health: Any
) -> None:
    _no_sleep(monkeypatch)
    journal = JournalFactory(organization=health)
    letter, _ = DocumentType.objects.get_or_create(
        code="incoming-letter", defaults={"name": "Входящее письмо", "flow": "incoming"}
    )

    def locked(**kwargs: Any) -> AuditEvent:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "record", locked)
    card = services.Card(
        doc_type=letter,
        title="О вакцинации",
        correspondent="ГБУЗ «Камчатская краевая больница»",
        correspondent_number="78",
        correspondent_date=dt.date(2026, 1, 10),
    )
    with pytest.raises(Busy):
        services.document_register_incoming(actor=registrar.actor, card=card, journal=journal)
    assert not Document.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not JournalCounter.objects.filter(journal=journal, last_seq__gt=0).exists()
