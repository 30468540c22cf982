from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.audit.checkpoints import Checkpoint
from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify, checkpoint_check
from bering.audit.services import checkpoint_record


class Command(BaseCommand):
    help = (
        "Verify the audit hash chains; name the first broken event. Then takes a checkpoint "
        "(every chain's length and last hash, recorded in the root chain) and prints it as "
        "N:HASH to keep elsewhere; --checkpoint N:HASH checks that the log still contains "
        "such a checkpoint (no tail truncated, no chain replaced)."
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
        events = AuditEvent.objects.count()
        now = checkpoint_record()
        self.stdout.write(f"Audit chain intact: {events} events.")
        for checkpoint in wanted:
            self.stdout.write(f"Contains checkpoint {checkpoint.events}:{checkpoint.last_hash}.")
        self.stdout.write(f"checkpoint: {now.events} {now.last_hash}")
