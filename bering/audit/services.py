"""Writing the audit log. Services call ``record`` inside their own transaction.

One hash chain per organization plus the root chain (decision 0001)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bering.audit.checkpoints import GENESIS, Checkpoint
from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.verbs import AuditVerb
from bering.core import clock

if TYPE_CHECKING:  # audit sits below orgs: it reads an Actor's ids, never imports orgs
    from bering.orgs.actor import Actor

__all__ = ["GENESIS", "ChainHeadMissing", "checkpoint_record", "event_digest", "record"]


class ChainHeadMissing(RuntimeError):
    """The chain head row is gone: nothing may be appended until someone looks."""


def event_digest(event: AuditEvent) -> str:
    """The SHA-256 of an event's content and the previous event's hash."""
    payload = {
        "prev": event.prev_hash,
        # In UTC: the database gives the moment back in UTC whatever zone it came in.
        "at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "verb": event.verb,
        "user": event.actor_user_id,
        "post": event.actor_post_id,
        "for": event.on_behalf_of_id,
        "org": event.organization_id,
        "type": event.object_type,
        "id": event.object_id,
        "data": event.data,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _as_stored(value: Any) -> Any:
    """JSON as every database gives it back, so the hash survives the round trip.

    PostgreSQL's jsonb keeps numbers as decimals: ``1e16`` comes back as the
    integer 10000000000000000 and ``-0.0`` as 0, which would change the hash.
    Integral floats are therefore stored as integers; NaN and infinities, which
    JSON cannot carry, as text.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: _as_stored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_stored(item) for item in value]
    return value


def record(
    *,
    actor: Actor | None,
    verb: str,
    object_type: str,
    object_id: int | None,
    organization_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to its organization's chain. Must run inside the caller's transaction.

    If this fails, the caller's transaction fails with it: no action without its
    event. Only that chain's head row is locked, so appends in one organization are
    serialised and different organizations never wait on each other. Events of no
    organization go to the root chain. ``verb`` must be an ``AuditVerb`` value
    (``ValueError`` otherwise).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside a transaction")
    if verb not in AuditVerb.values:
        raise ValueError(f"Unknown audit verb {verb!r}: add it to bering.audit.verbs.AuditVerb")
    organization = (
        organization_id
        if organization_id is not None
        else (actor.organization_id if actor else None)
    )
    chain = organization if organization is not None else ROOT_CHAIN
    event = AuditEvent(
        verb=verb,
        actor_user=actor.user if actor else None,
        actor_post=actor.post if actor else None,
        on_behalf_of=actor.on_behalf_of if actor else None,
        organization_id=organization,
        object_type=object_type,
        object_id=object_id,
        data=_as_stored(json.loads(json.dumps(data or {}, default=str))),
    )
    return _append(_locked_head(chain), event)


def _locked_head(chain: int) -> AuditChainHead:
    """The chain's head, locked until the caller commits; an organization's first
    event opens its chain."""
    head = AuditChainHead.objects.select_for_update().filter(pk=chain).first()
    if head is not None:
        return head
    if chain == ROOT_CHAIN:
        # The root head is created by the migrations before any event. Without it the
        # log was tampered with (or the database is not migrated): appending would
        # start a fresh chain that verifies, hiding what was removed.
        raise ChainHeadMissing(
            "The audit chain head is missing: the audit log was tampered with or the "
            "database is not migrated. Run `manage.py audit_verify`."
        )
    root = _locked_head(ROOT_CHAIN)
    # Under the root's lock: whoever opened the chain meanwhile has committed.
    head = AuditChainHead.objects.select_for_update().filter(pk=chain).first()
    if head is None:
        _append(root, chain_opening_event(chain))
        head = AuditChainHead.objects.create(pk=chain, length=0, last_hash=GENESIS)
    return head


def chain_opening_event(chain: int) -> AuditEvent:
    """The root chain's event announcing an organization's chain (unsaved, unchained).

    ``chain_verify`` refuses a chain that was not announced, and an announced chain
    whose head is gone, so a chain cannot be wiped with its head nor started afresh.
    """
    return AuditEvent(
        verb=AuditVerb.AUDIT_CHAIN_OPENED,
        organization_id=None,
        object_type="audit_chain",
        object_id=chain,
        data={},
    )


def _append(head: AuditChainHead, event: AuditEvent) -> AuditEvent:
    event.occurred_at = clock.now()
    event.chain = head.pk
    event.seq = head.length + 1
    event.prev_hash = head.last_hash
    event.hash = event_digest(event)
    event.save(force_insert=True)
    head.length = event.seq
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["length", "last_hash", "last_event_id"])
    return event


def checkpoint_record() -> Checkpoint:
    """Append a checkpoint to the root chain: every chain's length and newest hash.

    The returned ``N:HASH`` (the checkpoint event's place in the root chain and its
    hash) is kept outside the database; ``checkpoint_check`` then proves that no
    chain lost events behind it and that none was replaced.
    """
    with transaction.atomic():
        root = _locked_head(ROOT_CHAIN)
        chains = [
            [head.pk, head.length, head.last_hash]
            for head in AuditChainHead.objects.exclude(pk=ROOT_CHAIN).order_by("pk")
            if head.length
        ]
        event = _append(
            root,
            AuditEvent(
                verb=AuditVerb.AUDIT_CHECKPOINT,
                organization_id=None,
                object_type="audit_chain",
                object_id=None,
                data={"chains": chains},
            ),
        )
    return Checkpoint(event.seq, event.hash)
