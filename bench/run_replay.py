"""1,000 queued decisions replayed through a bad link: applied exactly once (issue 13).

Makes a scratch database (SQLite in a temporary folder; with DATABASE_URL on
PostgreSQL, the scratch database ``bering_replay``, made afresh), fills it with
``--heads`` heads who each have ``--visas`` visas waiting (drafts with one parallel
stage of every head), starts the real server (``scripts/gunicorn.sh``: 2 workers ×
4 threads) and puts the fault proxy (``bering/api/tests/fault_proxy.py``) in front
of it with the issue's link: 700 ± 300 ms, 256 kbit/s each way, connections dropped
before the server and after its answer, a 30-second outage every 2 minutes.

Each head's tablet (``bering/api/tests/replayer.py``, in a thread of its own) syncs
its queue over the link, queues a decision on every item (every third «с
замечаниями», the rest «согласовано»), each with its Idempotency-Key and the item's
ETag as If-Match, and sends its outbox one decision at a time. The heads send in
parallel. Then the database is read: decisions applied, applied twice (a visa with
two decision events), lost (a queued decision whose visa is still undecided):

    .venv/bin/python bench/run_replay.py                    # SQLite, the issue's figures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering \\
        .venv/bin/python bench/run_replay.py                # PostgreSQL, bering_replay
    .venv/bin/python bench/run_replay.py --scale 0.1       # every time / 10: a quick look

Prints the figures with the load average; they are recorded in bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DECIDED_VERBS = ("approval.agreed", "approval.agreed_remarks")


def _scratch_postgres(url: str, name: str) -> str:
    """A fresh database ``name`` on the server of ``url``; its URL."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def scratch_instance(scratch: Path, database: str) -> tuple[dict[str, str], str]:
    """A migrated scratch instance: data in ``scratch``; on PostgreSQL when DATABASE_URL
    names a server (the database ``database``, made afresh), else SQLite. Sets this
    process's environment to it; returns that environment and the venv's python."""
    env = {
        **os.environ,
        "BERING_DATA_DIR": str(scratch),
        "BERING_AXES_ENABLED": "0",
        "BERING_MANIFEST_STATIC": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"] = _scratch_postgres(url, database)
    else:
        env.pop("DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    return env, py


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_up(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: exit {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer within a minute")


def _setup(heads: int, visas: int) -> list[tuple[int, int, str]]:
    """The people and the drafts; returns (post id, user id, raw token) of each head."""
    import weasyprint

    from bering.accounts.services import api_token_create
    from bering.approvals import services as approvals
    from bering.approvals.reference import ensure_regulations
    from bering.documents import services as documents
    from bering.documents.tests.factories import doc_type
    from bering.orgs.actor import Actor
    from bering.orgs.tests.factories import (
        EmployeeFactory,
        OrganizationFactory,
        PositionFactory,
        UserFactory,
    )

    org = OrganizationFactory(name="Министерство здравоохранения", short_name="Минздрав")

    def person(username: str, position: str, **roles: bool) -> Any:
        return EmployeeFactory(
            user=UserFactory(username=username),
            organization=org,
            position=PositionFactory(organization=org, name=position),
            **roles,
        )

    author = person("author", "Консультант")
    signer = person("minister", "Министр", is_head=True)
    people = [person(f"head{i}", f"Начальник отдела {i}") for i in range(heads)]
    ensure_regulations()
    pdf = weasyprint.HTML(string="<h1>Проект</h1><p>О порядке завоза топлива</p>").write_pdf()
    actor = Actor(user=author.user, post=author)
    letter = doc_type("outgoing-letter")
    for n in range(visas):
        draft = documents.document_create(
            actor=actor,
            card=documents.Card(
                doc_type=letter, title=f"О завозе топлива № {n + 1}", signer=signer
            ),
            flow=letter.flow,
            uploads=[documents.Upload(name="проект.pdf", stream=io.BytesIO(pdf))],
        )
        approvals.approval_start(
            actor=actor,
            document=draft,
            plan=[
                approvals.StagePlan(name="Согласование", approver_ids=tuple(p.pk for p in people))
            ],
        )
    return [(p.pk, p.user_id, api_token_create(user=p.user, name="планшет")[1]) for p in people]


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds while the replay runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(5):
            self.samples.append(os.getloadavg()[0])


def _statuses(log: Path) -> collections.Counter[str]:
    """HTTP statuses in the server's access log, by method and code."""
    counts: collections.Counter[str] = collections.Counter()
    for line in log.read_text(errors="replace").splitlines():
        match = re.search(r'"(GET|POST) [^"]*" (\d{3}) ', line)
        if match:
            counts[f"{match[1]} {match[2]}"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heads", type=int, default=10)
    parser.add_argument("--visas", type=int, default=100, help="per head")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time by this")
    parser.add_argument("--drop-before", type=float, default=0.05)
    parser.add_argument("--drop-after", type=float, default=0.05)
    parser.add_argument("--outage-every", type=float, default=120.0)
    parser.add_argument("--outage-seconds", type=float, default=30.0)
    parser.add_argument("--first-outage", type=float, default=45.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--database", default="bering_replay", help="PostgreSQL scratch name")
    args = parser.parse_args()

    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    scratch = Path(tempfile.mkdtemp(prefix="bering-replay-"))
    env, _py = scratch_instance(scratch, args.database)
    import django

    django.setup()
    from django.db import connection, connections

    from bering.api.models import IdempotencyKey
    from bering.api.tests import replayer
    from bering.api.tests.fault_proxy import FaultProxy, Faults
    from bering.approvals.models import Visa
    from bering.audit.models import AuditEvent

    t0 = time.monotonic()
    heads = _setup(args.heads, args.visas)
    print(f"database: {connection.vendor}, scratch {scratch}")
    print(f"setup: {args.heads} heads × {args.visas} visas in {time.monotonic() - t0:.0f} s")
    connections.close_all()

    port = _free_port()
    log = scratch / "access.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["scripts/gunicorn.sh", "127.0.0.1", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    faults = Faults(
        latency=0.7,
        jitter=0.3,
        bandwidth=256_000,
        drop_before=args.drop_before,
        drop_after=args.drop_after,
        outage_every=args.outage_every,
        outage_seconds=args.outage_seconds,
        first_outage=args.first_outage,
        seed=args.seed,
    ).scaled(args.scale)
    print(f"link: {faults}")
    try:
        _wait_up(port, server)
        load_before = os.getloadavg()
        sampler = LoadSampler()
        sampler.start()
        with FaultProxy(("127.0.0.1", port), faults) as proxy:
            t0 = time.monotonic()
            outboxes: list[replayer.Outbox] = []
            planned: dict[int, tuple[str, int]] = {}  # visa id -> (outcome, user id)
            sync_times: list[float] = []
            lock = threading.Lock()

            def tablet(n: int, post_id: int, user_id: int, token: str) -> None:
                link = replayer.Link(proxy.url, token, post_id=post_id, timeout=args.timeout)
                backoff = replayer.Backoff(
                    base=1.0 * args.scale, cap=30.0 * args.scale, rng=random.Random(n)
                )
                outbox = replayer.Outbox(link=link, backoff=backoff)
                s0 = time.monotonic()
                items = replayer.sync(link, limit=50, backoff=backoff)
                assert items is not None, "no /api/v1/desk/changes on this server"
                backoff.reset()
                mine = sorted(
                    (i for i in items.values() if i["kind"] == "visa"), key=lambda i: i["id"]
                )
                with lock:
                    sync_times.append(time.monotonic() - s0)
                    outboxes.append(outbox)
                    for k, item in enumerate(mine):
                        action = "remarks" if k % 3 == 2 else "agree"
                        outbox.queue(replayer.decision_for(item, action, "Уточнить сроки."))
                        outcome = "remarks" if action == "remarks" else "agreed"
                        planned[item["id"]] = (outcome, user_id)
                outbox.send()

            threads = [
                threading.Thread(target=tablet, args=(n, *head)) for n, head in enumerate(heads)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.monotonic() - t0
            counts = proxy.snapshot()
        sampler.stopped.set()
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    decisions = [d for o in outboxes for d in o.decisions]
    tally = replayer.Tally.of(decisions)
    events = collections.Counter(
        e.data["visa"] for e in AuditEvent.objects.filter(verb__in=DECIDED_VERBS)
    )
    rows = {
        v.pk: v for v in Visa.objects.filter(pk__in=planned).only("status", "decided_by_user_id")
    }
    applied_in_db = sum(
        1
        for pk, (outcome, user_id) in planned.items()
        if rows[pk].status == outcome and rows[pk].decided_by_user_id == user_id
    )
    twice = sum(1 for pk in planned if events[pk] > 1)
    lost = sum(1 for pk in planned if rows[pk].status == Visa.Status.PENDING)
    keys = IdempotencyKey.objects.filter(path__endswith="/decide").count()
    attempts = [d.attempts for d in decisions]
    statuses = _statuses(log)

    print()
    print(f"started                 {started}, commit {_commit()}")
    print(f"decisions queued        {len(decisions)} (visas waiting: {args.heads * args.visas})")
    print(f"applied (outboxes)      {tally.applied}")
    print(f"applied (database)      {applied_in_db}  as decided, by the head")
    print(f"applied twice           {twice}  (visas with more than one decision event)")
    print(f"lost                    {lost}  (queued, still undecided)")
    print(f"decision events         {sum(events[pk] for pk in planned)}; stored keys {keys}")
    print(f"replayed answers        {tally.replayed}  (lost answer, retried: «уже применено»)")
    print(
        f"conflicts / gone / failed / unsent  {tally.conflicts} / {tally.gone} / "
        f"{tally.failed} / {tally.unsent}"
    )
    print(
        f"tries                   {tally.attempts} (retries {tally.retries}: no answer "
        f"{tally.network_errors}, 5xx/429 {tally.server_errors}); per decision max "
        f"{max(attempts)}, mean {statistics.mean(attempts):.2f}"
    )
    print(
        f"link                    {counts.connections} connections, {counts.completed} whole, "
        f"dropped before {counts.dropped_before}, after the answer {counts.dropped_after}, "
        f"refused in outage {counts.refused_in_outage}, cut by outage {counts.cut_by_outage}"
    )
    print(
        f"outages                 {counts.outages}, {counts.outage_seconds:.0f} s down; "
        f"bytes up {counts.bytes_up:,}, down {counts.bytes_down:,}"
    )
    print(f"sync (per head)         median {statistics.median(sync_times):.1f} s")
    print(f"server answers          {dict(sorted(statuses.items()))}")
    print(f"wall time               {wall:.0f} s")
    peak = max(sampler.samples, default=load_after[0])
    print(
        f"load average            before {'/'.join(f'{x:.1f}' for x in load_before)}, "
        f"after {'/'.join(f'{x:.1f}' for x in load_after)}, peak 1-min {peak:.1f}"
    )
    connections.close_all()
    ok = (
        twice == 0
        and lost == 0
        and applied_in_db == len(decisions) == tally.applied == args.heads * args.visas
    )
    print("RESULT", "OK: each decision applied exactly once" if ok else "FAILED")
    sys.exit(0 if ok else 1)


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip()


if __name__ == "__main__":
    main()
