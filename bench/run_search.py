"""Full-text search at region scale: times of ``document_search`` and its query plans.

Runs against a database filled by ``bench/generate.py`` (``--big`` for one large
organization), never the working one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_bench \\
        .venv/bin/python bench/run_search.py --repeat 20

For each query (a common word, a rare one, two words, a registration number, a
date, a word no document holds) and each actor (a person of the largest
organization, one of a small one) it times the first page and a deep page in both
orders, and prints p50/p95 with the load average beside them; then ``EXPLAIN
(ANALYZE, BUFFERS)`` of every query a search makes for a rare and a common word.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.expressions import RawSQL  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import config.wsgi  # noqa: E402, F401 - started as the server starts: startup objects frozen
from bench.generate import ABSENT, LOCAL, RARE  # noqa: E402
from bering.documents import indexing, selectors  # noqa: E402
from bering.documents.models import Document  # noqa: E402
from bering.orgs.actor import Actor  # noqa: E402
from bering.orgs.models import Employee  # noqa: E402
from bering.search import selectors as search_selectors  # noqa: E402
from bering.search import text as search_text  # noqa: E402

COMMON = "ремонт"
SECOND = "дорога"
DATE = "15.06.2026"


def _actor(organization_id: int) -> Actor:
    post = (
        Employee.objects.filter(organization_id=organization_id, is_registrar=False)
        .select_related("user", "organization")
        .order_by("pk")
        .first()
    )
    assert post is not None
    return Actor(user=post.user, post=post)


def _count(actor: Actor, word: str) -> int:
    page = selectors.document_search(actor, selectors.SearchQuery(text=word))
    return len(page.hits)


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(
    actor: Actor, text: str, filters: dict[str, Any], order: str, page: int, repeat: int
) -> tuple[str, str]:
    query = selectors.SearchQuery(text=text, order=order, **filters)
    result = selectors.document_search(actor, query, page=page)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        selectors.document_search(actor, query, page=page)
        times.append(time.perf_counter() - start)
    if result.total is not None:
        found = str(result.total)
    else:
        found = f"не менее {result.at_least}" if result.at_least else "более 1 000"
    figures = (
        f"{statistics.median(times) * 1000:.0f} | {_percentile(times, 0.95) * 1000:.0f} "
        f"| {len(result.hits)}"
    )
    return found, figures


def _short(sql: str) -> str:
    sql = re.sub(
        r'SELECT .{300,}? FROM "documents_document"', "SELECT … FROM documents_document", sql
    )
    sql = re.sub(r"(\d+, ){10,}", "…, ", sql)
    return re.sub(r"(OR EXISTS\(SELECT 1 .*? LIMIT 1\)\))", "OR EXISTS(…))", sql)


def _explain(actor: Actor, text: str, order: str) -> None:
    """EXPLAIN of every query of one search but the snippets' files."""
    with CaptureQueriesContext(connection) as captured:
        selectors.document_search(actor, selectors.SearchQuery(text=text, order=order))
    for query in captured.captured_queries:
        sql = query["sql"]
        if "documents_documentfile" in sql:
            continue
        print(f"\n-- {text!r}, order={order}, {actor.organization.short_name}: {query['time']} s")
        print(_short(sql))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("   ", line)


def _explain_subquery(actor: Actor, text: str) -> None:
    """EXPLAIN of the head as it was before b0e8ee3: the index's match as a subquery."""
    sql, params = search_selectors.match_sql(
        indexing.KIND,
        search_text.query_terms(text),
        organization_ids=[actor.organization_id],
    )
    head = (
        selectors.documents_visible(actor)
        .filter(pk__in=RawSQL(sql, params))
        .order_by("-created_at", "-id")
        .values_list("pk", "created_at")[: selectors.MATCH_CAP + 1]
    )
    query, args = head.query.sql_with_params()
    print(f"\n-- {text!r}, the head as a subquery (before b0e8ee3)")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, args)
        for (line,) in cursor.fetchall():
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--deep", type=int, default=40, help="the deep page's number")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        assert name != "bering", "run on a scratch database, not the working one"
    sizes = list(
        Document.objects.values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("organization_id", "n")
    )
    total = sum(n for _, n in sizes)
    big_id, big_n = sizes[0]
    small_id, small_n = sizes[len(sizes) // 2]
    big, small = _actor(big_id), _actor(small_id)
    print(f"{connection.vendor}, {total} documents; load average {_load()}")
    today = dt.date.today()
    month_ago, days_ago = today - dt.timedelta(days=30), today - dt.timedelta(days=2)
    rows = []
    for actor in (big, small):
        number = list(
            Document.objects.filter(organization_id=actor.organization_id)
            .exclude(reg_number="")
            .order_by("pk")
            .values_list("reg_number", flat=True)[:100]
        )[-1]
        rare = next((w for w in RARE if _count(actor, w)), RARE[0])
        rows.append(
            (
                actor,
                [
                    ("common word", COMMON, {}),
                    ("two common words", f"{COMMON} {SECOND}", {}),
                    ("rare word", rare, {}),
                    ("common elsewhere, rare here", LOCAL, {}),
                    ("common + rare", f"{COMMON} {rare}", {}),
                    ("registration number", number, {}),
                    ("date", DATE, {}),
                    ("absent word", ABSENT, {}),
                    ("common word, drafts", COMMON, {"status": "draft"}),
                    ("common word, last 30 days", COMMON, {"date_from": month_ago}),
                    ("common word, last 2 days", COMMON, {"date_from": days_ago}),
                ],
            )
        )
    labels = (f"big org ({big_n})", f"small org ({small_n})")
    for label, (actor, queries) in zip(labels, rows, strict=True):
        for name, text, filters in queries:
            for order in ("relevance", "date"):
                for page in (1, args.deep):
                    found, figures = _timed(actor, text, filters, order, page, args.repeat)
                    print(
                        f"| {label} | {name} «{text}» | {found} | {order} | {page} "
                        f"| {figures} | {_load()} |",
                        flush=True,
                    )
    if args.no_explain:
        return
    rare = rows[0][1][2][1]
    for text in (rare, LOCAL, COMMON):
        _explain_subquery(big, text)
    for text in (rare, LOCAL, COMMON):
        for order in ("relevance", "date"):
            _explain(big, text, order)


if __name__ == "__main__":
    main()
