"""Backup, verify, restore (QUALITY.md item 14; decision 0010).

``backup_create`` writes a folder: a consistent copy of the database, the bytes of
every stored file and of what was made of it (preview, PDF copy, page images), and a
manifest of the figures a restore must meet.
``backup_verify`` checks a folder against its manifest without touching the
installation. ``backup_restore`` refuses unless the target is empty and of the
same vendor, restores, then proves it: row counts equal the manifest, the audit
chain verifies, every file is present with its SHA-256.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from bering.audit.checkpoints import Checkpoint
from bering.audit.models import ROOT_CHAIN, AuditChainHead
from bering.audit.selectors import chain_verify, checkpoint_check
from bering.audit.services import checkpoint_record
from bering.core import clock
from bering.files.models import StoredFile
from bering.ops import database, storage
from bering.ops.manifest import (
    DATABASE_FILES,
    FILES_DIR,
    BackupError,
    DatabaseEntry,
    FileEntry,
    Manifest,
    TableCount,
    file_path,
    manifest_read,
    manifest_write,
)


@dataclass
class Report:
    """What was checked (``lines``), what is wrong (``problems``), what to know."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _short(sha: str | None) -> str:
    return f"{sha[:12]}…" if sha else "none"


# --- Backup -------------------------------------------------------------------------


def backup_create(*, dest: Path) -> Manifest:
    """Write a backup folder at ``dest`` (new or empty). Safe while the server runs.

    Files the database names but storage cannot give back intact are left out
    and listed in ``manifest.problems``; the caller reports them as a failure.
    """
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty directory; choose a new one.")
    vendor = database.connection().vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data: owner only
    try:
        return _backup_write(dest, vendor)
    except BaseException:
        # Leave the directory as it was found, so the same command can be run again.
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        else:
            for child in dest.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        raise


def _backup_write(dest: Path, vendor: str) -> Manifest:
    db_file = dest / DATABASE_FILES[vendor]
    # Every chain's length and newest hash, recorded in the root chain just before the
    # dump: the manifest names it, and a restore proves no chain lost its tail.
    checkpoint_record()
    snapshot = database.sqlite_dump(db_file) if vendor == "sqlite" else database.pg_dump(db_file)
    db_digest = storage.folder_digest(db_file)
    assert db_digest is not None  # just written

    files: list[FileEntry] = []
    problems: list[str] = []
    for row in snapshot.stored_files:
        wanted: list[tuple[str, str, str | None, int | None]] = [
            (row.storage_name, "original", row.sha256, row.size)
        ]
        wanted += [(name, role, None, None) for name, role in row.derived()]
        for name, role, sha256, size in wanted:
            label = f"{role} of stored file {row.id} ({name})"
            try:
                target = file_path(dest, name)
                digest = storage.copy_out(name, target)
            except (BackupError, FileExistsError) as exc:
                problems.append(f"{label}: {exc}")
                continue
            if digest is None:
                problems.append(f"{label}: missing in storage")
            elif sha256 is not None and (digest.sha256, digest.size) != (sha256, size):
                target.unlink()
                problems.append(f"{label}: bytes in storage do not match the recorded SHA-256")
            else:
                files.append(FileEntry(name, digest.sha256, digest.size, role, row.id))

    models = database.table_models()
    manifest = Manifest(
        created_at=clock.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        vendor=vendor,
        django=django.get_version(),
        database=DatabaseEntry(db_file.name, db_digest.size, db_digest.sha256),
        migrations=snapshot.migrations,
        tables={
            table: TableCount(rows=rows, model=models.get(table))
            for table, rows in sorted(snapshot.tables.items())
        },
        audit=snapshot.audit,
        storage=str(settings.STORAGES["default"]["BACKEND"]),
        files=files,
        problems=problems,
    )
    manifest_write(dest, manifest)
    return manifest


# --- Verify -------------------------------------------------------------------------


def backup_verify(*, src: Path) -> Report:
    """Check a backup folder against its manifest. Touches nothing else."""
    manifest = manifest_read(src)
    report = Report()
    report.lines.append(
        f"Manifest: {manifest.vendor} backup made {manifest.created_at}, "
        f"{len(manifest.tables)} tables, {manifest.total_rows} rows, {len(manifest.files)} files."
    )
    audit = manifest.audit
    if audit.checkpoint and _checkpoint_events(audit.checkpoint) > audit.events:
        # The checkpoint is a place in the root chain, which holds some of the events.
        report.problems.append(
            f"The manifest's audit checkpoint {audit.checkpoint} does not match its audit "
            f"figures ({audit.events} events, head {_short(audit.head_hash)})."
        )
    _verify_database(src, manifest, report)
    _verify_files(src, manifest, report)
    report.warnings.extend(f"At backup time: {problem}" for problem in manifest.problems)
    return report


def _verify_database(src: Path, manifest: Manifest, report: Report) -> None:
    path = src / manifest.database.file
    digest = storage.folder_digest(path)
    if digest is None:
        report.problems.append(f"{manifest.database.file} is missing.")
        return
    if (digest.sha256, digest.size) != (manifest.database.sha256, manifest.database.size):
        report.problems.append(
            f"{manifest.database.file}: SHA-256 differs from the manifest (damaged or altered)."
        )
        return
    report.lines.append(f"Database file {manifest.database.file}: SHA-256 equals the manifest.")
    if manifest.vendor == "postgresql":
        try:
            database.pg_check(path)
        except BackupError as exc:
            report.problems.append(str(exc))
            return
        report.lines.append("pg_restore reads the archive; row counts are checked on restore.")
        return
    check = database.sqlite_check(path)
    if check != "ok":
        report.problems.append(f"{manifest.database.file}: SQLite check failed: {check}")
        return
    copy = database.sqlite_read(path)
    expected = {table: count.rows for table, count in manifest.tables.items()}
    if copy.tables != expected:
        report.problems.extend(_count_differences(expected, dict(copy.tables)))
    elif copy.audit != manifest.audit:
        report.problems.append("The audit chain head in the database differs from the manifest.")
    else:
        report.lines.append(
            f"SQLite check ok; row counts of {len(expected)} tables and the audit head "
            "equal the manifest."
        )


def _verify_files(src: Path, manifest: Manifest, report: Report) -> None:
    good = 0
    listed = set()
    for entry in manifest.files:
        path = file_path(src, entry.name)
        listed.add(path)
        digest = storage.folder_digest(path)
        if digest is None:
            report.problems.append(f"{entry.name}: missing from the backup.")
        elif (digest.sha256, digest.size) != (entry.sha256, entry.size):
            report.problems.append(
                f"{entry.name}: SHA-256 differs from the manifest (damaged or altered)."
            )
        else:
            good += 1
    root = src / FILES_DIR
    extra = sorted(
        str(path.relative_to(root))
        for path in (root.rglob("*") if root.is_dir() else [])
        if path.is_file() and path not in listed
    )
    report.problems.extend(f"{name}: in the backup but not in the manifest." for name in extra)
    report.lines.append(f"Files: {good} of {len(manifest.files)} present with their SHA-256.")


def _count_differences(expected: dict[str, int], actual: dict[str, int | None]) -> list[str]:
    return [
        f"Table {table}: {actual.get(table)} rows, the manifest says {rows}."
        for table, rows in sorted(expected.items())
        if actual.get(table) != rows
    ] + [
        f"Table {table}: not in the manifest." for table in sorted(actual.keys() - expected.keys())
    ]


# --- Restore ------------------------------------------------------------------------


def backup_restore(*, src: Path, force: bool = False) -> Report:
    """Restore a backup into the configured database and storage, then prove it.

    Refuses (``BackupError``, nothing changed) if the backup is of another
    vendor, does not match its manifest, comes from a newer release, or if the
    database holds data or storage holds other bytes under the backup's names.
    ``force`` replaces data instead of refusing: the previous content is lost.
    """
    manifest = manifest_read(src)
    report = _restore_check_backup(src, manifest)
    pending = _restore_check_migrations(manifest, report, force=force)
    _refuse_unless_empty(manifest, force=force)
    present, replace = _files_in_storage(manifest, force=force)
    _restore_database(src, manifest, report)
    _restore_files(src, manifest, report, present=present, replace=replace)
    _check_restored(manifest, report)
    if pending:
        report.warnings.append(
            f"{len(pending)} migrations of this release are newer than the backup: "
            "run `manage.py migrate` now."
        )
    return report


def _restore_check_backup(src: Path, manifest: Manifest) -> Report:
    """The backup is of this installation's vendor and matches its manifest; the
    report starts with what the check found."""
    conn = database.connection()
    if manifest.vendor != conn.vendor:
        raise BackupError(
            f"The backup is of a {manifest.vendor} database, this installation uses "
            f"{conn.vendor}: restore it into a {manifest.vendor} installation."
        )
    checked = backup_verify(src=src)
    if checked.problems:
        raise BackupError(
            "The backup does not match its manifest; nothing was restored.\n"
            + "\n".join(checked.problems)
        )
    return Report(lines=list(checked.lines), warnings=list(checked.warnings))


def _restore_check_migrations(
    manifest: Manifest, report: Report, *, force: bool
) -> set[tuple[str, str]]:
    """Refuse a backup of a newer release (unless ``force``); return this release's
    migrations the backup does not have."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.migrations if (app, name) not in on_disk]
    if unknown and not force:
        raise BackupError(
            "The backup was made by a newer release: this code does not know its migrations "
            f"{', '.join(unknown[:5])}. Restore with the release that made it."
        )
    if unknown:
        report.warnings.append(
            f"Restored with --force although this code does not know {len(unknown)} of the "
            "backup's migrations."
        )
    return on_disk - set(manifest.migrations)


def _restore_database(src: Path, manifest: Manifest, report: Report) -> None:
    archive = src / manifest.database.file
    if manifest.vendor == "sqlite":
        database.sqlite_restore(archive)
    else:
        database.pg_restore(archive)
    report.lines.append(f"Restored the {manifest.vendor} database from {archive.name}.")


def _restore_files(
    src: Path, manifest: Manifest, report: Report, *, present: set[str], replace: set[str]
) -> None:
    """Copy in the files storage does not hold yet (``replace``: overwrite those)."""
    for entry in manifest.files:
        if entry.name not in present:
            storage.copy_in(entry.name, file_path(src, entry.name), replace=entry.name in replace)
    report.lines.append(
        f"Restored {len(manifest.files) - len(present)} files into storage"
        + (f" ({len(present)} were there already with the same bytes)." if present else ".")
    )


def _refuse_unless_empty(manifest: Manifest, *, force: bool) -> None:
    if manifest.vendor == "sqlite":
        database.sqlite_prepare_target()
    if not force and (busy := database.tables_holding_data()):
        shown = ", ".join(busy[:5]) + (" …" if len(busy) > 5 else "")
        raise BackupError(
            f"The target database holds data (tables {shown}); nothing was restored. "
            "Restore into a new empty database, or pass --force to replace its content."
        )
    if manifest.vendor == "postgresql":
        extra = sorted(set(database.existing_tables()) - manifest.tables.keys())
        if extra:
            raise BackupError(
                f"The target database has tables the backup does not ({', '.join(extra[:5])}); "
                "nothing was restored. Restore into a new database (createdb), "
                "then run `manage.py migrate`."
            )


def _files_in_storage(manifest: Manifest, *, force: bool) -> tuple[set[str], set[str]]:
    """The backup's names already in storage: with the same bytes, and with other bytes.

    Other bytes under a backup's name are refused unless forced (then overwritten).
    """
    same, other = set(), set()
    for entry in manifest.files:
        digest = storage.stored_digest(entry.name)
        if digest is None:
            continue
        if (digest.sha256, digest.size) == (entry.sha256, entry.size):
            same.add(entry.name)
        else:
            other.add(entry.name)
    if other and not force:
        shown = ", ".join(sorted(other)[:3])
        raise BackupError(
            f"Storage holds other bytes under {len(other)} names of the backup ({shown}); "
            "nothing was restored. Restore into an empty storage, or pass --force to overwrite."
        )
    return same, other


def _checkpoint_events(text: str) -> int:
    """How many root-chain events a manifest's checkpoint names (-1 if unreadable)."""
    try:
        return Checkpoint.parse(text).events
    except ValueError:
        return -1


def _checkpoint_problem(text: str) -> str | None:
    """Why the restored chain does not contain the manifest's checkpoint, if it does not."""
    if not text:
        return None  # a manifest written before checkpoints were recorded
    try:
        checkpoint = Checkpoint.parse(text)
    except ValueError as exc:
        return f"The manifest's audit checkpoint is unusable: {exc}"
    if (problem := checkpoint_check(checkpoint)) is not None:
        return f"Audit chain fails the backup's checkpoint {checkpoint}: {problem}."
    return None


def _check_restored(manifest: Manifest, report: Report) -> None:
    expected = {table: count.rows for table, count in manifest.tables.items()}
    actual = database.live_counts(expected)
    if differences := _count_differences(expected, actual):
        report.problems.extend(differences)
    else:
        report.lines.append(
            f"Checked row counts: {len(expected)} tables, {manifest.total_rows} rows, "
            "equal to the manifest."
        )

    head = AuditChainHead.objects.filter(pk=ROOT_CHAIN).first()
    head_now = (head.last_event_id, head.last_hash) if head else (None, None)
    if head_now != (manifest.audit.head_event_id, manifest.audit.head_hash):
        expected_head = manifest.audit
        report.problems.append(
            f"Audit chain head is event {head_now[0]} ({_short(head_now[1])}), the manifest "
            f"says {expected_head.head_event_id} ({_short(expected_head.head_hash)})."
        )
    broken = chain_verify()
    if broken is not None:
        report.problems.append(f"Audit chain broken at event {broken.event_id}: {broken.reason}.")
    elif problem := _checkpoint_problem(manifest.audit.checkpoint):
        report.problems.append(problem)
    elif head_now == (manifest.audit.head_event_id, manifest.audit.head_hash):
        head_text = (
            f"the head, event {manifest.audit.head_event_id} "
            f"({_short(manifest.audit.head_hash)}), equals the manifest"
            if manifest.audit.head_event_id is not None
            else "no head yet, as in the manifest"
        )
        report.lines.append(
            f"Checked the audit chain: {manifest.audit.events} events verify; {head_text}."
        )
        if manifest.audit.checkpoint:
            report.lines.append(
                f"The chain contains the backup's checkpoint {manifest.audit.checkpoint}."
            )

    recorded = dict(StoredFile.objects.values_list("id", "sha256"))
    good = 0
    for entry in manifest.files:
        digest = storage.stored_digest(entry.name)
        if digest is None:
            report.problems.append(f"{entry.name}: not in storage after the restore.")
        elif (digest.sha256, digest.size) != (entry.sha256, entry.size):
            report.problems.append(f"{entry.name}: SHA-256 in storage differs from the manifest.")
        elif entry.role == "original" and recorded.get(entry.stored_file_id) != entry.sha256:
            report.problems.append(
                f"{entry.name}: SHA-256 differs from stored file {entry.stored_file_id}'s record."
            )
        else:
            good += 1
    if good == len(manifest.files):
        report.lines.append(
            f"Checked files: {good} present in storage with their SHA-256 "
            f"({sum(e.role == 'original' for e in manifest.files)} originals "
            "equal to their database records)."
        )
