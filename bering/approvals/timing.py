"""Due times of approval tasks, from the deadlines app.

The due moment and the overdue mark are the deadlines app's one vocabulary
(``bering.deadlines.lateness``): the workflow and the pages share one reading of
"due" and "overdue" (computed when read, never stored).
"""

from __future__ import annotations

import datetime as dt

from bering.deadlines.lateness import Due
from bering.deadlines.selectors import deadline_in_working_days


def due_in_working_days(*, start: dt.datetime, days: int, tz: str) -> Due:
    deadline = deadline_in_working_days(start=start, days=days, tz=tz)
    return Due(at=deadline.due_at, explanation=deadline.explanation)
