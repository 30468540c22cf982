"""The restore drill (QUALITY.md item 14): back up a working installation, restore it
into an empty one, and prove nothing was lost: row counts equal, the audit chain
verifies, every file is there with its SHA-256. Then the ways it must refuse.

These tests commit for real (``transaction=True``): pg_dump and SQLite's backup
API read the database from a connection of their own.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from bering.audit.models import AuditEvent
from bering.documents import services
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.files.models import StoredFile
from bering.files.tests import sample_files
from bering.ops.tests import drill
from bering.ops.tests.drill import source_counts

pytestmark = pytest.mark.django_db(transaction=True)


def _register(persona, name, data, number):
    journal = JournalFactory(organization=persona.org)
    card = services.Card(
        doc_type=doc_type("incoming-letter"),
        title="О ремонте фельдшерско-акушерского пункта в с. Никольское",
        correspondent="Администрация Алеутского муниципального округа",
        correspondent_number=number,
        correspondent_date=dt.date(2026, 11, 20),
    )
    upload = services.Upload(name=name, stream=io.BytesIO(data))
    return services.document_register_incoming(
        actor=persona.actor, card=card, journal=journal, uploads=[upload]
    )


@pytest.fixture
def letters(registrar, head, executor, outsider):
    """Two organizations' registered letters with a PDF and a DOCX (and a preview)."""
    _register(registrar, "скан письма.pdf", sample_files.pdf(), "125-ОД")
    _register(registrar, "приложение.docx", sample_files.docx(), "126-ОД")
    _register(outsider, "письмо.pdf", sample_files.pdf(), "7-МО")
    assert StoredFile.objects.filter(preview_status=StoredFile.Processing.DONE).exists()


@pytest.fixture
def backup(tmp_path, letters):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert out.getvalue().startswith(f"Backup written to {tmp_path / 'backup'}: ")
    return tmp_path / "backup"


@pytest.fixture
def scratch(tmp_path):
    yield from drill.scratch(tmp_path)


def test_restore_drill(backup, scratch):
    expected_counts = source_counts()
    events = AuditEvent.objects.count()
    files = {s.storage_name: s.sha256 for s in StoredFile.objects.all()}
    previews = [s.preview_name for s in StoredFile.objects.exclude(preview_name="")]
    # What the worker made of the files is backed up too: a page read from the PDF copy of
    # a restored DOCX must not be missing.
    copies = [s.rendition_name for s in StoredFile.objects.exclude(rendition_name="")]
    pages = [name for s in StoredFile.objects.all() for name in s.page_images]
    assert events >= 3 and len(files) == 3 and previews and copies and pages
    derived = [*previews, *copies, *pages]

    restored = scratch.manage("restore", str(backup))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Checked row counts" in restored.stdout
    assert f"Checked the audit chain: {events} events verify" in restored.stdout
    assert f"Checked files: {len(files) + len(derived)} present" in restored.stdout
    # Checked again without the code under test: the database, the chain, the bytes.
    assert scratch.counts() == expected_counts
    audit = scratch.manage("audit_verify")
    assert audit.returncode == 0, audit.stderr
    assert f"Audit chain intact: {events} events." in audit.stdout
    assert {name: scratch.sha256(name) for name in files} == files
    assert all(scratch.sha256(name) for name in derived)


def test_verify_detects_a_tampered_file(backup):
    out = io.StringIO()
    call_command("backup_verify", str(backup), stdout=out)
    assert "The backup matches its manifest." in out.getvalue()

    stored = StoredFile.objects.filter(kind="pdf").first()
    path = backup / "storage" / stored.storage_name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    err = io.StringIO()
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("backup_verify", str(backup), stdout=io.StringIO(), stderr=err)
    assert f"{stored.storage_name}: SHA-256 differs from the manifest" in err.getvalue()
    # A damaged backup is refused before anything is touched.
    with pytest.raises(CommandError, match="nothing was restored"):
        call_command("restore", str(backup), stdout=io.StringIO())


def test_restore_refuses_a_database_holding_data(backup):
    before = source_counts()
    with pytest.raises(CommandError, match="The target database holds data") as refused:
        call_command("restore", str(backup), stdout=io.StringIO())
    assert "accounts_user" in str(refused.value)
    assert source_counts() == before


def test_restore_force_replaces_what_the_database_holds(backup, registrar):
    """Back to the moment of the backup: a letter registered afterwards is gone."""
    expected = source_counts()
    events = AuditEvent.objects.count()
    _register(registrar, "позже.pdf", sample_files.pdf(), "127-ОД")
    assert source_counts() != expected

    out = io.StringIO()
    call_command("restore", "--force", str(backup), stdout=out)

    assert source_counts() == expected
    assert AuditEvent.objects.count() == events
    assert "were there already with the same bytes" in out.getvalue()
    assert "Restore complete: every check passed." in out.getvalue()


def test_restore_refuses_a_backup_of_the_other_vendor(backup, tmp_path):
    manifest = json.loads((backup / "manifest.json").read_text())
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest["vendor"]]
    other_file = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    foreign = tmp_path / "foreign"
    shutil.copytree(backup, foreign)
    (foreign / manifest["database"]["file"]).rename(foreign / other_file)
    manifest["vendor"], manifest["database"]["file"] = other, other_file
    (foreign / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match=f"The backup is of a {other} database"):
        call_command("restore", str(foreign), "--force", stdout=io.StringIO())


def test_a_file_lost_from_storage_fails_the_backup_but_not_the_rest(letters, tmp_path):
    lost = StoredFile.objects.filter(kind="docx").get()
    default_storage.delete(lost.storage_name)

    err = io.StringIO()
    with pytest.raises(CommandError, match="1 files could not be backed up intact"):
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO(), stderr=err)
    assert f"({lost.storage_name}): missing in storage" in err.getvalue()

    out = io.StringIO()
    call_command("backup_verify", str(tmp_path / "b"), stdout=out)
    assert "Warning: At backup time: original of stored file" in out.getvalue()
    assert "The backup matches its manifest." in out.getvalue()
