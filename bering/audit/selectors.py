"""Reads of the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from bering.audit.models import AuditChainHead, AuditEvent
from bering.audit.services import GENESIS, event_digest


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
    """Walk the chain from the first event; return the first broken event, if any.

    Safe while events are being appended: the head is read after the walk, and
    events committed meanwhile are walked too before the head is compared.
    """
    prev, last_id = GENESIS, 0
    while True:
        for event in _iterate(batch, after=last_id):
            if event.prev_hash != prev:
                return ChainBreak(event.pk, "prev_hash does not match the previous event")
            if event_digest(event) != event.hash:
                return ChainBreak(event.pk, "content does not match its hash")
            prev, last_id = event.hash, event.pk
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None or (head.last_event_id or 0) <= last_id:
            break
        if not AuditEvent.objects.filter(pk__gt=last_id).exists():
            break
        # Events were appended during the walk: walk them as well.
    if head is None:
        # The migration creates the head before any event: without it, the log
        # may have been wiped with its head (an empty log would otherwise pass).
        return ChainBreak(last_id, "the chain head is missing")
    head_id = head.last_event_id or 0
    if head_id < last_id:
        after_head = AuditEvent.objects.filter(pk__gt=head_id).order_by("pk").first()
        return ChainBreak(
            after_head.pk if after_head else last_id,
            "event is not in the chain (added behind the head)",
        )
    if head.last_hash != prev or head_id != last_id:
        return ChainBreak(head_id, "events at the end of the chain are missing")
    return None


def _iterate(batch: int, *, after: int = 0) -> Iterator[AuditEvent]:
    last_id = after
    while True:
        chunk = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1].pk


@dataclass(frozen=True)
class Checkpoint:
    """How long the chain is and the hash of its newest event, to be kept elsewhere.

    ``events`` counts events from the first; ``last_hash`` is GENESIS for an
    empty chain. Written as ``"N:HASH"``.
    """

    events: int
    last_hash: str

    def __str__(self) -> str:
        return f"{self.events}:{self.last_hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        # Also as ``audit_verify`` prints it: "checkpoint: N HASH".
        text = text.strip().removeprefix("checkpoint:").strip()
        if ":" not in text:
            text = text.replace(" ", ":", 1)
        count, sep, digest = text.partition(":")
        digest = digest.strip().lower()
        if (
            not sep
            or not count.strip().isdigit()
            or len(digest) != len(GENESIS)
            or any(ch not in "0123456789abcdef" for ch in digest)
        ):
            raise ValueError(f"A checkpoint is N:HASH (a count and 64 hex digits), not {text!r}.")
        return cls(int(count), digest)


def chain_checkpoint() -> Checkpoint:
    """The checkpoint of the chain as it is now (verify it first)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    count = AuditEvent.objects.count()
    return Checkpoint(count, head.last_hash if head else GENESIS)


def checkpoint_check(checkpoint: Checkpoint) -> str | None:
    """Why the chain does not contain ``checkpoint``, or None if it does.

    The chain must hold at least ``events`` events and its ``events``-th event
    (counted from the first, in chain order) must have ``last_hash``. Run after
    ``chain_verify``: on an intact chain this catches a truncated tail (with its
    head fixed up) and a chain replaced as a whole.
    """
    if checkpoint.events == 0:
        return None if checkpoint.last_hash == GENESIS else "a checkpoint of 0 events has no hash"
    count = AuditEvent.objects.count()
    if count < checkpoint.events:
        return (
            f"the chain has {count} events, fewer than the {checkpoint.events} of the "
            "checkpoint: events at its end were removed"
        )
    event = AuditEvent.objects.order_by("pk").only("hash")[checkpoint.events - 1]
    if event.hash != checkpoint.last_hash:
        return (
            f"event No. {checkpoint.events} of the chain (id {event.pk}) does not have the "
            "checkpoint's hash: the chain was replaced or rewritten"
        )
    return None
