"""Send the reminders, overdue notices and escalations of citizens' appeals, once each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bering.appeals.reminders import appeals_remind


class Command(BaseCommand):
    help = "Remind registrars and executors of the terms of appeals; escalate to the head."

    def handle(self, *args: Any, **options: Any) -> None:
        result = appeals_remind()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"reminded {result.reminded}, overdue {result.overdue}, "
                f"escalated {result.escalated}"
            )
