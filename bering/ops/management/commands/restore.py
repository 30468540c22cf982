from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.ops.manifest import BackupError
from bering.ops.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database and storage, then check row "
        "counts, the audit chain and every file's SHA-256. Refuses a database that holds data."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("src", type=Path, help="a folder written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content of a database and storage that hold data (it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(src=options["src"], force=options["force"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines:
            self.stdout.write(line)
        for warning in report.warnings:
            self.stdout.write(f"Warning: {warning}")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"Mismatch: {problem}")
            raise CommandError(
                f"The restored data does not match the backup: "
                f"{len(report.problems)} problems (listed above)."
            )
        self.stdout.write("Restore complete: every check passed.")
