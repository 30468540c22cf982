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
        if last_id:
            return ChainBreak(last_id, "the chain head is missing")
        return None
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
