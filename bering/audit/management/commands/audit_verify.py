from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.audit.selectors import Checkpoint, chain_checkpoint, chain_verify, checkpoint_check


class Command(BaseCommand):
    help = (
        "Verify the audit hash chain; name the first broken event. Prints a checkpoint "
        "(event count and last hash) to keep elsewhere; --checkpoint N:HASH checks that "
        "the chain still contains such a checkpoint (no tail truncated, not replaced)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="N:HASH",
            help="a checkpoint printed earlier (repeatable): event No. N must have HASH",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            wanted = [Checkpoint.parse(text) for text in options["checkpoint"]]
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        broken = chain_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.event_id}: {broken.reason}")
        for checkpoint in wanted:
            if (problem := checkpoint_check(checkpoint)) is not None:
                raise CommandError(f"Audit chain fails checkpoint {checkpoint}: {problem}")
        now = chain_checkpoint()
        self.stdout.write(f"Audit chain intact: {now.events} events.")
        for checkpoint in wanted:
            self.stdout.write(f"Contains checkpoint {checkpoint.events}:{checkpoint.last_hash}.")
        self.stdout.write(f"checkpoint: {now.events} {now.last_hash}")
