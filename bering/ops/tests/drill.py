"""A scratch installation for restore drills: an empty database and storage of its own.

SQLite: a new data directory (the database file does not exist yet). PostgreSQL: a
database made with createdb and dropped with dropdb afterwards. Commands run in it
through ``manage.py`` in a subprocess, exactly as an administrator would run them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def _count(table: str) -> str:
    return f'SELECT COUNT(*) FROM "{table}"'  # noqa: S608  (names from the catalog)


@dataclass
class Scratch:
    env: dict[str, str]
    media: Path
    vendor: str
    database: str  # SQLite: the file; PostgreSQL: the URL

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def counts(self) -> dict[str, int]:
        """Rows per table, read without Django or the code under test."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.database)
            try:
                tables = [
                    name
                    for (name,) in db.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {t: db.execute(_count(t)).fetchone()[0] for t in tables}
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.database) as db:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            return {t: db.execute(_count(t)).fetchone()[0] for t in tables}

    def sha256(self, name: str) -> str | None:
        path = self.media / name
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def source_counts() -> dict[str, int]:
    """Rows per table of the test database, through Django's connection."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(_count(table))
            counts[table] = cursor.fetchone()[0]
    return counts


def scratch(tmp_path: Path) -> Iterator[Scratch]:
    env = {
        **os.environ,
        "BERING_DATA_DIR": str(tmp_path / "scratch-data"),
        "BERING_MEDIA_ROOT": str(tmp_path / "scratch-media"),
        "BERING_STORAGE": "local",
        "BERING_TASKS": "immediate",
        "BERING_CACHE_URL": "locmem://",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    media = tmp_path / "scratch-media"
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        yield Scratch(env, media, "sqlite", str(tmp_path / "scratch-data" / "bering.sqlite3"))
        return
    settings = connection.settings_dict
    name = f"bering_ops_drill_{uuid.uuid4().hex[:12]}"
    tool = [
        f"--host={settings['HOST'] or '127.0.0.1'}",
        f"--port={settings['PORT'] or 5432}",
        f"--username={settings['USER']}",
    ]
    tool_env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    subprocess.run(["createdb", *tool, name], env=tool_env, check=True)
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    env["DATABASE_URL"] = url
    try:
        yield Scratch(env, media, "postgresql", url)
    finally:
        subprocess.run(["dropdb", *tool, "--if-exists", "--force", name], env=tool_env, check=False)
