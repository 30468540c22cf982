from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.ops.manifest import BackupError
from bering.ops.services import backup_create


class Command(BaseCommand):
    help = (
        "Write a backup folder: the database (SQLite online backup or pg_dump), the bytes "
        "of every stored file, and a manifest. Safe while the server runs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dest", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        dest: Path = options["dest"]
        try:
            manifest = backup_create(dest=dest)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        size = sum(entry.size for entry in manifest.files) + manifest.database.size
        head = manifest.audit.head_event_id
        self.stdout.write(
            f"Backup written to {dest}: {manifest.vendor} database "
            f"({len(manifest.tables)} tables, {manifest.total_rows} rows), "
            f"{len(manifest.files)} files, {size / 1024 / 1024:.1f} MB in all, "
            f"audit head event {head if head is not None else 'none'}."
        )
        if manifest.audit.checkpoint:
            # Keep this line elsewhere too: `audit_verify --checkpoint` checks it later.
            self.stdout.write(f"Audit checkpoint: {manifest.audit.checkpoint}")
        if manifest.problems:
            for problem in manifest.problems:
                self.stderr.write(f"Not backed up: {problem}")
            raise CommandError(
                f"{len(manifest.problems)} files could not be backed up intact (listed above "
                "and in the manifest); the rest of the backup is complete."
            )
