"""The terms of 59-ФЗ in calendar days, each with its one-line explanation.

Registration within 3 days of receipt (art. 8 p. 2), redirection by competence
within 7 days of registration (art. 8 p. 3), the answer within 30 days of
registration (art. 12 p. 1), one extension by up to 30 days (art. 12 p. 2).
A term ending on a non-working day moves to the previous working day (the
"appeal" rule of ``deadlines.rules``): the citizen is never answered late.
"""

from __future__ import annotations

import datetime as dt

from bering.deadlines.arithmetic import Deadline
from bering.deadlines.selectors import deadline_for_kind

REGISTRATION_DAYS = 3
REDIRECT_DAYS = 7
ANSWER_DAYS = 30
EXTENSION_MAX_DAYS = 30


def registration_due(*, received_at: dt.datetime, tz: str) -> Deadline:
    return deadline_for_kind(kind="appeal", start=received_at, days=REGISTRATION_DAYS, tz=tz)


def redirect_due(*, registered_at: dt.datetime, tz: str) -> Deadline:
    return deadline_for_kind(kind="appeal", start=registered_at, days=REDIRECT_DAYS, tz=tz)


def answer_due(*, registered_at: dt.datetime, tz: str) -> Deadline:
    return deadline_for_kind(kind="appeal", start=registered_at, days=ANSWER_DAYS, tz=tz)


def extended_due(*, answer_due_at: dt.datetime, days: int, tz: str) -> Deadline:
    """The new answer term: ``days`` calendar days after the old one."""
    return deadline_for_kind(kind="appeal", start=answer_due_at, days=days, tz=tz)
