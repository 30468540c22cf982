"""The sweep: draw the signature marks a lost task left undone, or whose office file's PDF
rendition was not ready when the task ran. A bounded batch per run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.signatures import marking


class Command(BaseCommand):
    help = "Make the marked PDF copies of qualified signatures still missing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=marking.BATCH, help=f"marks per run ({marking.BATCH})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = marking.marks_make_pending(limit=options["limit"])
        if options["verbosity"] > 0:
            self.stdout.write(f"{count} signature mark(s) made")
