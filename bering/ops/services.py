"""Backup, verify, restore (QUALITY.md item 14; decision 0010).

``backup_create`` writes a folder: a consistent copy of the database, the bytes of
every stored file and preview, and a manifest of the figures a restore must meet.
``backup_verify`` checks a folder against its manifest without touching the
installation.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings

from bering.core import clock
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
    snapshot = database.sqlite_dump(db_file) if vendor == "sqlite" else database.pg_dump(db_file)
    db_digest = storage.folder_digest(db_file)
    assert db_digest is not None  # just written

    files: list[FileEntry] = []
    problems: list[str] = []
    for row in snapshot.stored_files:
        wanted: list[tuple[str, str, str | None, int | None]] = [
            (row.storage_name, "original", row.sha256, row.size)
        ]
        if row.preview_name:
            wanted.append((row.preview_name, "preview", None, None))
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
