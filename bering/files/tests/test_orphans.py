"""Bytes of uploads whose transaction rolled back are swept away, and nothing else is."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from bering.core import clock
from bering.files import orphans
from bering.files.services import file_store
from bering.files.tests import sample_files


class Refused(Exception):
    """The document the file was for was refused: the transaction rolls back."""


def rolled_back_upload() -> str:
    """Store a file inside a transaction that then fails; the bytes stay, the row does not."""
    saved: list[str] = []
    with pytest.raises(Refused), transaction.atomic():
        data = io.BytesIO(sample_files.pdf())
        stored = file_store(stream=data, name="a.pdf", uploaded_by_id=None)
        saved.append(stored.storage_name)
        raise Refused
    assert default_storage.exists(saved[0])
    return saved[0]


def test_rolled_back_upload_is_swept_after_the_grace_period(registrar, monkeypatch):
    kept = file_store(stream=io.BytesIO(sample_files.pdf()), name="b.pdf", uploaded_by_id=None)
    preview = kept.storage_name.rsplit(".", 1)[0] + ".preview.png"
    default_storage.save(preview, ContentFile(sample_files.png()))
    type(kept).objects.filter(pk=kept.pk).update(preview_name=preview)
    orphan = rolled_back_upload()

    # Within the grace period nothing is touched (its transaction might still be running).
    fresh = orphans.orphans_sweep(folders=orphans.SHARDS)
    assert fresh.deleted == [] and default_storage.exists(orphan)

    later = clock.now() + orphans.GRACE + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    dry = orphans.orphans_sweep(folders=orphans.SHARDS, dry_run=True)
    assert dry.deleted == [orphan] and default_storage.exists(orphan)
    swept = orphans.orphans_sweep(folders=orphans.SHARDS)
    assert swept.deleted == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.storage_name) and default_storage.exists(preview)
    assert swept.looked_at >= 2


def test_each_run_looks_at_one_folder_and_all_come_up_within_a_day():
    start = dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    seen = {orphans.shard_for(start + dt.timedelta(minutes=5 * i)) for i in range(288)}
    assert len(seen) == 256
    assert orphans.shard_for(start) == orphans.shard_for(start + dt.timedelta(minutes=4))


def test_command_and_sweep_run_it(registrar, monkeypatch, capsys):
    orphan = rolled_back_upload()
    folder = orphan.split("/")[1]
    later = clock.now() + orphans.GRACE + dt.timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    monkeypatch.setattr(orphans, "shard_for", lambda now: folder)
    call_command("sweep", verbosity=0)
    assert not default_storage.exists(orphan)
    call_command("files_sweep_orphans", "--all", "--dry-run")
    assert "would delete 0" in capsys.readouterr().out
