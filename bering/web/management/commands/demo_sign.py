"""``manage.py demo_sign FILE --login head``: a detached signature with a demo key.

What a head's signature tool (КриптоПро, КриптоАРМ) does on his computer, for the demo
only: the file downloaded «для подписи» in, ``FILE.sig`` out, to upload on the signing page.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bering.web.demo import pki


class Command(BaseCommand):
    help = "Sign a file with a demo head's key (demo only): writes FILE.sig."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--login", default="head", choices=pki.SIGNERS)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: object, **options: object) -> None:
        source = options["file"]
        assert isinstance(source, Path)
        if not source.is_file():
            raise CommandError(f"Нет файла {source}")
        login = str(options["login"])
        pki.ensure()
        try:
            signature = pki.sign(login, source.read_bytes())
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        output = options["output"] or source.with_name(source.name + ".sig")
        assert isinstance(output, Path)
        output.write_bytes(signature)
        self.stdout.write(f"Подпись {login}: {output}")
