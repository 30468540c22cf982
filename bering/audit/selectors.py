"""Reads of the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from bering.audit.checkpoints import GENESIS, Checkpoint
from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.services import event_digest
from bering.audit.verbs import AuditVerb


def history_for(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor_user", "actor_post__position", "on_behalf_of__user")
        .order_by("id")
    )


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def chain_verify(*, batch: int = 2000) -> ChainBreak | None:
    """Walk every chain from its first event; return the first broken event, if any.

    The organizations' chains are walked first, then the root chain, then the two
    are compared: every chain must have been announced in the root chain, and every
    announced chain must still have its head. Safe while events are being appended:
    each head is read after its chain is walked, and events committed meanwhile are
    walked too; a chain opened during the walk is walked as well.
    """
    heads = {head.pk: head for head in AuditChainHead.objects.all()}
    walked: dict[int, int] = {}
    for chain in sorted(_chains_with_events() | heads.keys() - {ROOT_CHAIN}):
        if (broken := _chain_walk(chain, batch, walked)) is not None:
            return broken
    if (broken := _chain_walk(ROOT_CHAIN, batch, walked)) is not None:
        return broken
    opened = _opened_chains()
    for chain in sorted(opened.keys() - walked.keys()):  # opened during the walk, or wiped
        if (broken := _chain_walk(chain, batch, walked)) is not None:
            return ChainBreak(broken.event_id or opened[chain], broken.reason)
    for chain in sorted(walked.keys() - opened.keys() - {ROOT_CHAIN}):
        first = AuditEvent.objects.filter(chain=chain).order_by("id").first()
        return ChainBreak(
            first.pk if first else walked[chain],
            f"the chain of organization {chain} was not opened in the root chain",
        )
    return None


def _chains_with_events() -> set[int]:
    """Every chain that holds an event, one index probe per chain."""
    found: set[int] = set()
    after = ROOT_CHAIN
    while (
        chain := AuditEvent.objects.filter(chain__gt=after)
        .order_by("chain")
        .values_list("chain", flat=True)
        .first()
    ) is not None:
        found.add(chain)
        after = chain
    return found


def _opened_chains() -> dict[int, int]:
    """The chains announced in the root chain, each with its announcing event's id."""
    return {
        int(object_id): pk
        for pk, object_id in AuditEvent.objects.filter(
            chain=ROOT_CHAIN, verb=AuditVerb.AUDIT_CHAIN_OPENED
        ).values_list("pk", "object_id")
        if object_id is not None
    }


def _chain_walk(chain: int, batch: int, walked: dict[int, int]) -> ChainBreak | None:
    """Walk one chain in id order (its order of appending); compare its end with its head.

    ``walked[chain]`` is set to the last event's id (0 for none).
    """
    prev, last_id, seq = GENESIS, 0, 0
    while True:
        for event in _iterate(chain, batch, after=last_id):
            if event.prev_hash != prev:
                return ChainBreak(event.pk, "prev_hash does not match the previous event")
            if event_digest(event) != event.hash:
                return ChainBreak(event.pk, "content does not match its hash")
            if event.seq != seq + 1:
                return ChainBreak(event.pk, "the event's place in its chain is wrong")
            if chain != ROOT_CHAIN and event.organization_id != chain:
                return ChainBreak(event.pk, "the event is in another organization's chain")
            prev, last_id, seq = event.hash, event.pk, event.seq
        head = AuditChainHead.objects.filter(pk=chain).first()
        if head is None or head.length <= seq:
            break
        if not AuditEvent.objects.filter(chain=chain, pk__gt=last_id).exists():
            break
        # Events were appended during the walk: walk them as well.
    walked[chain] = last_id
    if head is None:
        # The migration creates the root head before any event, and an organization's
        # head is made with its first event: without it, the chain may have been wiped
        # with its head (an empty log would otherwise pass).
        return ChainBreak(last_id, "the chain head is missing")
    if head.length < seq:
        after_head = (
            AuditEvent.objects.filter(chain=chain, seq__gt=head.length).order_by("id").first()
        )
        return ChainBreak(
            after_head.pk if after_head else last_id,
            "event is not in the chain (added behind the head)",
        )
    if head.last_hash != prev or head.length != seq:
        return ChainBreak(
            head.last_event_id or last_id, "events at the end of the chain are missing"
        )
    return None


def _iterate(chain: int, batch: int, *, after: int = 0) -> Iterator[AuditEvent]:
    last_id = after
    while True:
        chunk = list(AuditEvent.objects.filter(chain=chain, pk__gt=last_id).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1].pk


def latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint event of the root chain, as ``N:HASH``."""
    event = (
        AuditEvent.objects.filter(chain=ROOT_CHAIN, verb=AuditVerb.AUDIT_CHECKPOINT)
        .order_by("-seq")
        .only("seq", "hash")
        .first()
    )
    return Checkpoint(event.seq, event.hash) if event else None


def checkpoint_check(checkpoint: Checkpoint) -> str | None:
    """Why the log does not contain ``checkpoint``, or None if it does.

    The root chain must hold at least ``events`` events and its ``events``-th event
    must have ``last_hash``; when that event is a checkpoint event, every chain it
    lists must still hold its event at the listed length with the listed hash. Run
    after ``chain_verify``: on intact chains this catches a truncated tail (with its
    head fixed up) and a chain replaced as a whole, in any organization.
    """
    if checkpoint.events == 0:
        return None if checkpoint.last_hash == GENESIS else "a checkpoint of 0 events has no hash"
    # The events themselves, not the head's length: the head may have been moved back.
    count = AuditEvent.objects.filter(chain=ROOT_CHAIN).aggregate(n=Max("seq"))["n"] or 0
    if count < checkpoint.events:
        return (
            f"the chain has {count} events, fewer than the {checkpoint.events} of the "
            "checkpoint: events at its end were removed"
        )
    event = AuditEvent.objects.filter(chain=ROOT_CHAIN, seq=checkpoint.events).first()
    if event is None or event.hash != checkpoint.last_hash:
        return (
            f"event No. {checkpoint.events} of the chain (id {event.pk if event else '-'}) "
            "does not have the checkpoint's hash: the chain was replaced or rewritten"
        )
    if event.verb != AuditVerb.AUDIT_CHECKPOINT:
        return None
    for chain, length, last_hash in event.data.get("chains", []):
        found = (
            AuditEvent.objects.filter(chain=chain, seq=length)
            .values_list("hash", flat=True)
            .first()
        )
        if found is None:
            return (
                f"the chain of organization {chain} has fewer than the {length} events of the "
                "checkpoint: events at its end were removed"
            )
        if found != last_hash:
            return (
                f"event No. {length} of the chain of organization {chain} does not have the "
                "checkpoint's hash: the chain was replaced or rewritten"
            )
    return None
