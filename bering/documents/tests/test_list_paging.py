"""The documents list read by keyset: every visible document once, in order, whatever the
ties; «ещё» as a small fragment without a second count; a bad cursor a 400 (decision 0021)."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bering.core.paging import bounded_count, keyset_page
from bering.documents import selectors
from bering.documents.models import Document
from bering.documents.tests.factories import DocumentFactory, doc_type

NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
TITLE = (
    "О внесении изменений в государственную программу Камчатского края «Развитие здравоохранения»"
)
CORRESPONDENT = "Министерство финансов Камчатского края"
LONGEST = "О внесении изменений в государственную программу Камчатского края " * 20


def _many(persona, n, *, ties=4, **fields):
    """``n`` documents of ``persona``'s organization, ``ties`` of them at each moment."""
    memo = doc_type("memo")
    made = Document.objects.bulk_create(
        Document(
            **{
                "organization": persona.org,
                "doc_type": memo,
                "flow": "internal",
                "title": f"Служебная записка № {i}",
                "author": persona.employee,
                **fields,
            }
        )
        for i in range(n)
    )
    for i, document in enumerate(made):
        Document.objects.filter(pk=document.pk).update(
            created_at=NOON - dt.timedelta(minutes=i // ties)
        )
    return made


def _walk(actor, size, flt=None):
    documents = selectors.document_list(actor, flt or selectors.DocumentFilter())
    pages = [keyset_page(documents, key=selectors.LIST_KEY, cursor=None, size=size)]
    while pages[-1].next:
        pages.append(
            keyset_page(documents, key=selectors.LIST_KEY, cursor=pages[-1].next, size=size)
        )
    return documents, pages


def test_pages_hold_every_visible_document_once_in_the_lists_order(registrar, head, outsider):
    _many(registrar, 45)
    hidden = DocumentFactory(organization=registrar.org, author=registrar.employee)
    Document.objects.filter(pk=hidden.pk).update(access="restricted", created_at=NOON)
    DocumentFactory(organization=outsider.org, author=outsider.employee)
    documents, pages = _walk(head.actor, 20)
    assert [len(p.items) for p in pages] == [20, 20, 5]
    walked = [d.pk for p in pages for d in p.items]
    assert walked == [d.pk for d in documents] and len(set(walked)) == 45
    assert hidden.pk not in walked
    assert pages[0].previous is None and pages[-1].next is None
    # Back from the last page by ``previous``: the same pages, the first one has none.
    back = [pages[-1]]
    while back[-1].previous:
        back.append(
            keyset_page(documents, key=selectors.LIST_KEY, cursor=back[-1].previous, size=20)
        )
    assert [[d.pk for d in p.items] for p in back[::-1]] == [[d.pk for d in p.items] for p in pages]
    assert back[-1].previous is None


def test_a_filter_pages_by_keyset_too(registrar):
    _many(registrar, 30)
    _many(registrar, 7, status="signed", ties=2)
    flt = selectors.DocumentFilter(status="draft")
    documents, pages = _walk(registrar.actor, 8, flt)
    assert sum(len(p.items) for p in pages) == 30 == documents.count()
    assert {d.status for p in pages for d in p.items} == {"draft"}


def test_a_count_stops_at_the_cap(registrar):
    _many(registrar, 12)
    documents = selectors.document_list(registrar.actor, selectors.DocumentFilter())
    assert bounded_count(documents, cap=12).exact == 12
    over = bounded_count(documents, cap=11)
    assert over.exact is None and over.at_least == 11
    with CaptureQueriesContext(connection) as ctx:
        bounded_count(documents, cap=5)
    (query,) = ctx.captured_queries
    assert "LIMIT 6" in query["sql"] and "ORDER BY" not in query["sql"]


def _counts(ctx):
    return sum(
        "COUNT(" in q["sql"] and "documents_document" in q["sql"] for q in ctx.captured_queries
    )


def _rows(response):
    return _rows_of(response.content.decode())


def _rows_of(text):
    return text.count('class="row"')


def test_the_page_shows_15_and_more_brings_the_next_as_a_small_fragment(
    registrar, head, django_assert_num_queries
):
    _many(registrar, 45, title=TITLE, correspondent=CORRESPONDENT)
    client = head.client()
    client.get(reverse("documents:list"))  # warm: the session's post is chosen once
    with CaptureQueriesContext(connection) as first:
        page = client.get(reverse("documents:list"))
    body, n_first, counts_first = page.content.decode(), len(first), _counts(first)
    assert page.status_code == 200 and _rows(page) == 15
    assert 'data-count="45"' in body and "data-more" in body
    cursor = body.split("cursor=")[1].split('"')[0]
    with CaptureQueriesContext(connection) as more:
        fragment = client.get(reverse("documents:list"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
    text, n_more, counts_more = fragment.content.decode(), len(more), _counts(more)
    assert fragment.status_code == 200 and _rows(fragment) == 15
    assert "<html" not in text and "data-count" not in text and "data-more" in text
    assert len(fragment.content) < 10 * 1024, len(fragment.content)
    assert counts_first == 1 and counts_more == 0  # «ещё» does not count again
    assert n_first <= 10 and n_more <= 5, (n_first, n_more)
    cursor = text.split("cursor=")[1].split('"')[0]
    last = client.get(reverse("documents:list"), {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert _rows(last) == 15 and "data-more" not in last.content.decode()
    # Without htmx a cursor opens the whole page from that row, counted.
    plain = client.get(reverse("documents:list"), {"cursor": cursor})
    assert "<html" in plain.content.decode() and _rows(plain) == 15
    # The count of queries does not grow with the rows.
    _many(registrar, 100)
    with django_assert_num_queries(n_first):
        client.get(reverse("documents:list"))
    with django_assert_num_queries(n_more):
        client.get(reverse("documents:list"), {"cursor": cursor}, HTTP_HX_REQUEST="true")


def test_a_filter_swap_keeps_the_filter_in_the_more_link(registrar):
    _many(registrar, 25)
    _many(registrar, 3, status="signed")
    swap = registrar.client().get(
        reverse("documents:list"),
        {"status": "draft"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    body = swap.content.decode()
    assert 'data-count="25"' in body and _rows(swap) == 15
    assert "?status=draft&amp;cursor=" in body and "<html" not in body


def test_more_travels_under_10_kb_even_with_the_longest_cards(registrar):
    """Each row cuts the summary at 160 characters and the correspondent at 80: 15 rows of
    the longest cards are ~11 KB as text, under 10 KB as they travel (gzip)."""
    _many(registrar, 45, title=LONGEST[:1000], correspondent=LONGEST[:500])
    client = registrar.client()
    first = client.get(reverse("documents:list")).content.decode()
    cursor = first.split("cursor=")[1].split('"')[0]
    more = client.get(
        reverse("documents:list"),
        {"cursor": cursor},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert more["Content-Encoding"] == "gzip"
    assert _rows_of(gzip.decompress(more.content).decode()) == 15
    assert len(more.content) < 10 * 1024, len(more.content)


@pytest.mark.parametrize("cursor", ["", "garbage", "eyJhIjoxfQ"])
def test_a_bad_cursor_is_a_400_not_a_500(registrar, cursor):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = registrar.client().get(reverse("documents:list"), {"cursor": cursor}, **headers)
        assert response.status_code == 400
