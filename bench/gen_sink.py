"""Where the generator's rows go: COPY on PostgreSQL, executemany on SQLite.

Rows are plain tuples in the column order a ``Table`` names, with explicit ids
(``ids_start`` gives each table its ids above what it holds). On PostgreSQL a writer
thread streams each batch with ``COPY ... FROM STDIN`` over Django's own
connection (psycopg 3 ``cursor.copy()``), so the database works while Python
makes the next batch; batches are written in the order they are queued, parents
before children. On SQLite the rows are inserted at once with ``executemany``
(small sizes only: the tests and a quick look).

For large runs ``Indexes`` drops the secondary indexes and unique constraints of
the tables being filled and builds them again at the end, and foreign-key
triggers can be skipped (``session_replication_role = replica``; the generator
writes only ids it has made).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Model

Row = tuple[Any, ...]


@dataclass
class Table:
    """A model's table, the columns the generator writes and the rows waiting."""

    model: type[Model]
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    written: int = 0
    next_id: Callable[[], int] = field(default=lambda: 0, repr=False)
    """The next id to give, above the highest the table holds (``ids_start``)."""

    def __post_init__(self) -> None:
        have = {f.column for f in self.model._meta.concrete_fields}
        if set(self.columns) != have:
            # A column added to the model must be filled here too (or dropped from here).
            raise RuntimeError(
                f"{self.name}: the generator writes {sorted(self.columns)}, "
                f"the model has {sorted(have)}"
            )

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def add(self, row: Row) -> None:
        self.rows.append(row)


def ids_base(table: Table) -> int:
    """The first id above the highest ``table`` holds."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")
        return int(cursor.fetchone()[0]) + 1


def ids_start(table: Table, base: int | None = None, part: int = 0, parts: int = 1) -> None:
    """Give ``table`` its ids from ``base`` (default: above what it holds); a part of
    several takes every ``parts``-th id from ``base + part``, so parts never collide."""
    first = ids_base(table) if base is None else base
    table.next_id = itertools.count(first + part, parts).__next__


def backend_seconds(pid: int) -> float:
    """CPU seconds a local PostgreSQL backend has used (0 when it is not on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)  # «order» is a keyword


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class Sink:
    """Writes the tables' rows, in the order ``flush`` is called with them."""

    def __init__(self, *, skip_foreign_keys: bool = False) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.skip_foreign_keys = skip_foreign_keys and self.postgres
        self._queue: queue.Queue[tuple[str, tuple[str, ...], list[Row]] | None] = queue.Queue(
            maxsize=24
        )
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self.copy_seconds = 0.0
        self._raw: Any = None
        self._backend = 0
        self.server_seconds = 0.0
        """CPU time of the PostgreSQL backend while writing (0 where unknown)."""

    def __enter__(self) -> Sink:
        if self.postgres:
            connection.ensure_connection()
            self._raw = connection.connection  # the thread's own ``connection`` is another
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._backend = cursor.fetchone()[0]
                if not connection.in_atomic_block:
                    # Each COPY commits alone: no wait for the disk at each (a scratch fill).
                    cursor.execute("SET synchronous_commit = off")
            self.server_seconds = -backend_seconds(self._backend)
            if self.skip_foreign_keys:
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = replica")
            self._thread = threading.Thread(target=self._write, name="copy", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._backend:
            self.server_seconds += backend_seconds(self._backend)
        if self.skip_foreign_keys:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        if self._error is not None and exc[0] is None:
            raise RuntimeError("writing the rows failed") from self._error

    def flush(self, tables: Sequence[Table]) -> None:
        """Send the waiting rows of ``tables`` (parents first)."""
        for table in tables:
            if not table.rows:
                continue
            rows, table.rows = table.rows, []
            table.written += len(rows)
            if self.postgres:
                if self._error is not None:
                    raise RuntimeError("writing the rows failed") from self._error
                self._queue.put((table.name, table.columns, rows))
            else:
                self._insert(table.name, table.columns, rows)

    def _insert(self, name: str, columns: tuple[str, ...], rows: Iterable[Row]) -> None:
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {name} ({_quoted(columns)}) VALUES ({marks})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, [tuple(_sqlite_value(v) for v in row) for row in rows])

    def _write(self) -> None:
        raw = self._raw  # Django's psycopg connection: the main thread leaves it alone
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue  # drain: the main thread raises at its next flush
            name, columns, rows = item
            start = time.perf_counter()
            try:
                sql = f"COPY {name} ({_quoted(columns)}) FROM STDIN"
                with raw.cursor() as cursor, cursor.copy(sql) as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
            except BaseException as error:
                self._error = error
                print(f"COPY {name} failed: {error}", file=sys.stderr)
            self.copy_seconds += time.perf_counter() - start


class Indexes:
    """The secondary indexes and unique constraints of some tables, dropped and rebuilt.

    PostgreSQL only. Primary keys stay; foreign keys stay (they need no index).
    """

    def __init__(self, tables: Sequence[str]) -> None:
        self.tables = list(tables)
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "WHERE c.contype = 'u' AND t.relname = ANY(%s)",
                [self.tables],
            )
            self.constraints = list(cursor.fetchall())
            for table, name, _ in self.constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "  WHERE c.conindid = (quote_ident(i.schemaname) || '.' || "
                "  quote_ident(i.indexname))::regclass)",
                [self.tables],
            )
            self.indexes = list(cursor.fetchall())
            for name, _ in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def build(self, progress: Any = None, *, workers: int = 2) -> None:
        """Build what ``drop`` dropped, then ANALYZE. Outside a transaction ``workers``
        connections build at once (the GIN index of the texts, the longest, first)."""
        steps = sorted(self.indexes, key=lambda i: " gin " not in i[1]) + [
            (n, f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}') for t, n, d in self.constraints
        ]
        done = 0
        lock = threading.Lock()

        def run(sql: str) -> None:
            nonlocal done
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                cursor.execute(sql)
            with lock:
                done += 1
                if progress is not None:
                    progress.step(done, len(steps))

        errors: list[BaseException] = []

        def worker(todo: list[str]) -> None:
            try:
                while not errors:
                    with lock:
                        if not todo:
                            return
                        sql = todo.pop(0)
                    run(sql)
            except BaseException as error:
                errors.append(error)
            finally:
                connection.close()  # this thread's own connection

        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if connection.in_atomic_block or workers < 2:
            for _, sql in steps:
                run(sql)
        else:
            todo = [sql for _, sql in steps]
            threads = [threading.Thread(target=worker, args=(todo,)) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors or done != len(steps):
                raise RuntimeError(f"{len(steps) - done} indexes were not built") from (
                    errors[0] if errors else None
                )
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"ANALYZE {table}")


def reset_sequences(tables: Sequence[Table]) -> None:
    """PostgreSQL identity columns continue above the ids written (SQLite does it alone)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
