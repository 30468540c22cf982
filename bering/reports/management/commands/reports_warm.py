"""Recompute the region dashboard's figures so the governor's office never waits."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from bering.reports import cache


class Command(BaseCommand):
    help = "Recompute the region dashboard's default figures into the cache (run by sweep)."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.monotonic()
        cache.warm()
        if options["verbosity"] > 1:
            self.stdout.write(f"region figures computed in {time.monotonic() - start:.1f} s")
