"""Reminders before the due time, overdue notices and escalations to the head.

Safe to run twice at once: every notice of every visa is claimed with a
conditional UPDATE. Run it from the periodic sweep (``manage.py sweep``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from bering.approvals.services import visas_remind
from bering.core import clock


class Command(BaseCommand):
    help = "Send approval reminders, overdue notices and escalations once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remind-before-hours",
            type=int,
            default=getattr(settings, "BERING_APPROVAL_REMIND_BEFORE_HOURS", 4),
        )
        parser.add_argument(
            "--escalate-after-days",
            type=int,
            default=getattr(settings, "BERING_APPROVAL_ESCALATE_AFTER_DAYS", 1),
            help="Working days overdue before the approver's head is told.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = visas_remind(
            now=clock.now(),
            remind_before=dt.timedelta(hours=options["remind_before_hours"]),
            escalate_after_days=max(1, options["escalate_after_days"]),
        )
        if options["verbosity"] > 1 or result.reminded or result.overdue or result.escalated:
            self.stdout.write(
                f"reminded {len(result.reminded)}, overdue {len(result.overdue)}, "
                f"escalated {len(result.escalated)}"
            )
