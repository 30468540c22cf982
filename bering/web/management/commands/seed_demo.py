"""``manage.py seed_demo``: a region that looks real, with a login for every role."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from bering.web.demo import appeals as demo_appeals
from bering.web.demo import pki, seed


class Command(BaseCommand):
    help = (
        "Create the demo region (Kamchatka): organizations, people, documents of 2026. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--documents",
            type=int,
            default=300,
            help="How many documents to write on the first run (default 300).",
        )

    def handle(self, *args: object, **options: object) -> None:
        count = options["documents"]
        assert isinstance(count, int)
        logins = seed.run(documents_count=max(count, 0), say=self.stdout.write)
        pki.ensure()  # the demo CA and the heads' keys, for a qualified signature (decision 0023)
        password = settings.BERING_DEMO_PASSWORD
        rows = [("Логин", "Пароль", "Кто", "Роль", "Организация")]
        rows += [(x.username, password, x.who, x.role, x.organization) for x in logins]
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Демо-входы:"))
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Интернет-приёмная (/reception/): ")
            + f"{demo_appeals.CITIZEN_LOGIN} (одноразовый код печатается в консоли сервера)"
        )
        self.stdout.write(
            self.style.SUCCESS("Квалифицированная подпись (демо): ")
            + "скачайте файл «для подписи», подпишите его демо-ключом — "
            + ".venv/bin/python manage.py demo_sign ФАЙЛ --login head — и загрузите ФАЙЛ.sig"
        )
