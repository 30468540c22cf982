"""The manifest of a backup folder: what it holds and the figures a restore must meet.

A backup folder is::

    manifest.json          this file's content, written last
    database.sqlite3       SQLite: a copy made by the online backup API
    database.pgdump        PostgreSQL: ``pg_dump --format=custom``
    storage/<name>         the bytes of every stored file, its preview, PDF copy and
                           page images, under their names in Django's default storage

Names inside the folder come from the database (generated storage names), but a
manifest may have been edited by anyone who could write the folder: every name
is checked to stay inside ``storage/`` before it is opened.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bering.core.errors import DomainError

FORMAT = "bering-backup/1"
MANIFEST = "manifest.json"
FILES_DIR = "storage"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(DomainError):
    """A backup or restore was refused, or its input is unusable."""

    code = "backup_refused"


@dataclass(frozen=True)
class DatabaseEntry:
    file: str
    size: int
    sha256: str


@dataclass(frozen=True)
class AuditHead:
    events: int
    head_event_id: int | None
    head_hash: str | None
    # The audit chain's checkpoint at backup time, "N:HASH" as `audit_verify` takes
    # it (decision 0001): a restore checks the chain still contains it. Empty in
    # manifests written before it was recorded.
    checkpoint: str = ""


@dataclass(frozen=True)
class FileEntry:
    name: str
    sha256: str
    size: int
    # "original", "preview", "rendition" (the PDF copy), "page" (a page image), "marked" (the
    # PDF copy with a signature mark)
    role: str
    stored_file_id: int


@dataclass(frozen=True)
class TableCount:
    rows: int
    model: str | None  # "documents.Document"; None for tables without a model


@dataclass
class Manifest:
    created_at: str
    vendor: str
    django: str
    database: DatabaseEntry
    migrations: list[tuple[str, str]]
    tables: dict[str, TableCount]
    audit: AuditHead
    storage: str
    files: list[FileEntry]
    # Files the database names but storage could not give back when the backup
    # was made (missing, or bytes not matching their SHA-256). Not in ``files``.
    problems: list[str] = field(default_factory=list)
    format: str = FORMAT

    @property
    def latest_migrations(self) -> dict[str, str]:
        latest: dict[str, str] = {}
        for app, name in self.migrations:  # in the order they were applied
            latest[app] = name
        return latest

    @property
    def total_rows(self) -> int:
        return sum(count.rows for count in self.tables.values())

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["migrations"] = [f"{app}.{name}" for app, name in self.migrations]
        data["latest_migrations"] = self.latest_migrations
        data["total_rows"] = self.total_rows
        ordered = {"format": self.format, **{k: v for k, v in data.items() if k != "format"}}
        return json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"


def manifest_write(folder: Path, manifest: Manifest) -> None:
    """Write the manifest last and atomically: a folder without one is incomplete."""
    tmp = folder / (MANIFEST + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(manifest.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(folder / MANIFEST)


def manifest_read(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a directory.")
    if not path.is_file():
        raise BackupError(f"{path} is missing: the backup is incomplete or this is not one.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise BackupError(f"{path}: unknown format {data.get('format')!r}, expected {FORMAT}.")
        manifest = Manifest(
            format=data["format"],
            created_at=str(data["created_at"]),
            vendor=str(data["vendor"]),
            django=str(data["django"]),
            database=DatabaseEntry(**data["database"]),
            migrations=[_migration(item) for item in data["migrations"]],
            tables={str(t): TableCount(**count) for t, count in data["tables"].items()},
            audit=AuditHead(**data["audit"]),
            storage=str(data["storage"]),
            files=[FileEntry(**entry) for entry in data["files"]],
            problems=[str(p) for p in data.get("problems", [])],
        )
    except BackupError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{path} is malformed: {exc!r}.") from exc
    if manifest.vendor not in DATABASE_FILES:
        raise BackupError(f"{path}: unknown database vendor {manifest.vendor!r}.")
    if manifest.database.file != DATABASE_FILES[manifest.vendor]:
        raise BackupError(f"{path}: unexpected database file {manifest.database.file!r}.")
    for entry in manifest.files:
        safe_name(entry.name)
    return manifest


def _migration(item: object) -> tuple[str, str]:
    app, _, name = str(item).partition(".")
    if not app or not name:
        raise ValueError(f"migration {item!r} is not app.name")
    return app, name


def safe_name(name: str) -> PurePosixPath:
    """A storage name as a relative path that cannot leave the folder it is joined to."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in {"", ".", ".."} for part in name.split("/"))
    ):
        raise BackupError(f"Refused the file name {name!r}: it could leave the backup folder.")
    return path


def file_path(folder: Path, name: str) -> Path:
    """Where a stored file's bytes live inside a backup folder."""
    return folder / FILES_DIR / Path(*safe_name(name).parts)
