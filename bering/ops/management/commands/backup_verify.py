from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.ops.manifest import BackupError
from bering.ops.services import backup_verify


class Command(BaseCommand):
    help = "Check a backup folder against its manifest, without restoring anything."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("src", type=Path, help="a folder written by `manage.py backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_verify(src=options["src"])
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
                f"The backup does not match its manifest: {len(report.problems)} "
                "problems (listed above)."
            )
        self.stdout.write("The backup matches its manifest.")
