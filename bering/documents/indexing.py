"""What of a document is searchable: its card and the text of its current files.

Called by the document services in their transaction (the card) and as files
change; a file's text, extracted later by the worker, reaches the index through
its source ``file:<id>`` (``bering.search.services.source_text``). Resolutions are
added by ``bering.assignments`` as parts of the same entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bering.documents import selectors
from bering.documents.models import Document, DocumentFile
from bering.files.models import StoredFile
from bering.orgs.models import Employee
from bering.search import services as search
from bering.search.models import SearchEntry
from bering.search.selectors import sources_without_text

KIND = "document"
DONE = StoredFile.Processing.DONE


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def _person(employee: Employee | None) -> str:
    if employee is None:
        return ""
    user = employee.user
    return f"{user.last_name} {user.first_name} {user.middle_name}"


def card_text(document: Document, *, with_title: bool = True, with_number: bool = True) -> str:
    """The card's searchable words: numbers, dates, summary, correspondent, people."""
    return "\n".join(
        part
        for part in (
            number_text(document) if with_number else "",
            document.title if with_title else "",
            document.correspondent,
            document.correspondent_number,
            _date(document.correspondent_date),
            document.addressee,
            _person(document.signer),
            _person(document.executor),
        )
        if part
    )


def number_text(document: Document) -> str:
    """The registration number and date: the part of the card that registration adds."""
    return "\n".join(part for part in (document.reg_number, _date(document.reg_date)) if part)


def document_index(
    document: Document, *, fresh: Sequence[DocumentFile] | None = None
) -> SearchEntry:
    """Index the card and the current files of ``document`` (in the caller's transaction).

    The registration number is a part of its own (``number``), so that registering
    re-indexes only it: the services index the rest before they take the journal's
    counter, and hold that lock for a few statements only. ``fresh``: the files of a
    document made in this transaction (it has no entry yet, these are all its files).
    Returns the entry, locked (``document_index_number`` takes it).
    """
    return search.parts_set(
        kind=KIND,
        object_id=document.pk,
        organization_id=document.organization_id,
        fresh=fresh is not None,
        put={
            "card": (search.CARD, card_text(document, with_number=False)),
            "number": (search.CARD, number_text(document)),
        },
        replace=(
            "file:",
            {
                item.stored.text_source: search.PartText(
                    text=item.stored.text
                    if item.stored.text_status == StoredFile.Processing.DONE
                    else "",
                    source=item.stored.text_source,
                )
                for item in (selectors.current_files(document) if fresh is None else fresh)
            },
            search.BODY,
        ),
    )


def document_index_number(document: Document, entry: SearchEntry | None = None) -> None:
    """Index the registration number and date (weighted as the card) of a document
    being registered: it had no number, so its entry has no such part yet. ``entry``:
    what ``document_index`` returned in this transaction."""
    search.part_add(
        kind=KIND,
        object_id=document.pk,
        organization_id=document.organization_id,
        name="number",
        text=number_text(document),
        entry=entry,
    )


def document_index_part(document: Document, name: str, text: str) -> None:
    """Index a text that belongs to the document but lives elsewhere (a resolution)."""
    search.part_put(
        kind=KIND,
        object_id=document.pk,
        organization_id=document.organization_id,
        name=name,
        text=text,
    )


def files_text_catch_up(*, limit: int = 200) -> int:
    """Fill file parts left empty: a part put while its file's text was being extracted
    (the worker wrote the text before the part existed). The sweep runs this."""
    ids = [int(source.split(":", 1)[1]) for source in sources_without_text("file:", limit=limit)]
    ready = StoredFile.objects.filter(pk__in=ids, text_status=DONE).exclude(text="")
    count = 0
    for stored in ready:
        search.source_text(stored.text_source, stored.text)
        count += 1
    return count
