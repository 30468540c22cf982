"""The sweep: hash the next slice of signed and registered files again (integrity.py).

A full pass ends within ``BERING_INTEGRITY_PASS_DAYS`` days with the sweep every
``BERING_SWEEP_MINUTES`` minutes; a mismatch is reported once (audit, region admins)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.files import integrity


class Command(BaseCommand):
    help = "Check the SHA-256 of the next slice of signed and registered files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="days for a full pass")

    def handle(self, *args: Any, **options: Any) -> None:
        result = integrity.integrity_run(days=options["days"])
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{len(result.checked)} file(s) checked, {len(result.mismatched)} mismatch(es), "
                f"{len(result.reported)} reported"
                + (", pass finished" if result.pass_finished else "")
                + (" (another run had the slice)" if result.skipped else "")
            )
