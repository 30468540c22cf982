"""Benchmarks of the report pages on region-scale workflow data.

Makes a scratch database (SQLite in a temporary folder unless DATABASE_URL is
set), fills it with bench/generate.py and bench/generate_workflow.py, prints
the query plans of the report aggregates and times each page for a region
administrator (the widest scope) over the default period (six months):

    .venv/bin/python bench/run_reports.py --documents 100000 --approvals 40000

Results are recorded in bench/RESULTS.md and docs/decisions/0009-reports.md by hand.

Against a filled database (issue 14: the 2 M region), build the sweep's facts first
and time the pages with the cache off, then the same without the facts:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/COPY .venv/bin/python \
        bench/run_reports.py --no-generate --rollup --repeat 3 [--without-rollup]

Every line carries the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--approvals", type=int, default=40_000)
    parser.add_argument("--assignments", type=int, default=60_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", help="reuse this data directory if it holds a database")
    parser.add_argument("--no-generate", action="store_true", help="the database is filled")
    parser.add_argument(
        "--rollup", action="store_true", help="bring the sweep's facts up to date first (timed)"
    )
    parser.add_argument(
        "--without-rollup", action="store_true", help="also time the pages without the facts"
    )
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    parser.add_argument(
        "--rollup-since",
        help="YYYY-MM-DD: build the visa, assignment and approval facts only from this day "
        "(a first build over years takes long; for timing only: the figures then miss "
        "the items final before it)",
    )
    args = parser.parse_args()
    scratch = args.keep or tempfile.mkdtemp(prefix="bering-bench-reports-")
    env = {
        **os.environ,
        "BERING_DATA_DIR": scratch,
        "BERING_AXES_ENABLED": "0",
        "BERING_MANIFEST_STATIC": "0",
    }
    py = str(ROOT / ".venv" / "bin" / "python")
    fresh = not args.no_generate and not (args.keep and any(Path(scratch).glob("*.sqlite3")))
    if fresh:
        subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [py, "bench/generate.py", "--documents", str(args.documents)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [
                py,
                "bench/generate_workflow.py",
                "--approvals",
                str(args.approvals),
                "--assignments",
                str(args.assignments),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bering.approvals.models import Visa
    from bering.assignments.models import Assignment
    from bering.core import clock
    from bering.orgs.models import Employee
    from bering.reports.filters import parse_filters
    from bering.reports.permissions import Scope
    from bering.reports.selectors_approval import approval_time
    from bering.reports.selectors_discipline import Group, Kind, discipline

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk inserts: give the planner its statistics
    admin = Employee.objects.filter(is_registrar=True).select_related("user").first()
    assert admin is not None
    admin.user.is_region_admin = True
    admin.user.save(update_fields=["is_region_admin"])
    head = Employee.objects.filter(is_head=True).select_related("user").first()
    assert head is not None
    print(
        f"database: {connection.vendor}; visas {Visa.objects.count()}, "
        f"assignments {Assignment.objects.count()}"
    )

    from bering.reports import services

    if args.rollup_since:
        from bering.reports.models import RollupState
        from bering.reports.selectors_rollup import rollup_stamp

        since = dt.datetime.fromisoformat(args.rollup_since).replace(tzinfo=dt.UTC)
        for part in ("visas", "assignments", "approval"):
            RollupState.objects.get_or_create(
                part=part, defaults={"watermark": since, "stamp": rollup_stamp()}
            )
    if args.rollup:
        start = time.perf_counter()
        added = services.rollup_advance(budget=3600.0)
        print(
            f"{'sweep: reports_rollup':46s} {(time.perf_counter() - start) * 1000:9.1f} ms  "
            f"facts {added}  load {_load()}"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    # The plans of the aggregates (the statements the selectors run).
    filters = parse_filters({}, now=clock.now())
    with CaptureQueriesContext(connection) as ctx:
        discipline(
            kind=Kind.VISAS,
            group=Group.EXECUTOR,
            scope=Scope(organization_ids=None),
            filters=filters,
            now=clock.now(),
        )
        approval_time(scope=Scope(organization_ids=None), filters=filters)
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for query in [] if args.no_plans else ctx.captured_queries:
            sql = query["sql"]
            if "approvals_" not in sql:
                continue
            cursor.execute(explain + sql)
            print("--", sql[:110].replace("\n", " "), "...")
            for row in cursor.fetchall():
                print("   ", " ".join(str(c) for c in row))

    def measure(label: str, client: Client, url: str) -> None:
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured.captured_queries)  # read before a reconnect clears the log
        packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        print(
            f"{label:46s} median {statistics.median(times):7.1f} ms  "
            f"max {max(times):7.1f} ms  queries {queries:3d}  "
            f"bytes {len(response.content):6d} (gzip {len(packed.content):5d})  load {_load()}"
        )

    from django.conf import settings

    from bering.reports import cache

    # The figures computed on every request first (the cache off), then as the sweep
    # leaves them for the governor's office.
    settings.BERING_REPORT_CACHE_SECONDS = 0
    region = Client()
    region.force_login(admin.user)
    cold_pages(measure, region)
    if args.without_rollup:
        kept = cache.watermark
        cache.watermark = lambda part, scope: None  # type: ignore[assignment]
        print("-- without the sweep's facts")
        cold_pages(measure, region)
        cache.watermark = kept  # type: ignore[assignment]
    settings.BERING_REPORT_CACHE_SECONDS = 600
    start = time.perf_counter()
    cache.warm()
    print(f"{'sweep: reports_warm':46s} {(time.perf_counter() - start) * 1000:7.1f} ms")
    measure("dashboard, region, warmed by the sweep", region, "/reports/")
    measure("approval time, region, warmed", region, "/reports/approval-time/")
    own = Client()
    own.force_login(head.user)
    measure("dashboard, one organization's head", own, "/reports/")
    measure(
        "visas drill-down, one organization",
        own,
        f"/reports/visas/organization/{head.organization_id}/",
    )


def _load() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


def cold_pages(measure: Callable[[str, Any, str], None], region: Any) -> None:
    """Every region-wide report page as the first visitor of a new filter sees it."""
    measure("dashboard, region, 6 months", region, "/reports/")
    measure("dashboard, region, agreements", region, "/reports/?type=agreement")
    measure("overdue visas by executor, region", region, "/reports/visas/")
    measure("overdue visas by organization, region", region, "/reports/visas/?group=organization")
    measure(
        "overdue assignments by org., region", region, "/reports/assignments/?group=organization"
    )
    measure("overdue assignments by executor, region", region, "/reports/assignments/")
    measure("approval time, region", region, "/reports/approval-time/")
    measure("approval time, region, XLSX", region, "/reports/approval-time/?format=xlsx")
    measure("coverage, region", region, "/reports/coverage/")
    measure("appeals, region", region, "/reports/appeals/")


if __name__ == "__main__":
    main()
