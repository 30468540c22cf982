"""Build the search index of documents again: all of them, or those not indexed yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from bering.assignments.indexing import document_reindex
from bering.documents.indexing import KIND
from bering.documents.models import Document
from bering.search.models import SearchEntry


class Command(BaseCommand):
    help = "Index documents for search (--missing: only those not indexed, as after an upgrade)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--missing", action="store_true", help="Only documents not indexed.")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = Document.objects.select_related("signer__user", "executor__user").order_by("pk")
        if options["missing"]:
            indexed = SearchEntry.objects.filter(kind=KIND).values("object_id")
            documents = documents.exclude(pk__in=indexed)
        count = 0
        for document in documents.iterator(chunk_size=500):
            with transaction.atomic():
                document_reindex(document)
            count += 1
        if options["verbosity"]:
            self.stdout.write(f"indexed: {count}")
