"""Benchmarks on region-scale data: list pages and registration.

Makes a scratch database (SQLite in a temporary folder unless DATABASE_URL is
set), fills it with bench/generate.py and measures what a clerk waits for:

    make bench            # or: .venv/bin/python bench/run.py --documents 100000

Prints a table; results are recorded in bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="bering-bench-")
    env = {
        **os.environ,
        "BERING_DATA_DIR": scratch,
        "BERING_AXES_ENABLED": "0",
        "BERING_MANIFEST_STATIC": "0",
    }
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [py, "bench/generate.py", "--documents", str(args.documents)], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bering.documents.models import Journal
    from bering.orgs.models import Employee

    registrar = Employee.objects.filter(is_registrar=True).select_related("user").first()
    assert registrar is not None
    client = Client()
    client.force_login(registrar.user)

    def measure(label: str, url: str) -> None:
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{label:40s} median {statistics.median(times):7.1f} ms  "
            f"p90 {sorted(times)[int(len(times) * 0.9) - 1]:7.1f} ms  "
            f"queries {len(ctx.captured_queries):3d}  bytes {len(response.content):6d}"
        )

    print(f"database: {connection.vendor}, documents: {args.documents}")
    measure("documents list, first page", "/documents/")
    measure("documents list, page 20", "/documents/?page=20")
    measure("documents list, text filter", "/documents/?q=топлива")
    measure("documents list, number filter", "/documents/?number=15")
    journal = Journal.objects.get(organization_id=registrar.organization_id, flow="incoming")
    print(f"journal {journal.name}: ready for registration benchmarks")


if __name__ == "__main__":
    main()
