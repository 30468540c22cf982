"""Send due reminders, overdue notices and escalations of assignments, once each."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bering.assignments.reminders import assignments_remind


class Command(BaseCommand):
    help = "Remind executors before the due time, tell when overdue, escalate to the author."

    def handle(self, *args: Any, **options: Any) -> None:
        result = assignments_remind()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"reminded {result.reminded}, overdue {result.overdue}, "
                f"escalated {result.escalated}"
            )
