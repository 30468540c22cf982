"""Writing the index. Called by the apps that own the text, in their own transaction.

``part_put`` sets one part of an entry (the card of a document, one resolution),
``parts_replace`` all parts under a prefix (the files of a document), and
``source_text`` fills the parts whose text was not ready when they were put (a
file's text, extracted by the worker after upload). Each call rebuilds the entry
from its parts and writes the database's full-text index in the same transaction,
so an entry is findable as soon as the change that made it commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection, transaction

from bering.search import text
from bering.search.models import SearchEntry, SearchPart

CARD = SearchPart.Weight.CARD
BODY = SearchPart.Weight.BODY


@dataclass(frozen=True)
class PartText:
    """A part's text, or the source its text will come from (``source_text``)."""

    text: str = ""
    source: str = ""


def _tokens(*texts: str) -> str:
    return " ".join(sorted(text.index_tokens(texts)))


def _entry(kind: str, object_id: int, organization_id: int) -> tuple[SearchEntry, bool]:
    """The entry, locked, and whether it was made now (so it has no parts).

    Every writer locks the entry before its parts, so a file's text arriving while
    the document's files change cannot deadlock with it."""
    entry = SearchEntry.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
    created = False
    if entry is None:
        _made, created = SearchEntry.objects.get_or_create(
            kind=kind, object_id=object_id, defaults={"organization_id": organization_id}
        )
        entry = SearchEntry.objects.select_for_update().get(kind=kind, object_id=object_id)
    if entry.organization_id != organization_id:
        entry.organization_id = organization_id
    return entry, created


def part_put(
    *, kind: str, object_id: int, organization_id: int, name: str, text: str, weight: str = CARD
) -> None:
    """Set one part of an entry from its text; an empty text removes the part."""
    parts_set(
        kind=kind,
        object_id=object_id,
        organization_id=organization_id,
        put={name: (weight, text)},
    )


def part_add(
    *,
    kind: str,
    object_id: int,
    organization_id: int,
    name: str,
    text: str,
    weight: str = CARD,
    entry: SearchEntry | None = None,
) -> None:
    """Add a part the entry does not have yet (a document's number as it is registered).

    ``part_put`` without looking for the part first: three statements, which matters
    under a journal's counter lock; two when the caller holds ``entry`` (it made it in
    this transaction: ``parts_set(fresh=True)``). A part that is there after all breaks
    the unique constraint, loudly."""
    with transaction.atomic(savepoint=False):
        new = False
        if entry is None:
            entry, new = _entry(kind, object_id, organization_id)
        tokens = _tokens(text) if text.strip() else ""
        if tokens:
            SearchPart.objects.create(entry=entry, name=name, weight=weight, tokens=tokens)
        if new or weight != CARD:
            _rebuild(entry)
        else:  # the entry is its parts' tokens (we hold its lock): add these to the card
            _store(entry, set(entry.card.split()) | set(tokens.split()), set(entry.body.split()))


def parts_replace(
    *,
    kind: str,
    object_id: int,
    organization_id: int,
    prefix: str,
    parts: Mapping[str, PartText],
    weight: str = BODY,
) -> None:
    """Make the parts named ``prefix…`` exactly ``parts`` (the current files, say).

    A part's name identifies its text (``file:<id>``: a stored file's bytes never
    change), so a part already there is kept as it is, not read again.
    """
    parts_set(
        kind=kind,
        object_id=object_id,
        organization_id=organization_id,
        replace=(prefix, parts, weight),
    )


def parts_set(
    *,
    kind: str,
    object_id: int,
    organization_id: int,
    put: Mapping[str, tuple[str, str]] | None = None,
    replace: tuple[str, Mapping[str, PartText], str] | None = None,
    fresh: bool = False,
) -> SearchEntry:
    """``part_put`` for each of ``put`` (name: (weight, text)) and ``parts_replace`` for
    ``replace`` (prefix, parts, weight), with the entry locked and rebuilt once.

    ``fresh``: the object was made in this transaction, so it has no entry yet: the
    entry is inserted whole with its parts (two statements instead of nine; a
    registration runs this).
    """
    with transaction.atomic(savepoint=False):
        if fresh:
            entry = SearchEntry(kind=kind, object_id=object_id, organization_id=organization_id)
            new = True
        else:
            entry, new = _entry(kind, object_id, organization_id)
        added: list[SearchPart] = []
        for name, (weight, text_) in (put or {}).items():
            if new:  # no parts yet: nothing to update or delete
                if text_.strip():
                    added.append(
                        SearchPart(entry=entry, name=name, weight=weight, tokens=_tokens(text_))
                    )
            elif text_.strip():
                SearchPart.objects.update_or_create(
                    entry=entry, name=name, defaults={"weight": weight, "tokens": _tokens(text_)}
                )
            else:
                SearchPart.objects.filter(entry=entry, name=name).delete()
        if replace is not None:
            prefix, parts, weight = replace
            kept: set[str] = set()
            if not new:
                present = SearchPart.objects.filter(entry=entry, name__startswith=prefix)
                present.exclude(name__in=list(parts)).delete()
                kept = set(present.values_list("name", flat=True))
            added.extend(
                SearchPart(
                    entry=entry,
                    name=name,
                    weight=weight,
                    source=part.source,
                    tokens=_tokens(part.text),
                )
                for name, part in parts.items()
                if name not in kept
            )
        if fresh:
            card: set[str] = set()
            body: set[str] = set()
            for part in added:
                (card if part.weight == CARD else body).update(part.tokens.split())
            _store(entry, card, body)
            SearchPart.objects.bulk_create(added)
        else:
            SearchPart.objects.bulk_create(added)
            _rebuild(entry)
    return entry


def source_text(source: str, text_: str) -> int:
    """The text of ``source`` is ready: fill its parts and rebuild their entries."""
    tokens = _tokens(text_)
    with transaction.atomic():
        entries = list(
            SearchEntry.objects.select_for_update()
            .filter(pk__in=SearchPart.objects.filter(source=source).values("entry_id"))
            .order_by("pk")
        )
        SearchPart.objects.filter(source=source).update(tokens=tokens)
        for entry in entries:
            _rebuild(entry)
    return len(entries)


def _rebuild(entry: SearchEntry) -> None:
    card: set[str] = set()
    body: set[str] = set()
    for weight, tokens in SearchPart.objects.filter(entry=entry).values_list("weight", "tokens"):
        (card if weight == CARD else body).update(tokens.split())
    _store(entry, card, body)


def _store(entry: SearchEntry, card: set[str], body: set[str]) -> None:
    """Write the entry from its parts' tokens (inserted if it has no id yet)."""
    card = card | {text.organization_token(entry.organization_id)}
    entry.card = " ".join(sorted(card))
    entry.body = " ".join(sorted(body - card))
    if entry.pk is None:
        entry.save()
    else:
        entry.save(update_fields=["organization_id", "card", "body", "updated_at"])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [entry.pk])
            cursor.execute(
                "INSERT INTO search_fts (rowid, card, body) VALUES (%s, %s, %s)",
                [entry.pk, entry.card, entry.body],
            )
