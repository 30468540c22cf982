"""Reads of documents, always scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bering.core.errors import Forbidden, NotFound
from bering.documents import indexing, permissions
from bering.documents.models import Document, DocumentFile, DocumentType, Journal
from bering.files.models import StoredFile
from bering.files.services import rendition_digest
from bering.orgs.actor import Actor
from bering.orgs.models import Employee
from bering.search import selectors as search_selectors
from bering.search import snippets, text
from bering.search.snippets import Piece
from bering.search.text import Term


def documents_visible(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(permissions.visibility_q(actor.employee))


def document_get_for_user(actor: Actor, document_id: int, *, for_write: bool = False) -> Document:
    """The one getter: 404 if the document is missing or invisible, 403 if read-only."""
    document = (
        Document.objects.select_related("doc_type", "journal", "organization", "in_reply_to")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not permissions.can_view(actor.employee, document):
        raise NotFound(_("Document not found."))
    if for_write and not permissions.can_edit(actor.employee, document):
        raise Forbidden(_("You may read this document but not change it."))
    with_people([document])
    return document


PEOPLE = ("author", "signer", "executor", "registered_by")
"""A card's people. Read in a query of their own, not joined: PostgreSQL plans a card
joined with its four people and their users (13 tables) in 5-10 ms, the two queries
apart in under 1 ms (bench/RESULTS.md, issue 14)."""


def with_people(documents: Iterable[Document], names: Iterable[str] = PEOPLE) -> None:
    """Fill the people named ``names`` of ``documents`` (with their users) in one query."""
    documents = list(documents)
    names = tuple(names)
    ids = {getattr(d, f"{name}_id") for d in documents for name in names} - {None}
    people = Employee.objects.select_related("user").in_bulk(ids) if ids else {}
    for document in documents:
        for name in names:
            person_id = getattr(document, f"{name}_id")
            if person_id is not None:
                Document._meta.get_field(name).set_cached_value(  # type: ignore[union-attr]
                    document, people[person_id]
                )


@dataclass(frozen=True)
class DocumentFilter:
    doc_type_id: int | None = None
    status: str | None = None
    flow: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    number: str = ""
    text: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in the current time zone (what ``__date`` compares in)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _card_filtered(
    qs: QuerySet[Document],
    *,
    doc_type_id: int | None,
    status: str | None,
    flow: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> QuerySet[Document]:
    """The list's and the search's filters. The period is a range on ``created_at`` (local
    days), so a newest-first walk of the index starts and stops in it."""
    if doc_type_id:
        qs = qs.filter(doc_type_id=doc_type_id)
    if status:
        qs = qs.filter(status=status)
    if flow:
        qs = qs.filter(flow=flow)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs


LIST_KEY = "created_at"
"""The list's order is ``-created_at, -id``: its pages are read by keyset on these two
(``core.paging.keyset_page``), down the index ``document_org_newest`` (decision 0021)."""


def document_list(actor: Actor, flt: DocumentFilter) -> QuerySet[Document]:
    """The "my documents" list: visible documents matching the filter, newest first."""
    qs = _card_filtered(
        documents_visible(actor).select_related("doc_type", "author__user"),
        doc_type_id=flt.doc_type_id,
        status=flt.status,
        flow=flt.flow,
        date_from=flt.date_from,
        date_to=flt.date_to,
    )
    if flt.number:
        qs = qs.filter(reg_number__icontains=flt.number.strip())
    if flt.text.strip():
        sql, params = search_selectors.match_sql(
            indexing.KIND, text.query_terms(flt.text), organization_ids=[actor.organization_id]
        )
        qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - tokens are letters and digits
    return qs.order_by(f"-{LIST_KEY}", "-id")


def document_files(document: Document) -> list[DocumentFile]:
    """All files of a document, current version first in each slot."""
    return list(
        DocumentFile.objects.filter(document=document)
        .select_related("stored", "added_by__user")
        .order_by("slot", "-version")
    )


def current_files(document: Document) -> list[DocumentFile]:
    """The current (newest) version of each file slot, in slot order: the one home of
    "what the document consists of now" (approval rounds, delivery, the card)."""
    return current_of(document_files(document))


def current_of(files: list[DocumentFile]) -> list[DocumentFile]:
    """The current versions among ``document_files``' list (newest first in each slot)."""
    return [f for i, f in enumerate(files) if i == 0 or files[i - 1].slot != f.slot]


def document_file_get(actor: Actor, document_id: int, file_id: int) -> DocumentFile:
    document = document_get_for_user(actor, document_id)
    item = (
        DocumentFile.objects.select_related("stored").filter(pk=file_id, document=document).first()
    )
    if item is None:
        raise NotFound(_("File not found."))
    return item


def file_offline_links(files: Iterable[DocumentFile]) -> dict[int, dict[str, Any]]:
    """What the tablet needs to fetch each file for reading offline, by DocumentFile id.

    For each: ``id``, ``name``, ``size``, ``sha256`` (the original's), ``text_url`` (the
    API's text in parts), ``pdf_url`` (the PDF to read, fetched in byte ranges; None while
    there is none), ``pdf_sha256`` and ``pdf_size`` (to check the parts put together; None
    without a PDF), ``preview_url`` (a PNG of page 1; None until made). The caller checked
    the files are visible. One query at most for a list (the stored files, unless already
    loaded); a PDF copy made before its hash was kept is hashed once, then kept.
    """
    files = list(files)
    prefetch_related_objects(files, "stored")
    out: dict[int, dict[str, Any]] = {}
    for item in files:
        stored = item.stored
        args = [item.document_id, item.pk]
        pdf: tuple[str, int] | None
        if stored.kind == StoredFile.Kind.PDF:
            pdf = stored.sha256, stored.size
        else:
            pdf = rendition_digest(stored)
        done = stored.preview_status == StoredFile.Processing.DONE
        out[item.pk] = {
            "id": item.pk,
            "name": stored.original_name,
            "size": stored.size,
            "sha256": stored.sha256,
            "text_url": reverse("api-file-text", args=args),
            "pdf_url": reverse("api-file-pdf", args=args) if pdf else None,
            "pdf_sha256": pdf[0] if pdf else None,
            "pdf_size": pdf[1] if pdf else None,
            "preview_url": reverse("api-file-preview", args=args) if done else None,
        }
    return out


def incoming_duplicates(
    *, organization_id: int, correspondent: str, number: str, date: dt.date | None
) -> list[Document]:
    """Incoming documents with the same correspondent, their number and date."""
    if not number or date is None:
        return []
    candidates = Document.objects.filter(
        organization_id=organization_id,
        flow="incoming",
        correspondent_number__iexact=number.strip(),
        correspondent_date=date,
    ).exclude(status=Document.Status.CANCELLED)
    key = " ".join(correspondent.casefold().split())
    return [d for d in candidates if " ".join(d.correspondent.casefold().split()) == key]


def journals_for(actor: Actor, *, flow: str | None = None) -> QuerySet[Journal]:
    qs = Journal.objects.filter(organization_id=actor.organization_id, is_active=True)
    if flow:
        qs = qs.filter(flow=flow)
    return qs.order_by("name")


def document_types(*, flow: str | None = None) -> QuerySet[DocumentType]:
    qs = DocumentType.objects.filter(is_active=True)
    if flow:
        qs = qs.filter(flow=flow)
    return qs.order_by("name")


_HIT_RELATED = ("doc_type", "organization")
_HIT_PEOPLE = ("author", "signer", "executor")
MATCH_CAP = 1000
_DOCUMENT_ID = '"documents_document"."id"'
"""Up to this many matches are counted exactly and ranked; above it «более 1 000»."""
WALK = 1500
"""Documents read newest first, at most, to count a search's matches when the text index
cannot tell (many entries, few of those read passing the filters): ~25 ms at 1 M documents
(bench/RESULTS.md). Past it the search says «не менее N» instead of counting on."""
TITLE_WIDTH = 140
SNIPPET_WIDTH = 160
"""Characters of a hit's summary and snippet: a page of hits stays small on a slow link."""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    flow: str | None = None
    doc_type_id: int | None = None
    status: str | None = None
    executor_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = "relevance"  # or "date"


@dataclass(frozen=True)
class SearchHit:
    document: Document
    title: list[Piece]
    snippet: list[Piece] | None


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int | None
    """Exact count up to ``MATCH_CAP``; None means not counted (see ``at_least``)."""
    number: int
    has_next: bool
    terms: list[Term]
    at_least: int | None = None
    """Not counted: at least this many (found among the newest ``WALK`` documents read);
    None with ``total`` None: more than ``MATCH_CAP``."""

    @property
    def by_date(self) -> bool:
        """More matches than can be ranked are shown newest first."""
        return self.total is None


def _search_filtered(
    actor: Actor, query: SearchQuery, terms: list[Term], ids: list[int] | None
) -> QuerySet[Document]:
    """Visible documents matching the filters and the words: ``ids`` when few, else
    each row tested (to be read newest first, a page at a time)."""
    qs = _search_base(actor, query)
    if ids is not None:
        return _among(qs, ids)
    sql, params = search_selectors.match_each_sql(indexing.KIND, terms, _DOCUMENT_ID)
    return qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - tokens are letters and digits


def _among(qs: QuerySet[Document], ids: list[int]) -> QuerySet[Document]:
    """``pk IN ids`` for up to a few thousand ids: one array parameter on PostgreSQL (as
    placeholders, 2 000 ids cost ~10 ms of Python to build and convert, each time)."""
    if connection.vendor == "postgresql":
        sql = f"{_DOCUMENT_ID} = ANY(%s::bigint[])"  # a fixed column; the ids a parameter
        return qs.filter(RawSQL(sql, [ids], output_field=BooleanField()))  # noqa: S611
    return qs.filter(pk__in=ids)


def _search_base(actor: Actor, query: SearchQuery) -> QuerySet[Document]:
    """Visible documents matching the search's filters, whatever their words."""
    qs = _card_filtered(
        documents_visible(actor),
        doc_type_id=query.doc_type_id,
        status=query.status,
        flow=query.flow,
        date_from=query.date_from,
        date_to=query.date_to,
    )
    if query.executor_id:
        qs = qs.filter(executor_id=query.executor_id)
    return qs


def document_search(
    actor: Actor, query: SearchQuery, *, page: int = 1, per_page: int = 20
) -> SearchPage:
    """Visible documents holding every word of ``query.text`` in the card or files.

    Up to ``MATCH_CAP`` matches are read as (id, date) pairs, ranked or dated and
    cut to the page; more than that are read newest first, a page at a time, and
    not counted (the count of a common word would cost more than the page).

    How they are read never rests on the database's estimates (``bench/RESULTS.md``,
    2026-12-03): up to twice ``MATCH_CAP`` ids are taken from the text index alone
    (``search_selectors.match_ids``); when they are all there is, the documents are
    read by those ids; when more than ``MATCH_CAP`` of them are visible, the page is
    read by walking the documents newest first, testing each (``match_each_sql``);
    only when the index holds more but few of the ids read are visible (filters,
    restricted documents) are the newest ``WALK`` documents passing the filters tested:
    all of them read, the matches are counted and ranked; else «не менее N», newest
    first.
    """
    terms = text.query_terms(query.text)
    page = max(1, page)
    offset = (page - 1) * per_page
    probe = 2 * MATCH_CAP
    found = search_selectors.match_ids(
        indexing.KIND, terms, organization_ids=[actor.organization_id], limit=probe
    )
    known = _search_filtered(actor, query, terms, found).order_by()
    newest = _search_filtered(actor, query, terms, None).order_by("-created_at", "-id")
    head: list[tuple[int, dt.datetime]] | None = None
    complete = False
    walked = 0
    if len(found) > MATCH_CAP and known.count() > MATCH_CAP:
        pass  # more than can be ranked: newest first, a page at a time
    elif len(found) < probe:  # every match is among ``found``
        head, complete = list(known.values_list("pk", "created_at")), True
    else:  # many in the index, few of those read visible: the newest WALK documents tell
        sql, params = search_selectors.match_each_sql(indexing.KIND, terms, _DOCUMENT_ID)
        window = list(
            _search_base(actor, query)
            .annotate(hit=RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - tokens are letters and digits
            .order_by("-created_at", "-id")
            .values_list("pk", "created_at", "hit")[:WALK]
        )
        head = [(pk, at) for pk, at, hit in window if hit]
        complete = len(window) < WALK  # fewer pass the filters: every one was read
        if not complete:  # a page past the window goes on after its last document
            last_pk, last_at, _hit = window[-1]
            newest = newest.filter(
                Q(created_at__lt=last_at) | Q(created_at=last_at, pk__lt=last_pk)
            )
            walked = len(head)
    total: int | None = None
    if head is not None and complete and len(head) <= MATCH_CAP:
        total = len(head)
        ranks = (
            search_selectors.ranks(indexing.KIND, terms, [pk for pk, _ in head])
            if query.order == "relevance"
            else {}
        )
        head.sort(key=lambda row: (ranks.get(row[0], 0.0), row[1], row[0]), reverse=True)
        rows = head[offset : offset + per_page + 1]
    elif head is not None and offset + per_page < len(head):  # the head is newest first too
        rows = head[offset : offset + per_page + 1]
    elif head is not None and not complete:  # the head's end, then past the window
        rows = head[offset : offset + per_page + 1]
        skip = max(0, offset - walked)
        more = per_page + 1 - len(rows)
        rows += list(newest.values_list("pk", "created_at")[skip : skip + more])
    else:
        rows = list(newest.values_list("pk", "created_at")[offset : offset + per_page + 1])
    at_least = None
    if total is None and head is not None and len(head) <= MATCH_CAP:
        at_least = max(len(head), offset + len(rows[:per_page]))
    ids = [pk for pk, _ in rows[:per_page]]
    by_id = Document.objects.select_related(*_HIT_RELATED).in_bulk(ids)
    documents = [by_id[pk] for pk in ids]
    with_people(documents, _HIT_PEOPLE)
    has_next = len(rows) > per_page
    return SearchPage(
        hits=_hits(documents, terms),
        total=total,
        number=page,
        has_next=has_next,
        terms=terms,
        at_least=at_least,
    )


def _hits(documents: list[Document], terms: list[Term]) -> list[SearchHit]:
    texts: dict[int, list[str]] = {}
    files = (
        DocumentFile.objects.filter(document__in=documents, stored__text_status="done")
        .order_by("document_id", "slot", "-version")
        .values_list("document_id", "slot", "stored__text")
    )
    seen: set[tuple[int, int]] = set()
    for document_id, slot, file_text in files:
        if (document_id, slot) not in seen:
            seen.add((document_id, slot))
            texts.setdefault(document_id, []).append(file_text)
    hits = []
    for document in documents:
        snippet = None
        for source in [*texts.get(document.pk, []), indexing.card_text(document, with_title=False)]:
            snippet = snippets.marked(source, terms, width=SNIPPET_WIDTH)
            if snippet is not None:
                break
        hits.append(
            SearchHit(
                document=document,
                title=snippets.marked(document.title, terms, width=TITLE_WIDTH)
                or [Piece(truncatechars(document.title, TITLE_WIDTH))],
                snippet=snippet,
            )
        )
    return hits
