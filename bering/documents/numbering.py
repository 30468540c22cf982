"""Registration numbers: gap-free, unique in their journal and year.

A counter row per journal and year is incremented under a row lock inside the
registering transaction (never a database sequence: an aborted transaction
would leave a gap). On SQLite ``select_for_update`` does nothing, but every
transaction there begins IMMEDIATE, which takes the database's write lock at
once, so registrations are serialised all the same.
"""

from __future__ import annotations

import re

from django.db import transaction

from bering.documents.models import Journal, JournalCounter

_PLACEHOLDER = re.compile(r"\{(seq|index|yyyy|yy)\}")
_ANY_BRACE = re.compile(r"[{}]")


def template_is_valid(template: str) -> bool:
    """Only the known placeholders, and ``{seq}`` among them."""
    if "{seq}" not in template:
        return False
    return _ANY_BRACE.search(_PLACEHOLDER.sub("", template)) is None


def format_number(*, template: str, index: str, seq: int, year: int) -> str:
    values = {"seq": str(seq), "index": index, "yyyy": f"{year:04d}", "yy": f"{year % 100:02d}"}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def allocate(*, journal: Journal, year: int) -> int:
    """The next number of ``journal`` in ``year``. Call inside the registering transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are allocated inside the registering transaction")
    counter, _ = JournalCounter.objects.select_for_update().get_or_create(
        journal=journal, year=year
    )
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    return counter.last_seq
