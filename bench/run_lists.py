"""The documents list at region scale: the API and the page, first and deep pages.

Runs against a database filled by ``bench/generate.py``, never the working one, through
Django's test Client in-process (no network, no server):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_scale \\
        .venv/bin/python bench/run_lists.py --repeat 50

For a person of the largest organization and one of a middle-sized one it times
``/api/v1/documents/`` (50 rows: the first page and the page reached by following
``next`` 40 times), the list page (``/documents/``) and its «ещё» fragment 40 pages deep,
and prints p50/p95 in ms with the load average; then ``EXPLAIN (ANALYZE, BUFFERS)`` of the
count and of the page's query for the largest organization (decision 0021). Nothing is
written: sessions are signed cookies, the last login is not stamped, and everything runs in
a transaction rolled back at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

import config.wsgi  # noqa: E402, F401 - started as the server starts
from bering.documents.models import Document  # noqa: E402
from bering.orgs.models import Employee  # noqa: E402

settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
settings.ALLOWED_HOSTS = ["*"]
# The server serves the hashed names ``collectstatic`` wrote; here the plain ones will do.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
API = "/api/v1/documents/"
PAGE = "/documents/"


class Rollback(Exception):
    pass


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _post(organization_id: int) -> Employee:
    post = (
        Employee.objects.filter(organization_id=organization_id, is_registrar=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert post is not None
    return post


def _timed(get: Any, repeat: int) -> tuple[str, Any]:
    """p50 and p95 of the wall time, and p50 of this process's CPU time (the Django part,
    without PostgreSQL's: on a shared machine the wall time waits for a core too)."""
    response = get()  # warm
    assert response.status_code == 200, response.content[:300]
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = get()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    p50, p95 = statistics.median(times) * 1000, _percentile(times, 0.95) * 1000
    return f"{p50:.1f} | {p95:.1f} | {statistics.median(cpu) * 1000:.1f}", response


def _query(link: str) -> dict[str, str]:
    from urllib.parse import parse_qs, urlsplit

    return {k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()}


def _deep_api(api: APIClient, headers: dict[str, str], depth: int) -> tuple[dict[str, str], int]:
    """The query of the page ``depth`` next links on (or of the last page), its number."""
    params: dict[str, str] = {"limit": "50"}
    for walked in range(depth):
        body = api.get(API, params, headers=headers).json()
        if not body["next"]:
            return params, walked + 1
        params = _query(body["next"])
    return params, depth + 1


def _deep_page(client: Client, depth: int) -> tuple[str, int]:
    text = client.get(PAGE).content.decode()
    cursor = ""
    for walked in range(depth):
        found = re.search(r"cursor=([A-Za-z0-9_-]+)", text)
        if found is None:
            return cursor, walked + 1
        cursor = found.group(1)
        text = client.get(PAGE, {"cursor": cursor}, HTTP_HX_REQUEST="true").content.decode()
    return cursor, depth + 1


def _count_label(body: dict[str, Any]) -> str:
    return str(body["count"]) if body["count"] is not None else f"≥ {body['count_at_least']}"


def _measure(label: str, post: Employee, repeat: int, depth: int) -> list[str]:
    headers = {"X-Bering-Post": str(post.pk)}
    api = APIClient()
    api.force_authenticate(post.user)
    client = Client()
    client.force_login(post.user)
    rows = []
    cells, response = _timed(lambda: api.get(API, {"limit": "50"}, headers=headers), repeat)
    count = _count_label(response.json())
    rows.append(f"| {label} | API, first page (50) | {count} | {cells} | {_load()} |")
    deep, number = _deep_api(api, headers, depth)
    cells, response = _timed(lambda: api.get(API, deep, headers=headers), repeat)
    rows.append(
        f"| {label} | API, page {number} by cursor | {len(response.json()['results'])} rows "
        f"| {cells} | {_load()} |"
    )
    cells, response = _timed(
        lambda: api.get(API, {"limit": "50", "offset": "10000"}, headers=headers), repeat
    )
    rows.append(
        f"| {label} | API, offset 10 000 (deprecated) | {len(response.json()['results'])} rows "
        f"| {cells} | {_load()} |"
    )
    cells, response = _timed(lambda: client.get(PAGE), repeat)
    size = len(response.content) // 1024
    rows.append(f"| {label} | page /documents/ | {size} KB | {cells} | {_load()} |")
    cursor, number = _deep_page(client, depth)
    cells, response = _timed(
        lambda: client.get(PAGE, {"cursor": cursor}, HTTP_HX_REQUEST="true"), repeat
    )
    size = len(response.content) / 1024
    rows.append(f"| {label} | «ещё», page {number} | {size:.1f} KB | {cells} | {_load()} |")
    for row in rows:
        print(row, flush=True)
    return rows


def _explain(post: Employee, depth: int) -> None:
    headers = {"X-Bering-Post": str(post.pk)}
    api = APIClient()
    api.force_authenticate(post.user)
    deep, number = _deep_api(api, headers, depth)
    for name, params in (("first page", {"limit": "50"}), (f"page {number} by cursor", deep)):
        with CaptureQueriesContext(connection) as captured:
            api.get(API, params, headers=headers)
        for query in captured.captured_queries:
            sql = query["sql"]
            if "documents_document" not in sql:
                continue
            print(f"\n-- {name}: {sql[:160]}…")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                for (line,) in cursor.fetchall():
                    print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--depth", type=int, default=40, help="next links followed")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "a generated PostgreSQL database"
    assert connection.settings_dict["NAME"] != "bering", "a scratch database"
    sizes = list(
        Document.objects.values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("organization_id", "n")
    )
    total = sum(n for _, n in sizes)
    big_id, big_n = sizes[0]
    small_id, small_n = sizes[len(sizes) // 2]
    print(f"{connection.settings_dict['NAME']}: {total} documents; load average {_load()}")
    print("\n| who | request | found | p50 ms | p95 ms | CPU p50 ms | load average |")
    print("|---|---|---|---|---|---|---|")
    try:
        with transaction.atomic():
            big, small = _post(big_id), _post(small_id)
            _measure(f"largest org ({big_n})", big, args.repeat, args.depth)
            _measure(f"median org ({small_n})", small, args.repeat, args.depth)
            if not args.no_explain:
                _explain(big, args.depth)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
