"""The tablet's outbox in Python: how queued decisions are sent, each applied exactly once.

The tablet app's JavaScript outbox follows the same rules; this module is them, run
against a live server through ``fault_proxy`` by the tests and ``bench/run_replay.py``.

Rules of the outbox:

1. **Queued in order, keyed once.** A decision is put in the outbox when the head
   takes it, after the ones already there. It is stored whole: the action's URL,
   its JSON body (the action's ``body`` plus the comment under ``comment_field``),
   the item's ``etag`` as stored when the head decided (sent as ``If-Match``; none
   when the item was not read from the sync), and an ``Idempotency-Key`` made then
   (a UUID) and never made again: every try of that decision sends the same key.
2. **One at a time, oldest first.** The next decision is sent only when the one
   before it has an outcome. A request has a timeout (``timeout``).
3. **Applied: 2xx.** The decision is done. ``Idempotent-Replayed: true`` means an
   earlier try had been applied and its answer was lost: it is shown as «уже
   применено ранее», and counts as applied (never as a second decision).
4. **Not applied, final: 412, 409 and any other 4xx** but 429. 412 ``item_changed``
   is a conflict: the decision stays on the item with what changed (``detail``,
   the current ``item``) and the head decides again. 409 (``item_gone`` or another
   code): the item was decided elsewhere or recalled; shown on the item and dropped.
   Other 4xx: failed, shown with the ``detail``. None of them is retried.
5. **Try again later: no answer, a timeout, 5xx, 429, and 409 ``request_in_progress``**
   (the first try with this key has not finished yet). The link or the server is
   in trouble, not the decision: the outbox pauses and the same decision, with the
   same key, is sent again after a backoff that doubles from ``backoff`` up to
   ``backoff_cap`` (full jitter: a random wait up to that bound, so tablets coming
   back after one outage do not all knock at once); a ``Retry-After`` is waited at
   least. After a success the backoff starts again from ``backoff``.
6. **Nothing is lost.** A decision leaves the outbox only with a final outcome
   (3 or 4); the run ends when the outbox is empty.

Authentication: a bearer token (``Authorization: Bearer …``) and the acting post
(``X-Bering-Post``, ``X-Bering-On-Behalf-Of``); the tablet page uses its session
and ``X-CSRFToken`` instead. Standard library only (``http.client``).
"""

from __future__ import annotations

import dataclasses
import gzip
import http.client
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

APPLIED = "applied"
CONFLICT = "conflict"  # 412: the item changed; decide again
GONE = "gone"  # 409: decided elsewhere, recalled
FAILED = "failed"  # another 4xx
QUEUED = "queued"

FINAL = (APPLIED, CONFLICT, GONE, FAILED)


@dataclass
class Decision:
    """One queued decision, as the tablet stores it."""

    url: str
    body: dict[str, Any]
    label: str = ""
    """What it is about (an item's key), for reports."""
    if_match: str | None = None
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: str = QUEUED
    replayed: bool = False
    """Applied by an earlier try whose answer was lost."""
    attempts: int = 0
    network_errors: int = 0
    server_errors: int = 0
    http_status: int | None = None
    answer: Any = None


@dataclass
class Link:
    """Where and as whom the outbox sends."""

    base_url: str
    token: str
    post_id: int | None = None
    on_behalf_of_id: int | None = None
    timeout: float = 30.0

    def headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "Connection": "close",
        }
        if self.post_id is not None:
            headers["X-Bering-Post"] = str(self.post_id)
        if self.on_behalf_of_id is not None:
            headers["X-Bering-On-Behalf-Of"] = str(self.on_behalf_of_id)
        return headers


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    received: int = 0
    """Bytes of the body on the wire (compressed)."""

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class NoAnswer(Exception):
    """The request may or may not have reached the server: no (whole) answer came."""


def request(
    link: Link,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One HTTP exchange on a new connection; ``NoAnswer`` for anything short of a whole
    answer (refused, reset, timed out, cut mid-way)."""
    parts = urlsplit(link.base_url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port or 80, timeout=link.timeout
    )
    try:
        connection.request(method, path, body=body, headers={**link.headers(), **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        head = {k.lower(): v for k, v in response.getheaders()}
        received = len(data)
        if head.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return Answer(response.status, head, data, received)
    except (OSError, EOFError, http.client.HTTPException) as exc:  # TimeoutError: an OSError
        raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()


@dataclass
class Backoff:
    base: float = 1.0
    cap: float = 60.0
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def wait(self, retry_after: float = 0.0) -> float:
        """Seconds to wait after one more failure in a row."""
        self.failures += 1
        bound = min(self.cap, self.base * 2 ** (self.failures - 1))
        return max(retry_after, self.rng.uniform(bound / 2, bound))

    def reset(self) -> None:
        self.failures = 0


@dataclass
class Outbox:
    """The outbox of one head's tablet: ``queue()`` decisions, then ``send()``."""

    link: Link
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    decisions: list[Decision] = field(default_factory=list)
    waited: float = 0.0
    """Seconds spent waiting between retries."""

    def queue(self, decision: Decision) -> Decision:
        self.decisions.append(decision)
        return decision

    def pending(self) -> list[Decision]:
        return [d for d in self.decisions if d.status == QUEUED]

    def send(self, *, deadline: float | None = None) -> list[Decision]:
        """Send every queued decision (rule 2) until none is left, or ``deadline``
        (``time.monotonic()``) passes; returns the decisions, each with its outcome."""
        for decision in self.decisions:
            while decision.status == QUEUED:
                if deadline is not None and time.monotonic() > deadline:
                    return self.decisions
                retry_after = self.try_once(decision)
                if decision.status == QUEUED:
                    pause = self.backoff.wait(retry_after)
                    self.waited += pause
                    self.sleep(pause)
                else:
                    self.backoff.reset()
        return self.decisions

    def try_once(self, decision: Decision) -> float:
        """One try (rules 3-5); returns a ``Retry-After`` to respect, else 0."""
        decision.attempts += 1
        headers = {"Content-Type": "application/json", "Idempotency-Key": decision.key}
        if decision.if_match is not None:
            headers["If-Match"] = decision.if_match
        body = json.dumps(decision.body, ensure_ascii=False).encode()
        try:
            answer = request(self.link, "POST", decision.url, body=body, headers=headers)
        except NoAnswer:
            decision.network_errors += 1
            return 0.0
        decision.http_status = answer.status
        if answer.status >= 500 or answer.status == 429:
            decision.server_errors += 1
            return _retry_after(answer)
        decision.answer = answer.json()
        if answer.status == 409 and decision.answer.get("code") == "request_in_progress":
            decision.server_errors += 1
            return _retry_after(answer)
        if 200 <= answer.status < 300:
            decision.status = APPLIED
            decision.replayed = answer.headers.get("idempotent-replayed") == "true"
        elif answer.status == 412:
            decision.status = CONFLICT
        elif answer.status == 409:
            decision.status = GONE
        else:
            decision.status = FAILED
        return 0.0


def _retry_after(answer: Answer) -> float:
    raw = answer.headers.get("retry-after", "")
    return float(raw) if raw.isdigit() else 0.0


# --- The queue, read as the tablet reads it ------------------------------------------------


CHANGES = "/api/v1/desk/changes"


def sync(
    link: Link,
    *,
    limit: int = 100,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = 200,
) -> dict[str, dict[str, Any]] | None:
    """The head's queue from ``GET /api/v1/desk/changes`` (a full sync, paged), retried
    like the outbox over a bad link: ``{key: item}``; None when the server has no such
    endpoint (404)."""
    backoff = backoff or Backoff()
    items: dict[str, dict[str, Any]] = {}
    cursor = ""
    for _ in range(attempts):
        query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        try:
            answer = request(link, "GET", f"{CHANGES}?{urlencode(query)}")
        except NoAnswer:
            sleep(backoff.wait())
            continue
        if answer.status == 404:
            return None
        if answer.status >= 500 or answer.status == 429:
            sleep(backoff.wait(_retry_after(answer)))
            continue
        if answer.status != 200:
            raise RuntimeError(f"sync answered {answer.status}: {answer.body[:300]!r}")
        backoff.reset()
        page = answer.json()
        if page.get("reset"):
            items = {}
        for gone in page.get("removed", []):
            items.pop(gone, None)
        for item in page.get("changed", []):
            items[item["key"]] = item
        cursor = page["cursor"]
        if not page.get("more"):
            return items
    raise RuntimeError(f"sync: no whole answer after {attempts} tries")


def decision_for(item: dict[str, Any], action: str, comment: str = "") -> Decision:
    """The decision the head takes on a synced item: the action's call, the comment in the
    action's field, the item's ETag as If-Match."""
    chosen = next(a for a in item["actions"] if a["name"] == action)
    body = dict(chosen["body"])
    if chosen.get("comment_field") and comment:
        body[chosen["comment_field"]] = comment
    return Decision(url=chosen["url"], body=body, label=item["key"], if_match=item.get("etag"))


def visa_decision(visa_id: int, outcome: str = "agreed", comment: str = "") -> Decision:
    """A visa's decision without the sync (no ETag known: no If-Match)."""
    body: dict[str, Any] = {"outcome": outcome}
    if comment:
        body["comment"] = comment
    return Decision(
        url=f"/api/v1/approvals/visas/{visa_id}/decide", body=body, label=f"visa:{visa_id}"
    )


@dataclass
class Tally:
    """What a replay came to, over every outbox."""

    decisions: int = 0
    applied: int = 0
    replayed: int = 0
    conflicts: int = 0
    gone: int = 0
    failed: int = 0
    unsent: int = 0
    attempts: int = 0
    retries: int = 0
    network_errors: int = 0
    server_errors: int = 0

    @classmethod
    def of(cls, decisions: Iterable[Decision]) -> Tally:
        tally = cls()
        for d in decisions:
            tally.decisions += 1
            tally.applied += d.status == APPLIED
            tally.replayed += d.replayed
            tally.conflicts += d.status == CONFLICT
            tally.gone += d.status == GONE
            tally.failed += d.status == FAILED
            tally.unsent += d.status == QUEUED
            tally.attempts += d.attempts
            tally.retries += max(0, d.attempts - 1)
            tally.network_errors += d.network_errors
            tally.server_errors += d.server_errors
        return tally

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)
