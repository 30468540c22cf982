"""The audit log's hash chain and its verification (QUALITY.md item 8).

Each event hashes the previous one; ``chain_verify`` walks the chain and names
the first event that does not fit, whatever was done to the table: an event's
content changed, an event deleted in the middle or at the end, events put in
another order, an event forged with a correct-looking hash.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bering.audit.models import AuditChainHead, AuditEvent
from bering.audit.selectors import (
    ChainBreak,
    Checkpoint,
    chain_checkpoint,
    chain_verify,
    checkpoint_check,
)
from bering.audit.services import GENESIS, event_digest, record
from bering.core import clock


def _append(actor: Any, count: int) -> list[AuditEvent]:
    return [
        record(
            actor=actor,
            verb="document.file_added",
            object_type="document",
            object_id=1000 + i,
            data={"i": i, "title": f"Письмо № {i}", "sum": 1.5 * i, "ok": i % 2 == 0},
        )
        for i in range(count)
    ]


@pytest.fixture
def chain(registrar: Any) -> list[AuditEvent]:
    return _append(registrar.actor, 6)


def _broken() -> ChainBreak:
    result = chain_verify()
    assert result is not None, "the damage went unnoticed"
    return result


def test_events_are_hash_chained(chain: list[AuditEvent]) -> None:
    assert chain[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    stored = list(AuditEvent.objects.order_by("pk"))
    assert [e.pk for e in stored] == [e.pk for e in chain]
    assert all(event_digest(e) == e.hash for e in stored)
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (chain[-1].pk, chain[-1].hash)


def test_an_intact_chain_verifies(chain: list[AuditEvent]) -> None:
    assert chain_verify() is None
    assert chain_verify(batch=2) is None


def test_an_empty_log_with_its_genesis_head_verifies(db: None) -> None:
    assert chain_verify() is None


def test_the_event_records_who_acted(registrar: Any, chain: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(pk=chain[0].pk)
    assert event.actor_user_id == registrar.user.pk
    assert event.actor_post_id == registrar.employee.pk
    assert event.organization_id == registrar.org.pk
    assert event.data == {"i": 0, "title": "Письмо № 0", "sum": 0.0, "ok": True}


@pytest.mark.parametrize(
    "change",
    [
        {"data": {"i": 2, "title": "Письмо № 2 (исправлено)", "sum": 3.0, "ok": True}},
        {"verb": "document.deleted"},
        {"object_id": 999},
        {"occurred_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        {"actor_user": None},
        {"organization": None},
    ],
    ids=["data", "verb", "object", "time", "actor", "organization"],
)
def test_a_changed_event_is_named(chain: list[AuditEvent], change: dict[str, Any]) -> None:
    AuditEvent.objects.filter(pk=chain[2].pk).update(**change)
    broken = _broken()
    assert broken.event_id == chain[2].pk
    assert "content" in broken.reason


def test_a_changed_event_with_a_recomputed_hash_is_named_by_its_successor(
    chain: list[AuditEvent],
) -> None:
    """Whoever knows the formula can fix one event's hash, but not the next link."""
    forged = AuditEvent.objects.get(pk=chain[2].pk)
    forged.data = {**forged.data, "title": "Письмо № 2 (подменено)"}
    forged.hash = event_digest(forged)
    forged.save()
    assert _broken().event_id == chain[3].pk


def test_a_deleted_event_in_the_middle_is_located(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[3].pk).delete()
    broken = _broken()
    assert broken.event_id == chain[4].pk
    assert "prev_hash" in broken.reason


def test_a_deleted_first_event_is_located(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[0].pk).delete()
    assert _broken().event_id == chain[1].pk


def test_a_deleted_last_event_is_named(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    broken = _broken()
    assert broken.event_id == chain[-1].pk
    assert "missing" in broken.reason


def test_the_last_two_events_deleted_are_caught(
    chain: list[AuditEvent],
) -> None:
    AuditEvent.objects.filter(pk__in=[e.pk for e in chain[-2:]]).delete()
    assert _broken().event_id == chain[-1].pk


def test_a_wiped_log_is_caught(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.all().delete()
    assert _broken().event_id == chain[-1].pk


def test_a_deleted_chain_head_is_caught(chain: list[AuditEvent]) -> None:
    """Deleting the head and the newest events would otherwise go unnoticed."""
    AuditChainHead.objects.all().delete()
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    broken = _broken()
    assert broken.event_id == chain[-2].pk
    assert "head" in broken.reason


def test_reordered_events_are_located(chain: list[AuditEvent]) -> None:
    """Events 2 and 3 swap places (their ids are exchanged)."""
    a, b = chain[2].pk, chain[3].pk
    spare = max(e.pk for e in chain) + 100
    AuditEvent.objects.filter(pk=a).update(id=spare)
    AuditEvent.objects.filter(pk=b).update(id=a)
    AuditEvent.objects.filter(pk=spare).update(id=b)
    broken = _broken()
    assert broken.event_id == a
    assert "prev_hash" in broken.reason


def test_swapped_contents_are_located(chain: list[AuditEvent]) -> None:
    """The same re-ordering done by copying the rows' contents over each other."""
    fields = ["occurred_at", "verb", "object_id", "data", "prev_hash", "hash"]
    first, second = (
        AuditEvent.objects.filter(pk=chain[i].pk).values(*fields).get() for i in (1, 2)
    )
    AuditEvent.objects.filter(pk=chain[1].pk).update(hash="x" * 64)
    AuditEvent.objects.filter(pk=chain[2].pk).update(**first)
    AuditEvent.objects.filter(pk=chain[1].pk).update(**second)
    assert _broken().event_id == chain[1].pk


def test_an_event_appended_behind_the_chains_back_is_named(
    registrar: Any, chain: list[AuditEvent]
) -> None:
    """A forged event with a correct link and hash, but the head was not moved."""
    last = chain[-1]
    forged = AuditEvent(
        occurred_at=last.occurred_at,
        verb="document.registered",
        object_type="document",
        object_id=1,
        data={},
        prev_hash=last.hash,
    )
    forged.hash = event_digest(forged)
    forged.save()
    assert _broken().event_id == forged.pk


def test_the_hash_does_not_depend_on_the_time_zone_of_the_clock(
    monkeypatch: pytest.MonkeyPatch, registrar: Any
) -> None:
    """A moment given in Kamchatka time is the same moment when read back in UTC."""
    kamchatka = dt.timezone(dt.timedelta(hours=12))
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 1, 1, 1, 30, tzinfo=kamchatka))
    _append(registrar.actor, 2)
    assert chain_verify() is None


def test_verify_command_is_quiet_and_succeeds_on_an_intact_chain(
    chain: list[AuditEvent],
) -> None:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()
    assert str(len(chain)) in out.getvalue()


def test_verify_command_fails_naming_the_tampered_event(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).update(data={"i": 1, "title": "подмена"})
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", stdout=io.StringIO())
    assert f"event {chain[1].pk}" in str(caught.value)
    assert caught.value.returncode != 0


def test_verify_command_fails_on_a_deleted_last_event(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    with pytest.raises(CommandError, match=f"event {chain[-1].pk}"):
        call_command("audit_verify", stdout=io.StringIO())


@pytest.mark.parametrize(
    "value",
    [
        1e16,
        1.0,
        0.1,
        1.5e-7,
        -0.0,
        123456789.125,
        1e300,
        float("nan"),
        float("-inf"),
        2**63,
        10**30,
        'строка «в кавычках» \\ " \u202e',
        [1, [2, {"b": None, "a": True}]],
        {"z": 1, "a": {"y": 2, "b": 3}},
        "",
        dt.date(2026, 12, 31),
    ],
    ids=repr,
)
def test_data_survives_the_round_trip_through_the_database(registrar: Any, value: Any) -> None:
    """What the database gives back must hash the same as what was written."""
    record(
        actor=registrar.actor,
        verb="document.file_added",
        object_type="t",
        object_id=1,
        data={"v": value},
    )
    assert chain_verify() is None


# --- A wiped or truncated log, and checkpoints kept elsewhere (issue 11, fault 3) ---


def test_a_wiped_log_with_its_head_deleted_is_caught(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    assert "head" in _broken().reason


def test_verify_command_fails_loudly_on_a_wiped_log_and_head(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    with pytest.raises(CommandError, match="head is missing") as caught:
        call_command("audit_verify", stdout=io.StringIO())
    assert caught.value.returncode != 0


def test_verify_command_prints_a_checkpoint(chain: list[AuditEvent]) -> None:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert f"checkpoint: {len(chain)} {chain[-1].hash}" in out.getvalue()
    assert chain_checkpoint() == Checkpoint(len(chain), chain[-1].hash)


def _truncate_and_fix_head(chain: list[AuditEvent], keep: int) -> None:
    """What someone who knows the scheme does: drop the tail, move the head back."""
    AuditEvent.objects.filter(pk__in=[e.pk for e in chain[keep:]]).delete()
    AuditChainHead.objects.filter(pk=1).update(
        last_event_id=chain[keep - 1].pk, last_hash=chain[keep - 1].hash
    )


def test_a_truncated_tail_with_a_fixed_head_fails_against_the_checkpoint(
    chain: list[AuditEvent],
) -> None:
    checkpoint = str(chain_checkpoint())
    _truncate_and_fix_head(chain, keep=4)
    assert chain_verify() is None, "the chain alone cannot see this: hence the checkpoint"
    with pytest.raises(CommandError, match="fewer than the 6") as caught:
        call_command("audit_verify", "--checkpoint", checkpoint, stdout=io.StringIO())
    assert caught.value.returncode != 0


def test_a_replaced_chain_fails_against_the_checkpoint(
    registrar: Any, chain: list[AuditEvent]
) -> None:
    checkpoint = chain_checkpoint()
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.filter(pk=1).update(last_event_id=None, last_hash=GENESIS)
    _append(registrar.actor, 7)  # a fresh chain, longer than the old one
    assert chain_verify() is None
    assert "replaced" in (checkpoint_check(checkpoint) or "")
    with pytest.raises(CommandError, match="replaced"):
        call_command("audit_verify", f"--checkpoint={checkpoint}", stdout=io.StringIO())


def test_an_intact_chain_passes_its_old_and_new_checkpoints(
    registrar: Any, chain: list[AuditEvent]
) -> None:
    old = chain_checkpoint()
    _append(registrar.actor, 2)
    out = io.StringIO()
    call_command(
        "audit_verify", "--checkpoint", str(old), "--checkpoint", "0:" + GENESIS, stdout=out
    )
    assert "intact: 8 events" in out.getvalue()
    assert f"Contains checkpoint {old}." in out.getvalue()


def test_the_printed_checkpoint_line_is_accepted_back(chain: list[AuditEvent]) -> None:
    assert Checkpoint.parse(f"checkpoint: 6 {chain[-1].hash}") == Checkpoint(6, chain[-1].hash)


@pytest.mark.parametrize("text", ["6", "x:" + "0" * 64, "6:abc", "6:" + "g" * 64, ""])
def test_a_malformed_checkpoint_is_refused(db: None, text: str) -> None:
    with pytest.raises(CommandError, match="N:HASH"):
        call_command("audit_verify", "--checkpoint", text, stdout=io.StringIO())
