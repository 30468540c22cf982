"""Forget stored answers of idempotent API calls older than --days (default 30)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bering.api.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete Idempotency-Key answers older than --days (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(1, options["days"])
        deleted = idempotency_keys_purge(older_than=dt.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {days} days.")
