"""Forget the tablets' sync cursors older than --days (default 14): their tablets sync in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.desk.sync import cursors_purge


class Command(BaseCommand):
    help = "Delete the tablets' sync cursors older than --days (default 14)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(1, options["days"])
        deleted = cursors_purge(older_than=dt.timedelta(days=days))
        if options["verbosity"] > 0:
            self.stdout.write(f"Deleted {deleted} sync cursors older than {days} days.")
