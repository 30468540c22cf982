"""Every write of the approval workflow. Keyword-only, one transaction, one audit event each.

Transitions: start a round, decide a visa (agree, agree with remarks, not agree),
sign, recall. A decision claims its visa with a conditional UPDATE that must
change one row, under a lock on the round's row, so concurrent last visas move
the draft on exactly once. Notifications are written in the same transaction.

Modules: ``rounds`` (start, recall, the plan of stages), ``decisions`` (visas),
``signing``, ``reminders`` (reminders, overdue notices, escalation) and
``common`` (private helpers they share).
"""

from bering.approvals.services.decisions import OUTCOMES, visa_decide
from bering.approvals.services.reminders import SweepResult, visas_remind
from bering.approvals.services.rounds import (
    DEFAULT_SIGN_DAYS,
    DEFAULT_STAGE_DAYS,
    DEFAULT_TOTAL_DAYS,
    MAX_REASON,
    StagePlan,
    Terms,
    approval_recall,
    approval_start,
    last_round_refusers,
    regulation_terms,
)
from bering.approvals.services.signing import approval_sign, approval_sign_qualified

__all__ = [
    "DEFAULT_SIGN_DAYS",
    "DEFAULT_STAGE_DAYS",
    "DEFAULT_TOTAL_DAYS",
    "MAX_REASON",
    "OUTCOMES",
    "StagePlan",
    "SweepResult",
    "Terms",
    "approval_recall",
    "approval_sign",
    "approval_sign_qualified",
    "approval_start",
    "last_round_refusers",
    "regulation_terms",
    "visa_decide",
    "visas_remind",
]
