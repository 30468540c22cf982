"""The sweep: make text and previews that a lost task or a dead worker left pending.

Run it from cron or a systemd timer beside the task worker; it claims each file
with the same conditional UPDATE as the task, so it never doubles the work.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.files import processing


class Command(BaseCommand):
    help = "Process stored files whose text or preview is still pending."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=100, help="files per run (100)")

    def handle(self, *args: Any, **options: Any) -> None:
        count = processing.process_pending(limit=options["limit"])
        if options["verbosity"] > 0:
            self.stdout.write(f"{count} file(s) looked at")
