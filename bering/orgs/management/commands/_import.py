"""Shared body of the import commands: read the file, import, print the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bering.orgs.actor import Actor
from bering.orgs.import_files import ImportReport

Importer = Callable[..., ImportReport]


class ImportCommand(BaseCommand):
    importer: Importer

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8, ';' or ',') or XLSX file")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor: Actor | None = None  # the system: the event log names the command
        report = type(self).importer(actor=actor, data=path.read_bytes(), name=path.name)
        if not report.ok:
            for error in report.errors:
                where = f"строка {error.row}" if error.row else "файл"
                column = f", «{error.column}»" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            raise CommandError(f"Nothing imported: {len(report.errors)} error(s).")
        self.stdout.write(self.style.SUCCESS(f"Imported {report.created} row(s)."))
