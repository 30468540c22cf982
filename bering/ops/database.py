"""The database half of a backup: a consistent copy, the figures read from that copy,
and the way back.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the live
file page by page in one read transaction, so the server may keep running; the
figures are then read from the copy itself. PostgreSQL: a REPEATABLE READ
transaction exports its snapshot, ``pg_dump --snapshot`` dumps exactly that
snapshot, and the figures are read in the same transaction. Either way the
manifest describes precisely the rows in the dump.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

from bering.audit.models import ROOT_CHAIN, AuditChainHead, AuditEvent
from bering.audit.verbs import AuditVerb
from bering.documents.models import DocumentFile
from bering.files.models import StoredFile
from bering.ops.manifest import AuditHead, BackupError
from bering.signatures.models import Signature

Query = Callable[[str], list[tuple[Any, ...]]]

# Tables that `migrate` itself fills: a freshly migrated database has rows only
# here, and still counts as empty. A new data migration adds its model here (the
# test `test_a_freshly_migrated_database_counts_as_empty` says so).
MIGRATION_FILLED_MODELS = (
    "contenttypes.ContentType",
    "auth.Permission",
    "audit.AuditChainHead",  # the root genesis head; events live in audit.AuditEvent
    "approvals.Regulation",
    "deadlines.CalendarYear",
    "deadlines.CalendarDay",
    "documents.DocumentType",
    "appeals.Topic",
    "publication.PublicationRule",
)

FTS_SHADOW_TABLES = tuple(
    f"search_fts_{part}" for part in ("config", "data", "idx", "docsize", "content")
)
"""SQLite FTS5 keeps its bookkeeping in these tables from the moment it is created; the
index's own rows are counted through the virtual table ``search_fts`` itself."""


@dataclass(frozen=True)
class StoredRow:
    id: int
    storage_name: str
    sha256: str
    size: int
    preview_name: str
    rendition_name: str = ""
    page_images: tuple[str, ...] = ()
    marked: tuple[str, ...] = ()

    def derived(self) -> list[tuple[str, str]]:
        """(name, role) of the files made from the original: the preview, the PDF copy,
        the page images, the copies with a signature mark (``Signature.marked_name``).
        Their bytes are in a backup like the original's."""
        named = [(self.preview_name, "preview"), (self.rendition_name, "rendition")]
        named += [(name, "page") for name in self.page_images]
        named += [(name, "marked") for name in self.marked]
        found: dict[str, str] = {}
        for name, role in named:
            if name and name != self.storage_name:
                found.setdefault(name, role)
        return list(found.items())


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, int]
    migrations: list[tuple[str, str]]
    audit: AuditHead
    stored_files: list[StoredRow]


def quote(name: str) -> str:
    """An SQL identifier, quoted the same way for SQLite and PostgreSQL."""
    return '"' + name.replace('"', '""') + '"'


def select(what: str, table: str, tail: str = "") -> str:
    """A SELECT of fixed columns from a quoted table (names from the catalog or models)."""
    return f"SELECT {what} FROM {quote(table)} {tail}".rstrip()  # noqa: S608


def table_models() -> dict[str, str]:
    """Each table of an installed model (many-to-many tables included) and its label."""
    return {
        model._meta.db_table: model._meta.label
        for model in apps.get_models(include_auto_created=True)
    }


def connection() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


# --- Figures ------------------------------------------------------------------------


def snapshot_read(query: Query, tables: Iterable[str]) -> Snapshot:
    """Row counts, migrations, the audit head and the stored files, by plain SQL."""
    counts = {table: int(query(select("COUNT(*)", table))[0][0]) for table in tables}
    required = {
        MigrationRecorder.Migration._meta.db_table,
        AuditChainHead._meta.db_table,
        AuditEvent._meta.db_table,
        StoredFile._meta.db_table,
    }
    if missing := sorted(required - counts.keys()):
        raise BackupError(f"The database is not migrated: tables {', '.join(missing)} are missing.")
    migrations = [
        (str(app), str(name))
        for app, name in query(
            select("app, name", MigrationRecorder.Migration._meta.db_table, "ORDER BY id")
        )
    ]
    head_rows = query(
        select(
            "last_event_id, last_hash",
            AuditChainHead._meta.db_table,
            f"WHERE id = {ROOT_CHAIN}",
        )
    )
    head_id, head_hash = head_rows[0] if head_rows else (None, None)
    # The newest checkpoint of the root chain (the backup takes one just before).
    checkpoint_rows = query(
        select(
            "seq, hash",
            AuditEvent._meta.db_table,
            f"WHERE chain = {ROOT_CHAIN} AND verb = '{AuditVerb.AUDIT_CHECKPOINT.value}' "
            "ORDER BY seq DESC LIMIT 1",
        )
    )
    audit = AuditHead(
        events=counts[AuditEvent._meta.db_table],
        head_event_id=None if head_id is None else int(head_id),
        head_hash=None if head_hash is None else str(head_hash),
        checkpoint=(
            f"{int(checkpoint_rows[0][0])}:{checkpoint_rows[0][1]}" if checkpoint_rows else ""
        ),
    )
    marked = _marked_names(query, counts.keys())
    files = [
        StoredRow(
            int(pk),
            str(name),
            str(sha),
            int(size),
            str(preview or ""),
            str(rendition or ""),
            _names(pages),
            marked.get(int(pk), ()),
        )
        for pk, name, sha, size, preview, rendition, pages in query(
            select(
                "id, storage_name, sha256, size, preview_name, rendition_name, page_images",
                StoredFile._meta.db_table,
                "ORDER BY id",
            )
        )
    ]
    return Snapshot(tables=counts, migrations=migrations, audit=audit, stored_files=files)


def _marked_names(query: Query, tables: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """The signature-marked copies of each stored file, by the stored file's id."""
    signatures, links = Signature._meta.db_table, DocumentFile._meta.db_table
    if not {signatures, links} <= set(tables):
        return {}
    found: dict[int, list[str]] = {}
    for stored_id, name in query(
        f"SELECT l.stored_id, s.marked_name FROM {quote(signatures)} s "  # noqa: S608
        f"JOIN {quote(links)} l ON l.id = s.document_file_id "
        "WHERE s.marked_name <> '' ORDER BY s.id"
    ):
        found.setdefault(int(stored_id), []).append(str(name))
    return {pk: tuple(names) for pk, names in found.items()}


def _names(value: object) -> tuple[str, ...]:
    """The page images' names from their JSON column, read as text or as a list."""
    if isinstance(value, str | bytes):
        value = json.loads(value or "[]")
    return tuple(str(name) for name in value) if isinstance(value, list) else ()


def _cursor_query(cursor: Any) -> Query:
    def query(sql: str) -> list[tuple[Any, ...]]:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]

    return query


def live_counts(tables: Iterable[str]) -> dict[str, int | None]:
    """Row counts in the configured database; None for a table that is not there."""
    conn = connection()
    existing = set(conn.introspection.table_names())
    counts: dict[str, int | None] = {}
    with conn.cursor() as cursor:
        for table in tables:
            if table not in existing:
                counts[table] = None
                continue
            cursor.execute(select("COUNT(*)", table))
            counts[table] = int(cursor.fetchone()[0])
    return counts


def tables_holding_data() -> list[str]:
    """Tables of the configured database with rows that `migrate` did not put there."""
    conn = connection()
    filled = {MigrationRecorder.Migration._meta.db_table} | {
        apps.get_model(label)._meta.db_table for label in MIGRATION_FILLED_MODELS
    }
    busy: list[str] = []
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            if table in filled or table.startswith(FTS_SHADOW_TABLES):
                continue
            cursor.execute(select("1", table, "LIMIT 1"))
            if cursor.fetchone() is not None:
                busy.append(table)
    return busy


def existing_tables() -> list[str]:
    return sorted(connection().introspection.table_names())


# --- SQLite -------------------------------------------------------------------------


def _sqlite_path() -> Path:
    name = str(connection().settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"The SQLite database {name!r} is not a file; nothing to back up.")
    return Path(name)


def _sqlite_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def sqlite_dump(target: Path) -> Snapshot:
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"The SQLite database {source_path} does not exist.")
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent read
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        copy.commit()
    finally:
        copy.close()
        source.close()
    return sqlite_read(target)


def sqlite_read(path: Path) -> Snapshot:
    db = _sqlite_readonly(path)
    try:
        query = _cursor_query(db.cursor())
        tables = [
            str(name)
            for (name,) in query(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )
        ]
        return snapshot_read(query, tables)
    finally:
        db.close()


def sqlite_check(path: Path) -> str:
    """SQLite's own structural check of a copy: "ok" or the first problems."""
    db = _sqlite_readonly(path)
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        db.close()
    return "; ".join(str(row[0]) for row in rows[:5])


def sqlite_restore(archive: Path) -> None:
    """Replace the configured database's content with the copy, page by page."""
    target_path = _sqlite_path()
    connection().close()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = _sqlite_readonly(archive)
    target = sqlite3.connect(target_path, timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def sqlite_prepare_target() -> None:
    """The folder of a new SQLite file must exist before Django can open it."""
    _sqlite_path().parent.mkdir(parents=True, exist_ok=True)


# --- PostgreSQL ---------------------------------------------------------------------

_PG_OPTION_ENV = {
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def pg_tool_args(settings_dict: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore, from DATABASES.

    The password travels in PGPASSWORD, never on the command line, and
    ``--no-password`` makes a missing one an error instead of a prompt.
    """
    args = ["--no-password"]
    env: dict[str, str] = {}
    for key, flag in (("HOST", "--host"), ("PORT", "--port"), ("USER", "--username")):
        if settings_dict.get(key):
            args.append(f"{flag}={settings_dict[key]}")
    if settings_dict.get("NAME"):
        args.append(f"--dbname={settings_dict['NAME']}")
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in _PG_OPTION_ENV.items():
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _run(command: list[str], env: Mapping[str, str]) -> None:
    try:
        result = subprocess.run(  # noqa: S603  (fixed program, arguments from settings)
            command,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed: {exc}.") from exc
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-10:])
        raise BackupError(f"{command[0]} failed (exit code {result.returncode}):\n{tail}")


def pg_dump(target: Path) -> Snapshot:
    # A connection of its own: the caller's may be inside a transaction already.
    wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
    args, env = pg_tool_args(wrapper.settings_dict)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = str(cursor.fetchone()[0])
            _run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                env,
            )
            tables = wrapper.introspection.table_names(cursor)
            snapshot = snapshot_read(_cursor_query(cursor), tables)
            cursor.execute("COMMIT")
    finally:
        wrapper.close()
    return snapshot


def pg_check(archive: Path) -> None:
    """The archive's table of contents is readable (pg_restore --list)."""
    _run(["pg_restore", "--list", f"--file={os.devnull}", str(archive)], {})


def pg_restore(archive: Path) -> None:
    """Drop the dump's objects if present and create them again, in one transaction."""
    conn = connection()
    args, env = pg_tool_args(conn.settings_dict)
    conn.close()
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            str(archive),
        ],
        env,
    )
