from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify


class Command(BaseCommand):
    help = "Verify the audit hash chain; name the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        broken = chain_verify()
        if broken is not None:
            raise CommandError(f"Audit chain broken at event {broken.event_id}: {broken.reason}")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events.")
