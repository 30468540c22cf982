"""Due times and lateness: the one vocabulary of every app that has deadlines.

``Due`` is a due moment with the sentence that explains it; ``Lateness`` is the
overdue mark of an item, computed when read and never stored; ``lateness()``
computes it over the working-day calendar.

The rule for a missing due date: **an item without a due date is never
overdue** (``ON_TIME``). A due date is a promise someone made; where none was
made (an approval stage with no term, a route step not started yet) there is
nothing to be late against, and inventing one would mark work late that nobody
asked to finish by a date. Other rules of the mark:

- done items are never overdue, whenever they were done (the history keeps
  the dates);
- an item due today is on time until the due moment (the close of business);
- an overdue item is late by the working days with business time lost since
  the due moment, a partly lost day counting as one (at least 1), and carries
  the label «просрочено на N раб. дн.».

(decision 0006, "One vocabulary of lateness")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bering.deadlines.selectors import overdue_label, overdue_working_days


@dataclass(frozen=True)
class Due:
    """A due moment and the one line that explains how it was set."""

    at: dt.datetime
    explanation: str


@dataclass(frozen=True)
class Lateness:
    """The overdue mark of an item: whether, by how many working days, and its label."""

    overdue: bool
    days: int
    label: str


ON_TIME = Lateness(overdue=False, days=0, label="")


def lateness(*, due_at: dt.datetime | None, done: bool, now: dt.datetime, tz: str) -> Lateness:
    """Overdue when past due and not done; never overdue without a due date."""
    if done or due_at is None or due_at >= now:
        return ON_TIME
    days = max(1, overdue_working_days(due_at=due_at, now=now, tz=tz))
    label = overdue_label(due_at=due_at, now=now, tz=tz)
    return Lateness(overdue=True, days=days, label=label)
