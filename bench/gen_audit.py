"""The generator's audit log: per-organization hash chains, as ``audit.services`` makes them.

Events are planned in any order (a document's events span weeks) and released in
time order: ``Chains.push`` keeps them by the hour, ``release(until)`` takes out
every event of the hours before ``until``, gives it the next id, its chain (its organization,
or the root chain 0), its place in the chain, the previous hash and its own
(``audit.services.event_digest``, on a light stand-in of ``AuditEvent``). An
organization's first event is preceded by ``chain_opened`` in the root chain,
as ``record`` does. So ids, places in a chain and times all go the same way, and
``audit.selectors.chain_verify`` walks the generated log without a break.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, cast

from bench.gen_sink import Table, ids_start
from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.services import GENESIS, chain_opening_event, event_digest

UTC = dt.UTC

EVENT_COLUMNS = (
    "id",
    "occurred_at",
    "verb",
    "actor_user_id",
    "actor_post_id",
    "on_behalf_of_id",
    "organization_id",
    "object_type",
    "object_id",
    "data",
    "chain",
    "seq",
    "prev_hash",
    "hash",
)


class _Event:
    """What ``event_digest`` reads of an ``AuditEvent``, without a model instance."""

    __slots__ = (
        "actor_post_id",
        "actor_user_id",
        "chain",
        "data",
        "id",
        "object_id",
        "object_type",
        "occurred_at",
        "on_behalf_of_id",
        "organization_id",
        "pk",
        "prev_hash",
        "seq",
        "verb",
    )


class Chains:
    """The chains' heads and the events waiting for their turn.

    Waiting events sit in buckets of an hour; ``release`` sorts a bucket when its
    hour is over. ``check_every``: one event in so many (and the first hundred) is
    hashed by ``event_digest`` itself too and compared with the fast digest here.
    """

    def __init__(
        self, *, check_every: int = 5000, heads: dict[int, list[Any]] | None = None
    ) -> None:
        """The chains as the database holds them, or (a part of several, its ids
        given by the caller) only ``heads``: [length, last hash, last event id]."""
        self.table = Table(AuditEvent, EVENT_COLUMNS)
        self._buckets: dict[int, list[tuple[float, int, tuple[Any, ...]]]] = {}
        self._released = -(2**62)  # every hour below this one is chained
        self._order = 0
        if heads is None:
            ids_start(self.table)
            heads = {
                h.pk: [h.length, h.last_hash, h.last_event_id] for h in AuditChainHead.objects.all()
            }
        self.heads = heads
        self._existing = set(heads)
        self.events = 0
        self.check_every = check_every

    def push(
        self,
        when: float,
        organization_id: int | None,
        verb: str,
        user_id: int | None,
        post_id: int | None,
        object_type: str,
        object_id: int | None,
        data: dict[str, Any],
    ) -> None:
        hour = int(when // 3600)
        if hour < self._released:
            raise RuntimeError(f"an event at {when} comes after its hour was chained")
        self._order += 1
        item = (
            when,
            self._order,
            (organization_id, verb, user_id, post_id, object_type, object_id, data),
        )
        bucket = self._buckets.get(hour)
        if bucket is None:
            self._buckets[hour] = [item]
        else:
            bucket.append(item)

    def release(self, until: float | None = None) -> None:
        """Chain every waiting event of the hours before ``until``'s (all if None)."""
        below = 2**62 if until is None else int(until // 3600)
        for hour in sorted(h for h in self._buckets if h < below):
            for when, _, (org, verb, user, post, otype, oid, data) in sorted(
                self._buckets.pop(hour)
            ):
                at = dt.datetime.fromtimestamp(when, UTC)
                chain = ROOT_CHAIN if org is None else org
                if chain not in self.heads:
                    self.heads[chain] = [0, GENESIS, None]
                    opening = chain_opening_event(chain)  # as ``record`` opens a chain
                    self._append(
                        at,
                        ROOT_CHAIN,
                        None,
                        str(opening.verb),
                        None,
                        None,
                        opening.object_type,
                        opening.object_id,
                        opening.data,
                    )
                self._append(at, chain, org, verb, user, post, otype, oid, data)
        self._released = max(self._released, below)

    def _append(
        self,
        at: dt.datetime,
        chain: int,
        org: int | None,
        verb: str,
        user: int | None,
        post: int | None,
        otype: str,
        oid: int | None,
        data: dict[str, Any],
    ) -> None:
        head = self.heads.get(chain)
        if head is None:
            raise RuntimeError(f"audit chain {chain} has no head (is the database migrated?)")
        seq = head[0] + 1
        prev = head[1]
        pk = self.table.next_id()
        data_json = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        # event_digest's payload, keys in order, written out: 3x faster than json.dumps
        # (verbs and object types are plain words; ``_check`` compares now and then).
        blob = (
            f'{{"at":"{at.isoformat(timespec="microseconds")}","data":{data_json},'
            f'"for":null,"id":{_js(oid)},"org":{_js(org)},"post":{_js(post)},'
            f'"prev":"{prev}","type":"{otype}","user":{_js(user)},"verb":"{verb}"}}'
        )
        digest = hashlib.sha256(blob.encode()).hexdigest()
        self.events += 1
        if self.events <= 100 or self.events % self.check_every == 0:
            self._check(digest, at, chain, seq, prev, pk, org, verb, user, post, otype, oid, data)
        self.table.rows.append(
            (pk, at, verb, user, post, None, org, otype, oid, data_json, chain, seq, prev, digest)
        )
        head[0] = seq
        head[1] = digest
        head[2] = pk

    @staticmethod
    def _check(
        digest: str,
        at: dt.datetime,
        chain: int,
        seq: int,
        prev: str,
        pk: int,
        org: int | None,
        verb: str,
        user: int | None,
        post: int | None,
        otype: str,
        oid: int | None,
        data: dict[str, Any],
    ) -> None:
        event = _Event()
        event.occurred_at = at
        event.verb = verb
        event.actor_user_id = user
        event.actor_post_id = post
        event.on_behalf_of_id = None
        event.organization_id = org
        event.object_type = otype
        event.object_id = oid
        event.data = data
        event.chain = chain
        event.seq = seq
        event.prev_hash = prev
        event.pk = event.id = pk
        if event_digest(cast(AuditEvent, event)) != digest:
            raise RuntimeError(
                "bench/gen_audit.py hashes events unlike audit.services.event_digest: "
                "update Chains._append"
            )

    def write_heads(self) -> None:
        """Every chain's head after the generated events (after the events are written)."""
        AuditChainHead.objects.bulk_create(
            AuditChainHead(id=chain, length=n, last_hash=h, last_event_id=last)
            for chain, (n, h, last) in self.heads.items()
            if chain not in self._existing
        )
        for chain in self._existing:
            n, h, last = self.heads[chain]
            AuditChainHead.objects.filter(pk=chain).update(
                length=n, last_hash=h, last_event_id=last
            )


def _js(value: int | None) -> str:
    return "null" if value is None else str(value)
