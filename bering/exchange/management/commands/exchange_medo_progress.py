"""Make the МЭДО notices «executor assigned» and «answered» that are due (run by the sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bering.exchange.services_medo_answer import medo_progress_sweep


class Command(BaseCommand):
    help = "Make the МЭДО progress notices for received documents that moved on."

    def handle(self, *args: Any, **options: Any) -> None:
        made = medo_progress_sweep()
        if options["verbosity"]:
            self.stdout.write(f"notices: {made}")
