"""Queued decisions replayed through a bad link apply exactly once (issue 13).

A live server, the fault proxy in front of it (the issue's link at 1/50 of its
times: delays, drops before the server and after its answer, outages), and the
tablet's outbox (``replayer``) of four heads sending their decisions in parallel.
The database then says: every visa decided once, by its head, as the head decided;
one stored Idempotency-Key per decision; no decision lost. A lost answer is retried
with the same key and reported as applied earlier.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from typing import Any

import pytest

from bering.accounts.services import api_token_create
from bering.api.models import IdempotencyKey
from bering.api.tests import replayer
from bering.api.tests.fault_proxy import FaultProxy, Faults
from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.approvals.tests.conftest import create_draft
from bering.audit.models import AuditEvent
from conftest import Persona, _persona

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

SCALE = 0.02
"""The issue's link (700 ± 300 ms, 256 kbit/s, 30-second outages) at 1/50 of its times."""
LINK = Faults(
    latency=0.7,
    jitter=0.3,
    bandwidth=256_000,
    drop_before=0.15,
    drop_after=0.15,
    outage_every=120.0,
    outage_seconds=30.0,
    first_outage=20.0,
    seed=13,
).scaled(SCALE)
DECIDED_VERBS = ("approval.agreed", "approval.agreed_remarks")
OUTCOME = {"agree": Visa.Status.AGREED, "remarks": Visa.Status.REMARKS}


def _heads(health: Any, n: int) -> list[Persona]:
    return [
        _persona(health, f"head{i}", f"Начальников{i}", "Иван", f"Начальник отдела {i}")
        for i in range(n)
    ]


def _pending_visas(author: Persona, signer: Persona, heads: list[Persona], drafts: int) -> None:
    """``drafts`` drafts, each with one parallel stage of every head: a visa per head."""
    for _ in range(drafts):
        draft = create_draft(author, signer, code="outgoing-letter")
        approvals.approval_start(
            actor=author.actor,
            document=draft,
            plan=[
                approvals.StagePlan(
                    name="Согласование", approver_ids=tuple(h.employee.pk for h in heads)
                )
            ],
        )


def _link(base_url: str, head: Persona) -> replayer.Link:
    _token, raw = api_token_create(user=head.user, name="планшет")
    return replayer.Link(base_url=base_url, token=raw, post_id=head.employee.pk, timeout=10)


def _outbox(link: replayer.Link, seed: int) -> replayer.Outbox:
    backoff = replayer.Backoff(base=1.0 * SCALE, cap=30.0 * SCALE, rng=random.Random(seed))
    return replayer.Outbox(link=link, backoff=backoff)


def _queue(outbox: replayer.Outbox, head: Persona) -> list[tuple[int, str]]:
    """The head's decisions, queued in order: from the sync (with If-Match) when the
    server has it, else by the visas' ids. Every third is «с замечаниями»."""
    items = replayer.sync(outbox.link, backoff=replayer.Backoff(base=SCALE, cap=30 * SCALE))
    planned = []
    if items is not None:
        visas = sorted((i for i in items.values() if i["kind"] == "visa"), key=lambda i: i["id"])
        for n, item in enumerate(visas):
            action = "remarks" if n % 3 == 2 else "agree"
            outbox.queue(replayer.decision_for(item, action, comment="Уточнить сроки."))
            planned.append((item["id"], action))
        return planned
    ids = Visa.objects.filter(approver=head.employee, status=Visa.Status.PENDING).order_by("pk")
    for n, visa_id in enumerate(ids.values_list("pk", flat=True)):
        action = "remarks" if n % 3 == 2 else "agree"
        outcome = OUTCOME[action]
        comment = "Уточнить сроки." if action == "remarks" else ""
        outbox.queue(replayer.visa_decision(visa_id, outcome, comment))
        planned.append((visa_id, action))
    return planned


def _decided_once(planned: dict[int, str], heads: list[Persona]) -> None:
    """From the database: each visa decided once, by its head, as the head decided."""
    visas = Visa.objects.filter(pk__in=planned).select_related("approver")
    assert visas.count() == len(planned)
    users = {h.employee.pk: h.user.pk for h in heads}
    for visa in visas:
        assert visa.status == OUTCOME[planned[visa.pk]], visa.pk
        assert visa.decided_by_user_id == users[visa.approver_id]
    events = collections.Counter(
        e.data["visa"] for e in AuditEvent.objects.filter(verb__in=DECIDED_VERBS)
    )
    assert set(events) == set(planned)
    assert [pk for pk, n in events.items() if n != 1] == []


def test_queued_decisions_replay_exactly_once_over_a_bad_link(live_server, health) -> None:
    author = _persona(health, "vera", "Васильева", "Вера", "Консультант")
    signer = _persona(health, "boris", "Борисов", "Борис", "Министр", is_head=True)
    heads = _heads(health, 4)
    _pending_visas(author, signer, heads, drafts=10)
    host, port = live_server.thread.host, live_server.thread.port
    with FaultProxy((host, port), LINK) as proxy:
        outboxes = [_outbox(_link(proxy.url, h), seed=n) for n, h in enumerate(heads)]
        planned = {
            pk: action for o, h in zip(outboxes, heads, strict=True) for pk, action in _queue(o, h)
        }
        assert len(planned) == 40
        deadline = time.monotonic() + 45
        threads = [threading.Thread(target=o.send, kwargs={"deadline": deadline}) for o in outboxes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counts = proxy.snapshot()
    decisions = [d for o in outboxes for d in o.decisions]
    assert all(d.if_match for d in decisions)  # read from the sync: sent with If-Match
    tally = replayer.Tally.of(decisions)
    print(tally, counts)  # shown when the test fails
    # The link did all it can do.
    assert counts.dropped_before and counts.dropped_after and counts.outages, counts
    # The outboxes: everything applied, nothing lost or refused.
    assert (tally.applied, tally.unsent, tally.conflicts, tally.gone, tally.failed) == (
        40,
        0,
        0,
        0,
        0,
    ), tally
    assert tally.replayed >= 1 and tally.retries >= tally.replayed, tally
    # The database: once each, as decided, one stored key per decision.
    _decided_once(planned, heads)
    keys = IdempotencyKey.objects.filter(path__endswith="/decide")
    assert sorted(keys.values_list("key", flat=True)) == sorted(d.key for d in decisions)


FATES = [("after",), ("before",), ("after", "before", "after")]
"""What the link does to the first tries of a decision; then it lets the decision through."""


def test_a_lost_answer_is_retried_and_reported_as_applied_earlier(live_server, health) -> None:
    author = _persona(health, "vera", "Васильева", "Вера", "Консультант")
    signer = _persona(health, "boris", "Борисов", "Борис", "Министр", is_head=True)
    [head] = _heads(health, 1)
    _pending_visas(author, signer, [head], drafts=len(FATES))
    visas = Visa.objects.filter(approver=head.employee).order_by("pk")
    host, port = live_server.thread.host, live_server.thread.port
    for visa, fates in zip(visas, FATES, strict=True):
        link = Faults(
            latency=0,
            jitter=0,
            bandwidth=0,
            drop_before=0,
            drop_after=0,
            outage_every=0,
            fates=fates,
        )
        with FaultProxy((host, port), link) as proxy:
            outbox = _outbox(_link(proxy.url, head), seed=1)
            decision = outbox.queue(replayer.visa_decision(visa.pk))
            outbox.send(deadline=time.monotonic() + 30)
            counts = proxy.snapshot()
        assert decision.status == replayer.APPLIED, fates
        # Replayed: the last lost try had been applied; "before" alone never reached it.
        assert decision.replayed is ("after" in fates), fates
        assert decision.attempts == len(fates) + 1 and decision.network_errors == len(fates)
        assert counts.dropped_after == fates.count("after")
        assert counts.dropped_before == fates.count("before")
        assert IdempotencyKey.objects.get(key=decision.key).status == 200
    _decided_once(dict.fromkeys(visas.values_list("pk", flat=True), "agree"), [head])


def test_an_outage_refuses_and_cuts_then_the_outbox_gets_through(live_server, health) -> None:
    author = _persona(health, "vera", "Васильева", "Вера", "Консультант")
    signer = _persona(health, "boris", "Борисов", "Борис", "Министр", is_head=True)
    [head] = _heads(health, 1)
    _pending_visas(author, signer, [head], drafts=2)
    host, port = live_server.thread.host, live_server.thread.port
    link = Faults(
        latency=0, jitter=0, bandwidth=0, drop_before=0, drop_after=0, outage_every=0, seed=1
    )
    with FaultProxy((host, port), link) as proxy:
        outbox = _outbox(_link(proxy.url, head), seed=2)
        planned = dict(_queue(outbox, head))
        proxy.outage(0.5)  # the link is down when the head's tablet starts sending
        outbox.send(deadline=time.monotonic() + 30)
        counts = proxy.snapshot()
    assert counts.outages == 1 and counts.refused_in_outage >= 1
    assert counts.outage_seconds >= 0.5
    assert replayer.Tally.of(outbox.decisions).applied == 2
    assert outbox.decisions[0].network_errors >= 1
    _decided_once(planned, [head])


def test_a_decision_on_a_recalled_draft_comes_back_gone_and_is_not_retried(
    live_server, health
) -> None:
    author = _persona(health, "vera", "Васильева", "Вера", "Консультант")
    signer = _persona(health, "boris", "Борисов", "Борис", "Министр", is_head=True)
    [head] = _heads(health, 1)
    _pending_visas(author, signer, [head], drafts=2)
    host, port = live_server.thread.host, live_server.thread.port
    link = Faults(
        latency=0, jitter=0, bandwidth=0, drop_before=0, drop_after=0, outage_every=0, seed=3
    )
    with FaultProxy((host, port), link) as proxy:
        outbox = _outbox(_link(proxy.url, head), seed=3)
        planned = dict(_queue(outbox, head))
        recalled, kept = outbox.decisions
        # While the tablet was offline the author took the first draft back.
        visa = Visa.objects.select_related("run__document").get(pk=int(recalled.label[5:]))
        approvals.approval_recall(actor=author.actor, document=visa.run.document)
        outbox.send(deadline=time.monotonic() + 30)
    assert (recalled.status, recalled.http_status, recalled.attempts) == (replayer.GONE, 409, 1)
    assert recalled.answer["code"] == "item_gone" and recalled.answer["detail"]
    assert kept.status == replayer.APPLIED
    assert Visa.objects.get(pk=visa.pk).status == Visa.Status.CANCELLED
    del planned[visa.pk]
    _decided_once(planned, [head])
