"""Keep the facts of region-wide reports up to date (run by sweep; see reports.models)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.reports import services
from bering.reports.selectors_rollup import PARTS


class Command(BaseCommand):
    help = "Add the facts of visas, assignments and signed rounds finished since the last run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="drop every fact and start from the oldest"
        )
        parser.add_argument(
            "--budget", type=float, default=120.0, help="stop after this many seconds"
        )
        parser.add_argument(
            "--part",
            action="append",
            choices=PARTS,
            help="only this part (repeatable): a first build may run parts side by side",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        if options["rebuild"]:
            services.rollup_rebuild()
        parts = tuple(options["part"] or PARTS)
        added = services.rollup_advance(budget=options["budget"], parts=parts)
        if options["verbosity"] > 1:
            self.stdout.write(f"facts added {added} in {time.monotonic() - start:.1f} s")
