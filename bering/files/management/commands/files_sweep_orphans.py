"""The sweep: delete stored bytes that no file refers to (see ``bering.files.orphans``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.files import orphans


class Command(BaseCommand):
    help = "Delete bytes in storage that no stored file refers to (one folder per run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="every folder, not this run's")
        parser.add_argument("--dry-run", action="store_true", help="list, do not delete")

    def handle(self, *args: Any, **options: Any) -> None:
        result = orphans.orphans_sweep(
            folders=orphans.SHARDS if options["all"] else None, dry_run=options["dry_run"]
        )
        if options["verbosity"] > 0:
            verb = "would delete" if options["dry_run"] else "deleted"
            self.stdout.write(
                f"{result.looked_at} file(s) looked at in {len(result.folders)} folder(s), "
                f"{verb} {len(result.deleted)}"
            )
            if options["verbosity"] > 1:
                for name in result.deleted:
                    self.stdout.write(f"  {name}")
