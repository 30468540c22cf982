"""Due times and overdue marks of approval tasks, from the deadlines app.

The one place that speaks to the working-day calendar, so the workflow and the
pages share one reading of "due" and "overdue" (computed when read, never stored).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bering.deadlines.selectors import (
    deadline_in_working_days,
    overdue_label,
    overdue_working_days,
)


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    explanation: str


def due_in_working_days(*, start: dt.datetime, days: int, tz: str) -> Due:
    deadline = deadline_in_working_days(start=start, days=days, tz=tz)
    return Due(at=deadline.due_at, explanation=deadline.explanation)


@dataclass(frozen=True)
class Lateness:
    overdue: bool
    days: int
    label: str


ON_TIME = Lateness(overdue=False, days=0, label="")


def lateness(*, due_at: dt.datetime | None, done: bool, now: dt.datetime, tz: str) -> Lateness:
    """Overdue when past due and not done: "просрочено на N раб. дн." (at least 1)."""
    if done or due_at is None or due_at >= now:
        return ON_TIME
    days = max(1, overdue_working_days(due_at=due_at, now=now, tz=tz))
    label = overdue_label(due_at=due_at, now=now, tz=tz) or f"просрочено на {days} раб. дн."
    return Lateness(overdue=True, days=days, label=label)
