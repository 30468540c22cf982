"""Fill the search entries of files whose text came before their part (run by the sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bering.documents.indexing import files_text_catch_up


class Command(BaseCommand):
    help = "Index the text of files that was extracted before their document's entry existed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = files_text_catch_up()
        if options["verbosity"]:
            self.stdout.write(f"filled: {count}")
