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

from bering.audit.checkpoints import Checkpoint
from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.selectors import ChainBreak, chain_verify, checkpoint_check, latest_checkpoint
from bering.audit.services import GENESIS, checkpoint_record, event_digest, record
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
    stored = list(AuditEvent.objects.filter(chain=chain[0].organization_id).order_by("pk"))
    assert [e.pk for e in stored] == [e.pk for e in chain]
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5, 6]
    assert all(event_digest(e) == e.hash for e in stored)
    head = AuditChainHead.objects.get(pk=chain[0].organization_id)
    assert (head.length, head.last_event_id, head.last_hash) == (6, chain[-1].pk, chain[-1].hash)


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
        organization_id=last.organization_id,
        object_type="document",
        object_id=1,
        data={},
        chain=last.chain,
        seq=last.seq + 1,
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
    # The organization's 6 events and its chain's opening in the root chain.
    assert f"Audit chain intact: {len(chain) + 1} events." in out.getvalue()


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


def test_verify_command_takes_and_prints_a_checkpoint(chain: list[AuditEvent]) -> None:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    taken = latest_checkpoint()
    assert taken is not None
    assert f"checkpoint: {taken.events} {taken.last_hash}" in out.getvalue()
    event = AuditEvent.objects.get(chain=ROOT_CHAIN, seq=taken.events)
    assert event.verb == "audit.checkpoint"
    assert event.data == {"chains": [[chain[0].organization_id, 6, chain[-1].hash]]}


def _truncate_and_fix_head(chain: list[AuditEvent], keep: int) -> None:
    """What someone who knows the scheme does: drop the tail, move the head back."""
    AuditEvent.objects.filter(pk__in=[e.pk for e in chain[keep:]]).delete()
    AuditChainHead.objects.filter(pk=chain[0].chain).update(
        length=keep, last_event_id=chain[keep - 1].pk, last_hash=chain[keep - 1].hash
    )


def test_a_truncated_tail_with_a_fixed_head_fails_against_the_checkpoint(
    chain: list[AuditEvent],
) -> None:
    checkpoint = str(checkpoint_record())
    _truncate_and_fix_head(chain, keep=4)
    assert chain_verify() is None, "the chain alone cannot see this: hence the checkpoint"
    with pytest.raises(CommandError, match="fewer than the 6") as caught:
        call_command("audit_verify", "--checkpoint", checkpoint, stdout=io.StringIO())
    assert caught.value.returncode != 0


def test_a_truncated_root_chain_fails_against_the_checkpoint(chain: list[AuditEvent]) -> None:
    checkpoint = checkpoint_record()
    root = AuditChainHead.objects.get(pk=ROOT_CHAIN)
    before = AuditEvent.objects.get(chain=ROOT_CHAIN, seq=root.length - 1)
    AuditEvent.objects.filter(pk=root.last_event_id).delete()
    AuditChainHead.objects.filter(pk=ROOT_CHAIN).update(
        length=before.seq, last_event_id=before.pk, last_hash=before.hash
    )
    assert chain_verify() is None
    assert f"fewer than the {checkpoint.events}" in (checkpoint_check(checkpoint) or "")


def test_a_replaced_chain_fails_against_the_checkpoint(
    registrar: Any, chain: list[AuditEvent]
) -> None:
    checkpoint = checkpoint_record()
    AuditEvent.objects.filter(chain=chain[0].chain).delete()
    AuditChainHead.objects.filter(pk=chain[0].chain).update(
        length=0, last_event_id=None, last_hash=GENESIS
    )
    _append(registrar.actor, 7)  # a fresh chain, longer than the old one
    assert chain_verify() is None
    assert "replaced" in (checkpoint_check(checkpoint) or "")
    with pytest.raises(CommandError, match="replaced"):
        call_command("audit_verify", f"--checkpoint={checkpoint}", stdout=io.StringIO())


def test_a_checkpoint_from_before_the_split_names_the_root_chain(
    chain: list[AuditEvent],
) -> None:
    """The one chain of old became the root chain, its order kept: an old checkpoint
    (any root event, not a checkpoint event) is checked against the root chain alone."""
    opening = AuditEvent.objects.get(chain=ROOT_CHAIN, seq=1)
    assert checkpoint_check(Checkpoint(1, opening.hash)) is None
    assert "replaced" in (checkpoint_check(Checkpoint(1, "a" * 64)) or "")


def test_an_intact_chain_passes_its_old_and_new_checkpoints(
    registrar: Any, chain: list[AuditEvent]
) -> None:
    old = checkpoint_record()
    _append(registrar.actor, 2)
    out = io.StringIO()
    call_command(
        "audit_verify", "--checkpoint", str(old), "--checkpoint", "0:" + GENESIS, stdout=out
    )
    # 8 events of the organization, its chain's opening and the first checkpoint.
    assert "intact: 10 events" in out.getvalue()
    assert f"Contains checkpoint {old}." in out.getvalue()


def test_the_printed_checkpoint_line_is_accepted_back(chain: list[AuditEvent]) -> None:
    assert Checkpoint.parse(f"checkpoint: 6 {chain[-1].hash}") == Checkpoint(6, chain[-1].hash)


@pytest.mark.parametrize("text", ["6", "x:" + "0" * 64, "6:abc", "6:" + "g" * 64, ""])
def test_a_malformed_checkpoint_is_refused(db: None, text: str) -> None:
    with pytest.raises(CommandError, match="N:HASH"):
        call_command("audit_verify", "--checkpoint", text, stdout=io.StringIO())


# --- One chain per organization (issue 14) ----------------------------------------


@pytest.fixture
def two_chains(registrar: Any, outsider: Any) -> tuple[list[AuditEvent], list[AuditEvent]]:
    return _append(registrar.actor, 3), _append(outsider.actor, 2)


def test_each_organization_has_its_own_chain_announced_in_the_root(
    two_chains: tuple[list[AuditEvent], list[AuditEvent]],
) -> None:
    first, second = two_chains
    assert first[0].chain != second[0].chain
    for events in two_chains:
        assert events[0].prev_hash == GENESIS
        assert {e.chain for e in events} == {events[0].organization_id}
    opened = AuditEvent.objects.filter(chain=ROOT_CHAIN, verb="audit.chain_opened")
    assert sorted(opened.values_list("object_id", flat=True)) == sorted(
        [first[0].chain, second[0].chain]
    )
    assert chain_verify() is None


def test_a_chain_wiped_with_its_head_is_caught(
    two_chains: tuple[list[AuditEvent], list[AuditEvent]],
) -> None:
    _, second = two_chains
    AuditEvent.objects.filter(chain=second[0].chain).delete()
    AuditChainHead.objects.filter(pk=second[0].chain).delete()
    broken = _broken()
    assert "head is missing" in broken.reason
    opening = AuditEvent.objects.get(chain=ROOT_CHAIN, object_id=second[0].chain)
    assert broken.event_id == opening.pk


def test_a_chain_started_afresh_without_its_opening_is_caught(
    two_chains: tuple[list[AuditEvent], list[AuditEvent]], outsider: Any
) -> None:
    """A self-consistent chain with a head but no announcement in the root chain."""
    _, second = two_chains
    opening = AuditEvent.objects.get(chain=ROOT_CHAIN, object_id=second[0].chain)
    # Rewrite the root chain without the opening, every hash recomputed.
    rest = list(AuditEvent.objects.filter(chain=ROOT_CHAIN).exclude(pk=opening.pk).order_by("id"))
    AuditEvent.objects.filter(chain=ROOT_CHAIN).delete()
    prev = GENESIS
    for seq, event in enumerate(rest, start=1):
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_digest(event)
        event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=ROOT_CHAIN).update(
        length=len(rest), last_event_id=rest[-1].pk, last_hash=prev
    )
    broken = _broken()
    assert "not opened" in broken.reason
    assert broken.event_id == second[0].pk


def test_an_event_moved_to_another_organizations_chain_is_caught(
    two_chains: tuple[list[AuditEvent], list[AuditEvent]],
) -> None:
    first, second = two_chains
    AuditEvent.objects.filter(pk=first[-1].pk).update(chain=second[0].chain, seq=3)
    AuditChainHead.objects.filter(pk=second[0].chain).update(
        length=3, last_event_id=first[-1].pk, last_hash=first[-1].hash
    )
    assert _broken().event_id in {first[-1].pk, first[-2].pk}


def test_a_checkpoint_covers_every_organizations_chain(
    two_chains: tuple[list[AuditEvent], list[AuditEvent]], outsider: Any
) -> None:
    checkpoint = checkpoint_record()
    _append(outsider.actor, 1)
    assert checkpoint_check(checkpoint) is None, "a chain grown since still contains it"
    first, _ = two_chains
    _truncate_and_fix_head(first, keep=2)
    assert chain_verify() is None
    problem = checkpoint_check(checkpoint) or ""
    assert f"organization {first[0].chain} has fewer than the 3" in problem
