"""Load test: 200 officials working a day against the real server (issue 14).

Against the PostgreSQL database of ``DATABASE_URL`` (the region-scale ``bering_scale``
or a scratch one with the demo region), all on loopback:

1. picks real officials of the database: in each of ``users / 8`` organizations that
   have a registrar, a head and six more people at work, the registrar (clerk), the
   head, three executors, two approvers and one analyst (``ROLES``); gives each an API
   token (``accounts.services.api_token_create``) and a signed-in session (Django's
   ``login`` through the test client's ``force_login``): a bench-only step, nothing in
   the product lets anyone in without a password;
2. starts gunicorn (``config.wsgi``, ``--workers`` × ``--threads``) and one task worker
   (``manage.py db_worker``, or ``rqworker`` with ``--tasks rq``);
3. runs ``bench/locustfile.py`` headless: ``-u 200 -r 20 -t 5m`` by default,
   ``--short`` for a smoke run (20 users, 30 s);
4. prints the table (requests, failures, p50/p95/p99 per request type; reads vs writes;
   throughput), the processes' RAM and CPU, the tasks the worker ran, the load average;
   then removes the tokens and sessions it made. The letters, drafts, visas and
   resolutions the officials made stay (they are the run's work).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_scale \\
        .venv/bin/python bench/run_load.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_load \\
        .venv/bin/python bench/run_load.py --short

The figures are recorded in bench/RESULTS.md by hand. A 5xx in the server's log is
printed with its traceback's last lines: there should be none.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
TOKEN_NAME = "bench-load"

ROLES = {"clerk": 1, "head": 1, "executor": 3, "approver": 2, "analyst": 1}
"""Officials per organization by role; 8 a organization."""
PER_ORG = sum(ROLES.values())
KEEP_ALIVE = 75
"""Seconds gunicorn keeps an idle connection, as a TLS proxy in front keeps the browser's
(nginx's default). With gunicorn's 2 s and officials thinking 2-10 s, 5 of 1,254 requests
of a trial got no answer, each within 14-53 ms: most likely a connection the server closed
as idle at the moment the client reused it (browsers send such a request again,
python-requests does not). None since, with 75 s."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _load() -> str:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"{one} {five} {fifteen}"


# --- 1. officials -------------------------------------------------------------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _organizations(wanted: int, rng: random.Random) -> list[Any]:
    """Organizations with a registrar, a head, six more people at work and an incoming journal,
    drawn at random, the one with the most documents first."""
    from django.db.models import Count, Q

    from bering.documents.models import Document, Journal
    from bering.orgs.models import Organization

    with_journal = Journal.objects.filter(flow="incoming", is_active=True).values("organization_id")
    active = Q(employees__is_active=True, employees__user__is_active=True)
    candidates = list(
        Organization.objects.filter(pk__in=with_journal)
        .annotate(
            people=Count("employees", filter=active),
            registrars=Count("employees", filter=active & Q(employees__is_registrar=True)),
            heads=Count("employees", filter=active & Q(employees__is_head=True)),
        )
        .filter(people__gte=PER_ORG, registrars__gte=1, heads__gte=1)
        .order_by("pk")
    )
    if not candidates:
        raise SystemExit("no organization has a registrar, a head and six more people")
    rng.shuffle(candidates)
    # The organization with the most documents is always among them (its lists are the longest).
    biggest = (
        Document.objects.values("organization_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("organization_id", flat=True)
        .first()
    )
    candidates.sort(key=lambda org: org.pk != biggest)
    return candidates[:wanted]


def _people(org: Any) -> dict[str, list[Any]]:
    """The organization's officials by role (each person once, one post each)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bering.orgs.models import Employee

    with_otp = set(TOTPDevice.objects.values_list("user_id", flat=True))
    staff = [
        e
        for e in Employee.objects.filter(
            organization=org, is_active=True, user__is_active=True, user__is_superuser=False
        )
        .select_related("user")
        .order_by("pk")
        if e.user_id not in with_otp
    ]
    used: set[int] = set()

    def take(n: int, match: Any) -> list[Any]:
        found = [e for e in staff if e.user_id not in used and match(e)][:n]
        used.update(e.user_id for e in found)
        return found

    roles = {
        "clerk": take(1, lambda e: e.is_registrar),
        "head": take(1, lambda e: e.is_head),
    }
    ordinary = lambda e: not (e.is_head or e.is_registrar or e.is_org_admin)  # noqa: E731
    roles["approver"] = take(ROLES["approver"], ordinary)
    roles["executor"] = take(ROLES["executor"], ordinary)
    roles["analyst"] = take(ROLES["analyst"], ordinary) or take(1, lambda e: True)
    return roles


def officials(users: int, seed: int = 14) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """Tokens and sessions for about ``users`` officials; the session keys made."""
    from django.test import Client

    from bering.accounts.services import api_token_create
    from bering.documents.models import Document, DocumentType, Journal

    rng = random.Random(seed)
    outgoing = DocumentType.objects.filter(flow="outgoing", is_active=True).order_by("pk")
    outgoing_type = (outgoing.filter(code="outgoing-letter").first() or outgoing.first()).pk
    result: dict[str, list[dict[str, Any]]] = {role: [] for role in ROLES}
    sessions: list[str] = []
    for org in _organizations(math.ceil(users / PER_ORG), rng):
        roles = _people(org)
        journal = Journal.objects.filter(organization=org, flow="incoming", is_active=True).first()
        assert journal is not None
        types = journal.document_types.filter(is_active=True) or DocumentType.objects.filter(
            flow="incoming", is_active=True
        )
        letter = types.filter(code="incoming-letter").first() or types.order_by("pk").first()
        assert letter is not None
        head = roles["head"][0].pk if roles["head"] else None
        recent = list(
            Document.objects.filter(organization=org, status="registered", access="general")
            .order_by("-pk")
            .values_list("pk", flat=True)[:20]
        )
        for role, people in roles.items():
            for employee in people:
                _, raw = api_token_create(user=employee.user, name=TOKEN_NAME)
                client = Client()
                client.force_login(
                    employee.user, backend="django.contrib.auth.backends.ModelBackend"
                )
                session = client.cookies["sessionid"].value
                sessions.append(session)
                result[role].append(
                    {
                        "token": raw,
                        "session": session,
                        "post": employee.pk,
                        "organization": org.pk,
                        "journal": journal.pk,
                        "doc_type": letter.pk,
                        "outgoing_type": outgoing_type,
                        "head": head,
                        "approvers": [e.pk for e in roles["approver"]],
                        "executors": [e.pk for e in roles["executor"]],
                        "documents": recent,
                    }
                )
    if not (result["clerk"] and result["head"] and result["executor"] and result["approver"]):
        raise SystemExit("too few people in the chosen organizations")
    return result, sessions


def cleanup(sessions: list[str]) -> None:
    from django.contrib.sessions.models import Session

    from bering.accounts.models import ApiToken

    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    Session.objects.filter(session_key__in=sessions).delete()


# --- 2. processes -------------------------------------------------------------------


def _wait_up(port: int, server: subprocess.Popen[bytes], log: Path, seconds: float = 180) -> None:
    """Until /healthz answers 200; a server that answers 5xx ten times is broken: its log."""
    deadline, broken = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: exit {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except urllib.error.HTTPError as exc:
            broken += exc.code >= 500
            if broken >= 10:
                tail = "\n".join(_server_errors(log)[-10:])
                raise SystemExit(f"the server answers {exc.code}:\n{tail}") from exc
            time.sleep(1)
        except OSError:
            time.sleep(1)
    raise SystemExit("the server did not answer in time")


class Sampler(threading.Thread):
    """Every 5 s: RAM (RSS) and CPU time of the server's, the worker's, locust's and the
    database's backend processes (those serving ``database``), what the active backends
    wait for, and the load average."""

    def __init__(self, roots: dict[str, int], url: str) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.url = url
        self.database = url.rsplit("/", 1)[-1].split("?")[0]
        self.peak_rss: dict[str, float] = {}
        self.cpu_start: dict[int, float] = {}
        self.cpu_end: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self.loads: list[str] = []
        self.waits: dict[str, int] = {}
        self.samples = 0
        self.stop = threading.Event()

    def _processes(self) -> list[tuple[str, Any]]:
        import psutil

        found = []
        for label, pid in self.roots.items():
            try:
                root = psutil.Process(pid)
                found.append((f"{label} master" if label == "gunicorn" else label, root))
                found += [
                    ("gunicorn worker" if label == "gunicorn" else f"{label} child", p)
                    for p in root.children(recursive=True)
                ]
            except psutil.NoSuchProcess:
                continue
        for proc in psutil.process_iter(["name", "cmdline"]):
            cmdline = " ".join(proc.info["cmdline"] or [])
            if cmdline.startswith("postgres: ") and f" {self.database} " in cmdline:
                found.append(("postgres backend", proc))
        return found

    def _waits(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), count(*) "
                "FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' "
                "AND pid <> pg_backend_pid() GROUP BY 1"
            ).fetchall()
        for event, n in rows:
            self.waits[event] = self.waits.get(event, 0) + n

    def sample(self) -> None:
        import psutil

        for label, proc in self._processes():
            try:
                rss = proc.memory_info().rss / 2**20
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            key = f"{label} {proc.pid}"
            used = times.user + times.system
            if label == "task worker":  # with its file-processing children, reaped or not
                used += times.children_user + times.children_system
            self.peak_rss[key] = max(self.peak_rss.get(key, 0.0), rss)
            # A process born during the run spent all its CPU time in the run.
            self.cpu_start.setdefault(
                proc.pid, times.user + times.system if not self.samples else 0
            )
            self.cpu_end[proc.pid] = times.user + times.system
            self.names[proc.pid] = key
        self._waits()
        self.loads.append(_load())
        self.samples += 1

    def run(self) -> None:
        while not self.stop.wait(5):
            self.sample()

    def cpu(self, label: str) -> float:
        return sum(
            self.cpu_end[pid] - self.cpu_start[pid]
            for pid, name in self.names.items()
            if name.rsplit(" ", 1)[0] == label
        )

    def rss(self, label: str) -> list[float]:
        return [v for k, v in self.peak_rss.items() if k.rsplit(" ", 1)[0] == label]


# --- 3. the report ------------------------------------------------------------------


def _ms(value: str) -> str:
    return f"{float(value):.0f}" if value not in ("", "N/A") else "-"


def table(stats_csv: Path, seconds: float) -> tuple[str, dict[str, float]]:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    lines = [
        "| request | n | failures | p50 ms | p95 ms | p99 ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = {"read": 0.0, "write": 0.0, "failures": 0.0, "all": 0.0}
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Type"], r["Name"])):
        n, failures = int(row["Request Count"]), int(row["Failure Count"])
        name = "all requests" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        if row["Name"] != "Aggregated":
            totals["write" if row["Type"] in ("POST", "PUT", "PATCH", "DELETE") else "read"] += n
        else:
            totals["all"], totals["failures"] = n, failures
        lines.append(
            f"| {name} | {n} | {failures} | {_ms(row['50%'])} | {_ms(row['95%'])} | "
            f"{_ms(row['99%'])} | {_ms(row['Max Response Time'])} | {n / seconds:.2f} |"
        )
    return "\n".join(lines), totals


def _tasks_since(start: dt.datetime) -> str:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return "-"
    from django.db.models import Count

    rows = (
        DBTaskResult.objects.filter(enqueued_at__gte=start)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    return ", ".join(f"{r['status']} {r['n']}" for r in rows) or "none"


def _drain(start: dt.datetime, tasks: str, limit: float = 180) -> float | None:
    """Seconds until the tasks enqueued since ``start`` are done (None: still some left)."""
    if tasks != "db":
        return None
    from django_tasks_db.models import DBTaskResult

    began = time.monotonic()
    while time.monotonic() - began < limit:
        left = DBTaskResult.objects.filter(
            enqueued_at__gte=start, status__in=["READY", "RUNNING"]
        ).exists()
        if not left:
            return time.monotonic() - began
        time.sleep(1)
    return None


def _work_since(start: dt.datetime) -> str:
    from bering.approvals.models import Visa
    from bering.assignments.models import Resolution
    from bering.documents.models import Document

    registered = Document.objects.filter(registered_at__gte=start).count()
    drafts = Document.objects.filter(created_at__gte=start, flow="outgoing").count()
    visas = Visa.objects.filter(decided_at__gte=start).count()
    resolutions = Resolution.objects.filter(created_at__gte=start).count()
    return (
        f"letters registered {registered}, outgoing drafts made {drafts}, visas given {visas}, "
        f"resolutions {resolutions}"
    )


def _server_errors(log: Path) -> list[str]:
    """Access-log lines with a 5xx, and the tracebacks' last lines."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split('"')
        status_5xx = len(parts) > 2 and parts[2].strip()[:1] == "5"
        if status_5xx or line.startswith(("Traceback", "django.", "psycopg.")) or "Error:" in line:
            found.append(line)
    return found[:40]


def _server_times(log: Path) -> str:
    """p50 / p95 / p99 of the time the server took (access log, ms), reads and writes."""
    times: dict[str, list[int]] = {"read": [], "write": []}
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split('"')
        if len(parts) < 3 or not parts[2].strip()[:1].isdigit() or "/healthz" in parts[1]:
            continue  # not a request, or the wait for the server to start
        kind = "write" if parts[1].startswith(("POST", "PUT", "PATCH", "DELETE")) else "read"
        times[kind].append(int(parts[2].split()[-1]))

    def pct(values: list[int], q: float) -> int:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0

    return "; ".join(
        f"{kind} {pct(v, 0.5)} / {pct(v, 0.95)} / {pct(v, 0.99)} ms ({len(v)})"
        for kind, v in times.items()
    )


# --- main ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--short", action="store_true", help="smoke run: 20 users, 30 s")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--time", default="5m", help="locust's -t: 5m, 30s")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--tasks", choices=["db", "rq"], default="db")
    parser.add_argument("--out", type=Path, default=None, help="folder for locust's CSV and logs")
    args = parser.parse_args()
    if args.short:
        args.users, args.spawn_rate, args.time = 20, 10, "30s"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit(
            "set DATABASE_URL to a PostgreSQL database (bering_scale, or a scratch one)"
        )
    out = args.out or Path(tempfile.mkdtemp(prefix="bering-load-"))
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(os.environ.get("BERING_DATA_DIR") or ROOT / "var" / "bench-load")
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BERING_DATA_DIR": str(data_dir),
        "BERING_TASKS": args.tasks,
    }
    os.environ.update({k: env[k] for k in ("BERING_DATA_DIR", "BERING_TASKS")})
    _setup_django()
    from django.db import connection
    from django.utils import timezone

    subprocess.run(
        [PY, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(f"== load before: {_load()}", flush=True)
    people, sessions = officials(args.users)
    officials_file = out / "officials.json"
    officials_file.write_text(json.dumps(people), encoding="utf-8")
    counts = {role: len(v) for role, v in people.items()}
    orgs = {p["organization"] for v in people.values() for p in v}
    print(f"== officials: {counts} from {len(orgs)} organizations", flush=True)
    connection.close()

    port = _free_port()
    server_log, worker_log = out / "gunicorn.log", out / "worker.log"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--timeout", "60",
            "--keep-alive", str(KEEP_ALIVE),
            "--access-logfile", "-",
            "--access-logformat", '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)s',
            "--control-socket", str(out / "gunicorn.ctl"),
        ],
        cwd=ROOT, env=env, stdout=server_log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker_cmd = (
        [PY, "manage.py", "db_worker", "--interval", "1"]
        if args.tasks == "db"
        else [PY, "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job", "default"]
    )
    worker = subprocess.Popen(
        worker_cmd, cwd=ROOT, env=env, stdout=worker_log.open("wb"), stderr=subprocess.STDOUT
    )
    start = timezone.now()
    try:
        _wait_up(port, server, server_log)
        began = time.monotonic()
        locust = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f", str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u", str(args.users),
                "-r", str(args.spawn_rate),
                "-t", args.time,
                "--host", f"http://127.0.0.1:{port}",
                "--csv", str(out / "load"),
                "--only-summary",
                "--stop-timeout", "15",
                "--loglevel", "WARNING",
            ],
            cwd=ROOT, env={**env, "BERING_LOAD_OFFICIALS": str(officials_file)},
            stdout=(out / "locust.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        roots = {"gunicorn": server.pid, "task worker": worker.pid, "locust": locust.pid}
        sampler = Sampler(roots, url)
        sampler.sample()
        sampler.start()
        locust.wait()
        seconds = time.monotonic() - began
        sampler.stop.set()
        sampler.join(timeout=30)
        sampler.sample()
        drained = _drain(start, args.tasks)
    finally:
        for proc in (server, worker):
            proc.send_signal(signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        cleanup(sessions)

    text, totals = table(out / "load_stats.csv", seconds)
    print(f"\n== {args.users} users, {args.time}, gunicorn {args.workers}×{args.threads}, "
          f"tasks {args.tasks}, locust exit {locust.returncode}; output in {out}")  # fmt: skip
    print(text)
    reads, writes = totals["read"], totals["write"]
    print(
        f"\nreads {reads:.0f} ({reads / max(totals['all'], 1):.0%}), writes {writes:.0f}; "
        f"failures {totals['failures']:.0f}; throughput {totals['all'] / seconds:.1f} req/s "
        f"over {seconds:.0f} s"
    )
    print(f"work done: {_work_since(start)}")
    print(
        f"tasks enqueued during the run: {_tasks_since(start)}; queue empty "
        + (f"{drained:.0f} s after the end" if drained is not None else "not checked or not yet")
    )
    total = max(totals["all"], 1)
    print("CPU during the run (seconds; share of one core; ms per request):")
    for label in ("gunicorn worker", "task worker", "postgres backend", "locust"):
        used = sampler.cpu(label)
        print(f"  {label}: {used:.0f} s, {used / seconds:.0%}, {used / total * 1000:.0f} ms")
    app = sampler.rss("gunicorn worker")
    print(
        f"peak RSS: gunicorn workers {', '.join(f'{v:.0f}' for v in app)} MB; "
        f"master {max(sampler.rss('gunicorn master'), default=0):.0f} MB; task worker "
        f"{max(sampler.rss('task worker'), default=0):.0f} MB (children: largest "
        f"{max(sampler.rss('task worker child'), default=0):.0f} MB); postgres backends "
        f"{len(sampler.rss('postgres backend'))}, largest "
        f"{max(sampler.rss('postgres backend'), default=0):.0f} MB"
    )
    app_cpu = sampler.cpu("gunicorn worker")
    if app_cpu:
        print(f"app workers: {totals['all'] / app_cpu:.1f} requests per CPU second")
    waits = ", ".join(f"{k} {v}" for k, v in sorted(sampler.waits.items(), key=lambda x: -x[1]))
    print(f"active database backends seen in {sampler.samples} samples: {waits or 'none'}")
    print(f"load average during the run (every 5 s): first {sampler.loads[0]}, "
          f"max 1-min {max(float(x.split()[0]) for x in sampler.loads):.2f}, "
          f"last {sampler.loads[-1]}; after: {_load()}")  # fmt: skip
    print(f"time in the server (access log), p50 / p95 / p99: {_server_times(server_log)}")
    errors = _server_errors(server_log) + _server_errors(worker_log)
    if errors:
        print("\n== server and worker errors:\n" + "\n".join(errors))
    else:
        print("no 5xx and no traceback in the server's and the worker's logs")


if __name__ == "__main__":
    main()
