"""Every write on resolutions and assignments. Keyword-only, one transaction, audited.

Each state change is claimed with a conditional UPDATE (or under a row lock), so
two taps of the same button, or two people at once, change the state once.
Events are recorded on the document (object_type "document"), so the
document's history tells its execution; notifications go out in the same
transaction.
"""

from bering.assignments.services.extensions import extension_decide, extension_request
from bering.assignments.services.reports import (
    ReplyDraft,
    reply_draft_create,
    report_accept,
    report_return,
    report_submit,
    report_with_reply,
)
from bering.assignments.services.resolutions import (
    TEXT_MAX,
    ResolutionSpec,
    resolution_cascade,
    resolution_confirm,
    resolution_draft,
    resolution_issue,
    resolution_return,
)

__all__ = [
    "TEXT_MAX",
    "ReplyDraft",
    "ResolutionSpec",
    "extension_decide",
    "extension_request",
    "reply_draft_create",
    "report_accept",
    "report_return",
    "report_submit",
    "report_with_reply",
    "resolution_cascade",
    "resolution_confirm",
    "resolution_draft",
    "resolution_issue",
    "resolution_return",
]
