"""Publish the acts of the types published automatically (run by the sweep and serve.sh)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bering.publication.services import publication_publish_due


class Command(BaseCommand):
    help = "Publish registered, signed acts of the types published automatically."

    def handle(self, *args: Any, **options: Any) -> None:
        published = publication_publish_due()
        if options["verbosity"] > 0:
            self.stdout.write(f"published: {published}")
