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
    """Walk the chain from the first event; return the first broken event, if any."""
    prev = GENESIS
    for event in _iterate(batch):
        if event.prev_hash != prev:
            return ChainBreak(event.pk, "prev_hash does not match the previous event")
        if event_digest(event) != event.hash:
            return ChainBreak(event.pk, "content does not match its hash")
        prev = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainBreak(head.last_event_id or 0, "events at the end of the chain are missing")
    return None


def _iterate(batch: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        chunk = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last_id = chunk[-1].pk
