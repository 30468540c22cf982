"""Reading the index: which entries of a kind hold every term of a query.

The owner of the objects (documents) composes the result: it filters its own
rows by ``object_id IN (match subquery)`` together with its visibility rule and
filters, so the index alone never decides what anyone sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from bering.search.models import SearchPart
from bering.search.text import Term, organization_token

RANK_CARD = 10.0
RANK_BODY = 1.0


def _groups(terms: Sequence[Term], organization_ids: Iterable[int] | None) -> list[list[str]]:
    groups = [sorted(term.tokens) for term in terms]
    if organization_ids is not None:
        groups.append(sorted(organization_token(pk) for pk in organization_ids))
    return groups


def _fts_query(groups: list[list[str]]) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{token}"' for token in group) + ")" for group in groups
    )


def _tsquery(groups: list[list[str]]) -> str:
    return " & ".join("(" + " | ".join(f"'{token}'" for token in group) + ")" for group in groups)


def match_sql(
    kind: str, terms: Sequence[Term], *, organization_ids: Iterable[int] | None = None
) -> tuple[str, list[str]]:
    """A subquery of the ``object_id`` of the entries matching every term.

    ``organization_ids`` narrows it inside the index (each entry holds its
    organization as a token), so a word common in one organization does not make
    the index read another's entries. Empty ``terms`` match nothing.
    """
    groups = _groups(terms, organization_ids)
    if not terms or any(not group for group in groups):
        return "SELECT 0 WHERE 1 = 0", []
    if connection.vendor == "postgresql":
        return (
            "SELECT e.object_id FROM search_searchentry e "
            "WHERE e.kind = %s AND e.tsv @@ %s::tsquery",
            [kind, _tsquery(groups)],
        )
    return (
        "SELECT e.object_id FROM search_fts f JOIN search_searchentry e ON e.id = f.rowid "
        "WHERE search_fts MATCH %s AND e.kind = %s",
        [_fts_query(groups), kind],
    )


def match_ids(
    kind: str,
    terms: Sequence[Term],
    *,
    organization_ids: Iterable[int] | None = None,
    limit: int,
) -> list[int]:
    """Up to ``limit`` ``object_id`` of the entries matching every term, in no order.

    Read from the index alone, before the owner joins anything, so that how the
    matches are read never rests on the database's estimate: given ``match_sql`` as
    a subquery it may walk the owner's own index (an organization's documents, newest
    first) and test each row, and it takes words and organizations as independent, so
    it expects many matches of a word common elsewhere and rare where asked. The owner
    uses these ids when they are few (``bench/RESULTS.md``, 2026-12-03).
    """
    sql, params = match_sql(kind, terms, organization_ids=organization_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])
        return [int(pk) for (pk,) in cursor.fetchall()]


def match_each_sql(kind: str, terms: Sequence[Term], object_column: str) -> tuple[str, list[str]]:
    """A condition on the owner's row: its entry holds every term, tested row by row.

    For many matches read newest first: on PostgreSQL the test stays a subquery per
    row (``OFFSET 0`` keeps it from becoming a join), so the database walks the
    owner's date index and stops at the page instead of reading every match from the
    text index and sorting them (a word in a third of 100,000 documents: 0.2-0.5 s
    against 20 ms, ``bench/RESULTS.md``). Only worth it when the owner knows the
    matches are many (``match_ids`` filled its limit). SQLite reads the index instead.
    """
    groups = _groups(terms, None)
    if not terms or any(not group for group in groups):
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return (
            "EXISTS (SELECT 1 FROM search_searchentry e WHERE e.kind = %s "  # noqa: S608
            f"AND e.object_id = {object_column} AND e.tsv @@ %s::tsquery OFFSET 0)",
            [kind, _tsquery(groups)],
        )
    sql, params = match_sql(kind, terms)
    return f"{object_column} IN ({sql})", params


def ranks(kind: str, terms: Sequence[Term], object_ids: Sequence[int]) -> dict[int, float]:
    """Relevance of the given objects' entries (higher is better): card words weigh more."""
    groups = _groups(terms, None)
    if not object_ids or not terms:
        return {}
    marks = ", ".join(["%s"] * len(object_ids))
    if connection.vendor == "postgresql":
        sql = (
            "SELECT e.object_id, ts_rank(ARRAY[%s, %s, %s, %s]::float4[], e.tsv, %s::tsquery) "  # noqa: S608
            f"FROM search_searchentry e WHERE e.kind = %s AND e.object_id IN ({marks})"
        )
        params: list[str | float] = [0.0, 0.0, RANK_BODY / RANK_CARD, 1.0, _tsquery(groups), kind]
    else:
        sql = (
            "SELECT e.object_id, -bm25(search_fts, %s, %s) FROM search_fts f "  # noqa: S608
            "JOIN search_searchentry e ON e.id = f.rowid "
            f"WHERE search_fts MATCH %s AND e.kind = %s AND e.object_id IN ({marks})"
        )
        params = [RANK_CARD, RANK_BODY, _fts_query(groups), kind]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *object_ids])
        return {int(pk): float(rank) for pk, rank in cursor.fetchall()}


def sources_without_text(prefix: str, *, limit: int = 200) -> list[str]:
    """Sources named ``prefix…`` whose parts still have no tokens (their text came late)."""
    return list(
        SearchPart.objects.filter(source__startswith=prefix, tokens="")
        .order_by("source")
        .values_list("source", flat=True)
        .distinct()[:limit]
    )
