"""Bytes in storage that no stored file refers to: left by uploads whose transaction
rolled back (a refused document, a lock timeout), or by a crash in between.

``file_store`` writes the bytes before the row, inside the caller's transaction,
and Django has no "on rollback" hook, so a rolled-back upload leaves its bytes.
The sweep removes them: each run looks at one of the 256 folders
``files/00`` ... ``files/ff`` (the folder of a run follows the clock, so every
folder comes up about once a day with a five-minute sweep) and deletes the
names that no ``StoredFile`` holds (``storage_name``, ``preview_name``,
``rendition_name``, ``page_images``, the last found through the original's name) and
that are older than ``GRACE`` (no transaction lasts a day, so a file whose row
is about to be committed is never touched). Works on local disk and S3 alike
(``default_storage.listdir``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models import Q

from bering.core import clock
from bering.files import inspect
from bering.files.models import StoredFile

GRACE = dt.timedelta(hours=24)
ROOT = "files"
SHARDS = [f"{i:02x}" for i in range(256)]
log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    folders: list[str]
    looked_at: int = 0
    deleted: list[str] = field(default_factory=list)


def shard_for(now: dt.datetime, period_minutes: int = 5) -> str:
    """The folder this run looks at: the next one every ``period_minutes``."""
    return SHARDS[int(now.timestamp() // (period_minutes * 60)) % len(SHARDS)]


def _derived_from(name: str) -> list[str]:
    """The originals a derived name (``<stem>.page-001.png``) may belong to."""
    folder, _, base = name.rpartition("/")
    stem, dot, rest = base.partition(".")
    if not dot or "." not in rest:
        return []
    return [f"{folder}/{stem}.{extension}" for extension in inspect.KIND_BY_EXTENSION]


def _referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), 100):
        batch = names[start : start + 100]
        originals = {original for name in batch for original in _derived_from(name)}
        for storage_name, preview_name, rendition_name, pages in StoredFile.objects.filter(
            Q(storage_name__in=[*batch, *originals])
            | Q(preview_name__in=batch)
            | Q(rendition_name__in=batch)
        ).values_list("storage_name", "preview_name", "rendition_name", "page_images"):
            found.add(storage_name)
            found.update(n for n in (preview_name, rendition_name) if n)
            if isinstance(pages, list):
                found.update(str(n) for n in pages)
    return found


def orphans_sweep(
    *, folders: list[str] | None = None, dry_run: bool = False, grace: dt.timedelta = GRACE
) -> SweepResult:
    """Delete unreferenced files older than ``grace`` in ``folders`` (default: this run's)."""
    now = clock.now()
    chosen = folders if folders is not None else [shard_for(now)]
    result = SweepResult(folders=chosen)
    for folder in chosen:
        path = f"{ROOT}/{folder}"
        try:
            _dirs, files = default_storage.listdir(path)
        except FileNotFoundError:
            continue
        names = [f"{path}/{name}" for name in files]
        result.looked_at += len(names)
        kept = _referenced(names)
        for name in names:
            if name in kept:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if now - modified < grace:
                continue  # maybe a transaction still in flight
            if not dry_run:
                default_storage.delete(name)
            log.info("orphan file %s (%s)", name, "kept: dry run" if dry_run else "deleted")
            result.deleted.append(name)
    return result
