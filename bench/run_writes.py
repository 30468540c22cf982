"""Writes at region scale (issue 14): registrations per second, side by side in one run.

Makes the PostgreSQL scratch database ``bering_writes`` afresh (DATABASE_URL names
the server; SQLite in a temporary folder without it) and measures, one after the
other on the same machine:

1. **a bare locked counter**: ``--writers`` processes, each its own connection, each
   transaction ``SELECT … FOR UPDATE`` of one counter row, +1, commit: the ceiling
   of anything serialised on one row;
2. **one hot journal**: as many processes register incoming letters (the service,
   card only) into one journal of one ministry: rate, p50/p95, and the rate as a
   share of (1); then as many processes each registering in an organization of its
   own (nothing shared but the machine): the hot journal's rate as a share of that;
3. **register + upload through the API**: the real server (``scripts/gunicorn.sh``,
   2 workers × 4 threads) and one task worker; ``--clients`` registrars of
   different organizations, each posting a one-page PDF with an Idempotency-Key as
   fast as answers come: documents/s, p50/p95, then how long the worker takes to
   finish the files (text, preview) after the last answer;
4. **memory**: PSS of the web server (master and workers) and the task worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering \\
        .venv/bin/python bench/run_writes.py --seconds 60

Prints a Markdown table with the load average; recorded in bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run_replay import _free_port, _wait_up, scratch_instance  # noqa: E402

NICE = ["nice", "-n", os.environ.get("BERING_BACKGROUND_NICE", "10")]
"""The task worker's priority, as ``scripts/serve.sh`` sets it (decision 0026)."""


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _run_threads(
    count: int, seconds: float, step: Callable[[int, int], None]
) -> tuple[int, list[float], list[str], float]:
    """``count`` threads call ``step(thread, n)`` until ``seconds`` pass; latencies in ms."""
    from django.db import connection

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        mine: list[float] = []
        try:
            barrier.wait()
            n = 0
            while time.monotonic() < deadline[0]:
                began = time.perf_counter()
                try:
                    step(index, n)
                except Exception as exc:  # counted and shown, the run goes on
                    with lock:
                        errors.append(repr(exc)[:200])
                else:
                    mine.append((time.perf_counter() - began) * 1000)
                n += 1
        finally:
            with lock:
                latencies.extend(mine)
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    began = time.monotonic()
    barrier.wait()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, errors, time.monotonic() - began


def _run_processes(
    count: int, seconds: float, step: Callable[[int, int], None], *, rate: float = 0
) -> tuple[int, list[float], list[str], float]:
    """As ``_run_threads``, in ``count`` forked processes (as many server workers would
    be: no lock of Python's own between them).

    ``rate`` > 0: an open loop instead, ``rate`` steps a second in all, each process
    starting its next step on a fixed schedule (its share of the rate), however long
    the last one took; a latency counts from the scheduled start, so a step that starts
    late because the one before was slow waits in its figure too."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()
    start = context.Barrier(count + 1)

    def worker(index: int) -> None:
        mine: list[float] = []
        errors: list[str] = []
        start.wait()
        began_all = time.monotonic()
        deadline = began_all + seconds
        period = count / rate if rate > 0 else 0.0
        n = 0
        while time.monotonic() < deadline:
            began = time.perf_counter()
            if period:
                due = began_all + (n + index / count) * period
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                began = time.perf_counter() - max(0.0, time.monotonic() - due)
            try:
                step(index, n)
            except Exception as exc:  # counted and shown, the run goes on
                errors.append(repr(exc)[:200])
            else:
                mine.append((time.perf_counter() - began) * 1000)
            n += 1
        connections.close_all()
        results.put((mine, errors))

    processes = [context.Process(target=worker, args=(i,)) for i in range(count)]
    for process in processes:
        process.start()
    start.wait()
    began = time.monotonic()
    latencies: list[float] = []
    errors: list[str] = []
    for _ in processes:
        mine, theirs = results.get()
        latencies.extend(mine)
        errors.extend(theirs)
    wall = time.monotonic() - began
    for process in processes:
        process.join()
    return len(latencies), latencies, errors, wall


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` so far (those that ended are not counted)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / ticks


def _postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _row(name: str, done: int, wall: float, lat: list[float], errors: list[str]) -> str:
    return (
        f"| {name} | {done} | {done / wall:.1f} | {_pct(lat, 0.5):.0f} | "
        f"{_pct(lat, 0.95):.0f} | {len(errors)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writers", type=int, default=16, help="threads on one journal")
    parser.add_argument("--clients", type=int, default=8, help="API clients")
    parser.add_argument("--database", default="bering_writes", help="PostgreSQL scratch name")
    parser.add_argument(
        "--skip",
        default="",
        help="lines not to run, comma-separated: bare, hot, apart, paced",
    )
    parser.add_argument(
        "--paced-rate",
        type=float,
        default=0,
        help="offered rate of the paced line (0: 60 %% of apart)",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bering-writes-"))
    env, py = scratch_instance(scratch, args.database)
    import django

    django.setup()
    import weasyprint
    from django.db import connection, transaction

    from bering.accounts.services import api_token_create
    from bering.documents import services as documents
    from bering.documents.models import Document, JournalCounter
    from bering.documents.tests.factories import JournalFactory, doc_type
    from bering.files.models import StoredFile
    from bering.orgs.actor import Actor
    from bering.orgs.tests.factories import (
        EmployeeFactory,
        OrganizationFactory,
        PositionFactory,
        UserFactory,
    )

    positions: dict[int, Any] = {}

    def registrar(org: Any, username: str) -> Any:
        if org.pk not in positions:
            positions[org.pk] = PositionFactory(organization=org, name="Делопроизводитель")
        return EmployeeFactory(
            user=UserFactory(username=username),
            organization=org,
            position=positions[org.pk],
            is_registrar=True,
        )

    letter = doc_type("incoming-letter")
    hot = OrganizationFactory(name="Министерство здравоохранения", short_name="Минздрав")
    hot_journal = JournalFactory(organization=hot, name="Входящие", index="01-15")
    bare_journal = JournalFactory(organization=hot, name="Счётчик", index="99")
    hot_actors = [
        Actor(user=e.user, post=e) for e in (registrar(hot, f"hot{i}") for i in range(args.writers))
    ]
    spread = []  # one registrar and journal in each of --writers organizations
    for i in range(args.writers):
        org = OrganizationFactory(name=f"Администрация поселения № {i + 1}")
        person = registrar(org, f"spread{i}")
        journal = JournalFactory(organization=org, name="Входящие", index="03-01")
        spread.append((Actor(user=person.user, post=person), journal))
        documents.document_register_incoming(
            actor=spread[-1][0],
            card=documents.Card(doc_type=letter, title="Первое", correspondent="Тест"),
            journal=journal,
        )
    clients = []
    for i in range(args.clients):
        org = OrganizationFactory(name=f"Администрация района № {i + 1}")
        person = registrar(org, f"api{i}")
        journal = JournalFactory(organization=org, name="Входящие", index="02-01")
        clients.append((journal.pk, api_token_create(user=person.user, name="bench")[1]))
    # Every organization's audit chain opened, as in a region at work.
    for actor in hot_actors[:1]:
        documents.document_register_incoming(
            actor=actor,
            card=documents.Card(doc_type=letter, title="Первое", correspondent="Тест"),
            journal=hot_journal,
        )

    load_before = os.getloadavg()
    rows: list[str] = []
    skip = set(args.skip.split(","))

    def processes(
        name: str, step: Callable[[int, int], None], rate: float = 0
    ) -> tuple[int, list[float], list[str], float]:
        if name in skip:
            return 0, [], [], 1.0
        return _run_processes(args.writers, args.seconds, step, rate=rate)

    # 1. The bare locked counter.
    JournalCounter.objects.get_or_create(journal=bare_journal, year=2026)

    def bare(_thread: int, _n: int) -> None:
        with transaction.atomic():
            counter = JournalCounter.objects.select_for_update().get(
                journal=bare_journal, year=2026
            )
            counter.last_seq += 1
            counter.save(update_fields=["last_seq"])

    bare_done, bare_lat, bare_err, bare_wall = processes("bare", bare)
    bare_rate = bare_done / bare_wall
    rows.append(
        _row(
            f"bare locked counter, {args.writers} writers", bare_done, bare_wall, bare_lat, bare_err
        )
    )

    # 2. One hot journal.
    def register(thread: int, n: int) -> None:
        documents.document_register_incoming(
            actor=hot_actors[thread],
            card=documents.Card(
                doc_type=letter,
                title=f"О завозе топлива в с. Никольское, письмо {thread}-{n}",
                correspondent="Администрация Алеутского муниципального округа",
                correspondent_number=f"{thread}-{n}",
            ),
            journal=hot_journal,
        )

    hot_done, hot_lat, hot_err, hot_wall = processes("hot", register)
    rows.append(
        _row(f"one hot journal, {args.writers} writers", hot_done, hot_wall, hot_lat, hot_err)
    )

    # 2b. The same writers, each in an organization of its own: nothing shared but the
    # machine. If the hot journal's rate is close, its lock is not what limits it.
    def register_apart(thread: int, n: int) -> None:
        actor, journal = spread[thread]
        documents.document_register_incoming(
            actor=actor,
            card=documents.Card(
                doc_type=letter,
                title=f"О завозе топлива в с. Никольское, письмо {thread}-{n}",
                correspondent="Администрация Алеутского муниципального округа",
                correspondent_number=f"{thread}-{n}",
            ),
            journal=journal,
        )

    apart_done, apart_lat, apart_err, apart_wall = processes("apart", register_apart)
    rows.append(
        _row(
            f"{args.writers} writers, each in its own organization",
            apart_done,
            apart_wall,
            apart_lat,
            apart_err,
        )
    )
    # 2c. The hot journal below saturation: the same 16 writers offered 60 % of the
    # rate they reached apart, on a schedule (an open loop, as clerks at work are).
    # Closed, 16 writers on 2 cores wait 16 / rate on average whatever the locks do.
    offered = round(args.paced_rate or 0.6 * apart_done / apart_wall)
    paced_done, paced_lat, paced_err, paced_wall = processes("paced", register, rate=offered)
    rows.append(
        _row(
            f"one hot journal, {args.writers} writers offered {offered}/s",
            paced_done,
            paced_wall,
            paced_lat,
            paced_err,
        )
    )
    share = (hot_done / hot_wall) / bare_rate if bare_rate else float("nan")
    apart_share = (hot_done / hot_wall) / (apart_done / apart_wall) if apart_done else float("nan")
    numbers = list(
        Document.objects.filter(journal=hot_journal)
        .order_by("reg_seq")
        .values_list("reg_seq", flat=True)
    )
    gapless = numbers == list(range(1, len(numbers) + 1))
    connection.close()

    # 3. Register + upload through the API, the real server and a task worker.
    port = _free_port()
    log = scratch / "access.log"
    server = subprocess.Popen(
        ["scripts/gunicorn.sh", "127.0.0.1", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        # niced as scripts/serve.sh runs it (decision 0026)
        [*NICE, py, "manage.py", "db_worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=(scratch / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_up(port, server)
        pdf = weasyprint.HTML(
            string="<h1>Письмо</h1><p>О подготовке к отопительному сезону в с. Никольское</p>"
        ).write_pdf()
        boundary = "bering-bench"

        def body(journal_id: int, n: int) -> bytes:
            fields = {
                "doc_type": str(letter.pk),
                "title": f"О подготовке к отопительному сезону, письмо {n}",
                "correspondent": "Администрация Алеутского муниципального округа",
                "correspondent_number": f"{n}-ОД",
                "journal": str(journal_id),
            }
            out = io.BytesIO()
            for name, value in fields.items():
                out.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            )
            out.write(pdf + b"\r\n")
            out.write(f"--{boundary}--\r\n".encode())
            return out.getvalue()

        def post(thread: int, n: int) -> None:
            journal_id, token = clients[thread]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/documents/register-incoming",
                data=body(journal_id, n),
                method="POST",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": str(uuid.uuid4()),
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                },
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                if answer.status != 201:
                    raise RuntimeError(f"HTTP {answer.status}")
                answer.read()

        worker_pids = [server.pid, *_children(server.pid), worker.pid]
        web_pids = [server.pid, *_children(server.pid)]
        cpu_before = (
            _cpu_seconds(web_pids),
            _cpu_seconds([worker.pid]),
            _cpu_seconds(_postgres_pids()),
            time.process_time(),
        )
        api_done, api_lat, api_err, api_wall = _run_threads(args.clients, args.seconds, post)
        cpu_during = (
            _cpu_seconds(web_pids),
            _cpu_seconds([worker.pid]),
            _cpu_seconds(_postgres_pids()),
            time.process_time(),
        )
        rows.append(
            _row(
                f"register + 1-page PDF via API, {args.clients} clients",
                api_done,
                api_wall,
                api_lat,
                api_err,
            )
        )
        pss_busy = _pss_mb(worker_pids)
        drain_began = time.monotonic()
        pending = -1
        while time.monotonic() - drain_began < 600:
            pending = StoredFile.objects.exclude(
                preview_status__in=[StoredFile.Processing.DONE, StoredFile.Processing.FAILED]
            ).count()
            if pending == 0:
                break
            time.sleep(1)
        drain = time.monotonic() - drain_began
        cpu_worker_total = _cpu_seconds([worker.pid]) - cpu_before[1]
        processed = StoredFile.objects.filter(preview_status=StoredFile.Processing.DONE).count()
        pss_after = _pss_mb([server.pid, *_children(server.pid), worker.pid])
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)

    load_after = os.getloadavg()
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {connection.vendor}, "
        f"{args.seconds:.0f} s each, load average before {load_before[0]:.2f} / after "
        f"{load_after[0]:.2f} (1 min), {os.cpu_count()} CPUs\n"
    )
    print("| what | done | per second | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print(
        f"\nhot journal rate / bare counter rate: {share:.1%}; hot journal rate / rate of "
        f"writers in separate organizations: {apart_share:.1%}; "
        f"numbers 1..{len(numbers)} without gaps: {gapless}"
    )
    print(
        f"files: {processed} with previews; the worker finished the rest {drain:.0f} s after "
        f"the last answer (pending at the end: {pending})"
    )
    spent = [after - before for before, after in zip(cpu_before, cpu_during, strict=True)]
    per_doc = [1000 * x / max(api_done, 1) for x in (*spent, cpu_worker_total)]
    print(
        f"CPU per API document during the run: web {per_doc[0]:.0f} ms, task worker "
        f"{per_doc[1]:.0f} ms, PostgreSQL (all backends) {per_doc[2]:.0f} ms, the clients "
        f"{per_doc[3]:.0f} ms; the worker's whole share with the drain {per_doc[4]:.0f} ms"
    )
    print(
        f"PSS web (master + workers) + task worker: {pss_busy:.0f} MB under load, "
        f"{pss_after:.0f} MB after"
    )
    for label, errors in (
        ("bare", bare_err),
        ("hot", hot_err),
        ("apart", apart_err),
        ("paced", paced_err),
        ("api", api_err),
    ):
        for error in sorted(set(errors))[:5]:
            print(f"  {label} error: {error}")


if __name__ == "__main__":
    main()
