"""Backup refusals and checks that need no committed data (see test_restore_drill)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bering.ops import database
from bering.ops.manifest import BackupError, file_path, safe_name


def test_backup_refuses_a_destination_that_is_not_empty(tmp_path, db):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "note.txt").write_text("yesterday")
    with pytest.raises(CommandError, match="exists and is not an empty directory"):
        call_command("backup", str(tmp_path / "old"))
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["note.txt"]


def test_a_failed_backup_leaves_no_half_folder(tmp_path, db, monkeypatch):
    def broken(target):
        target.write_bytes(b"half a dump")
        raise BackupError("pg_dump failed (exit code 1)")

    monkeypatch.setattr(database, "sqlite_dump", broken)
    monkeypatch.setattr(database, "pg_dump", broken)
    with pytest.raises(CommandError, match="pg_dump failed"):
        call_command("backup", str(tmp_path / "new"))
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="pg_dump failed"):
        call_command("backup", str(tmp_path / "empty"))
    assert list((tmp_path / "empty").iterdir()) == []


def test_a_freshly_migrated_database_counts_as_empty(db):
    """Only `migrate`'s own rows are there; a new data migration must be listed in
    database.MIGRATION_FILLED_MODELS, or restoring into a fresh database is refused."""
    assert database.tables_holding_data() == []


def test_people_are_data(db, registrar):
    assert database.tables_holding_data() == [
        "accounts_user",
        "orgs_employee",
        "orgs_organization",
        "orgs_position",
    ]


@pytest.mark.parametrize(
    "name", ["../etc/passwd", "/etc/passwd", "files/../../x", "files//x", "a\\..\\b", "", "./x"]
)
def test_names_that_could_leave_the_backup_folder_are_refused(name, tmp_path):
    with pytest.raises(BackupError, match="could leave the backup folder"):
        file_path(tmp_path, name)


def test_a_generated_storage_name_stays_inside(tmp_path):
    assert safe_name("files/ab/0123.pdf").parts == ("files", "ab", "0123.pdf")
    assert file_path(tmp_path, "files/ab/0123.pdf") == tmp_path / "storage/files/ab/0123.pdf"


def test_verify_refuses_a_manifest_naming_a_file_outside(tmp_path, db):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["files"] = [
        {
            "name": "../../secret",
            "sha256": "0" * 64,
            "size": 1,
            "role": "original",
            "stored_file_id": 1,
        }
    ]
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="could leave the backup folder"):
        call_command("backup_verify", str(tmp_path / "b"))


def test_verify_says_what_it_checked(tmp_path, db):
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("backup_verify", str(tmp_path / "b"), stdout=out)
    text = out.getvalue()
    assert "SHA-256 equals the manifest" in text
    assert "The backup matches its manifest." in text


def test_verify_refuses_a_folder_without_manifest(tmp_path):
    (tmp_path / "half").mkdir()
    with pytest.raises(CommandError, match="incomplete or this is not one"):
        call_command("backup_verify", str(tmp_path / "half"))


# --- The audit chain's checkpoint at backup time (issue 11, fault 3) -----------------


def _append_events(registrar, count):
    from django.db import transaction

    from bering.audit.services import record

    with transaction.atomic():
        return [
            record(
                actor=registrar.actor,
                verb="document.created",
                object_type="document",
                object_id=i,
            )
            for i in range(count)
        ]


@pytest.mark.django_db(transaction=True)  # the backup reads committed rows only
def test_the_manifest_records_the_audit_checkpoint(tmp_path, registrar):
    from bering.audit.models import AuditEvent
    from bering.audit.selectors import latest_checkpoint

    events = _append_events(registrar, 3)
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    # The backup took a checkpoint of every chain in the root chain just before the dump.
    taken = latest_checkpoint()
    assert taken is not None
    assert manifest["audit"]["checkpoint"] == str(taken)
    assert f"Audit checkpoint: {taken}" in out.getvalue()
    event = AuditEvent.objects.get(chain=0, seq=taken.events)
    assert event.data == {"chains": [[registrar.org.pk, 3, events[-1].hash]]}
    # The same line as `audit_verify --checkpoint` takes it.
    call_command("audit_verify", "--checkpoint", manifest["audit"]["checkpoint"], stdout=out)


def test_verify_refuses_a_backup_whose_chain_is_shorter_than_its_checkpoint(tmp_path, registrar):
    events = _append_events(registrar, 3)
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["audit"]["checkpoint"] = f"4:{events[-1].hash}"
    path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("backup_verify", str(tmp_path / "b"), stdout=io.StringIO())


def test_a_restored_chain_is_checked_against_the_manifests_checkpoint(registrar):
    """After a restore the chain must still contain the backup's checkpoint: a tail
    cut off with the head fixed up verifies by itself, but not against it."""
    from bering.audit.models import AuditChainHead, AuditEvent
    from bering.audit.services import checkpoint_record
    from bering.ops.services import _checkpoint_problem

    events = _append_events(registrar, 4)
    checkpoint = str(checkpoint_record())
    assert _checkpoint_problem(checkpoint) is None
    assert _checkpoint_problem("") is None  # a manifest from before checkpoints
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    AuditChainHead.objects.filter(pk=registrar.org.pk).update(
        length=3, last_event_id=events[-2].pk, last_hash=events[-2].hash
    )
    assert "fewer than the 4" in (_checkpoint_problem(checkpoint) or "")
    assert "unusable" in (_checkpoint_problem("4:nonsense") or "")
