"""The periodic sweep: every housekeeping job, each safe to run twice at once.

`make run` runs it every five minutes beside the task worker; in production run
it from cron or a systemd timer. Each job claims its work with conditional
UPDATEs, so two sweeps never do the same thing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

JOBS: list[str] = [
    "approvals_remind",  # visa and signing reminders, overdue notices, escalation
    "assignments_remind",  # the same for assignments
    "appeals_remind",  # the legal terms of citizens' appeals: registration, the answer
    "publication_publish_due",  # acts of the types published automatically (also serve.sh)
    "files_process_pending",  # text and previews a lost task left pending
    "search_catch_up",  # file text extracted before its document's search entry existed
    "files_sweep_orphans",  # bytes of rolled-back uploads, one folder of 256 per run
    "signatures_mark_pending",  # signature marks a lost task or a late PDF copy left undone
    "files_verify_integrity",  # hash a slice of signed and registered files again
    "exchange_medo_progress",  # МЭДО notices back: executor assigned, answered
    "api_purge_idempotency_keys",  # idempotency keys older than 30 days
    "desk_purge_cursors",  # the tablets' sync cursors older than 14 days
    "reports_rollup",  # facts of what became final, for region-wide reports (before warm)
    "reports_warm",  # the region dashboard's figures, ready before anyone asks
]


class Command(BaseCommand):
    help = "Run the periodic housekeeping jobs once."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in JOBS:
            call_command(name, verbosity=options["verbosity"])
