"""Every write on appeals: keyword-only, one transaction, an audit event each.

Modules: ``common`` (shared pieces), ``citizen``, ``registration``, ``consideration``.

A citizen's actions (send, supplement, withdraw) are recorded with no staff
actor and the organization of the appeal; the audit data names the citizen by
id only. Staff actions reuse the ordinary services: registration is
``document_register_incoming``, the answer is an ordinary outgoing document
approved, signed and registered the usual way, then sent here.
"""

from bering.appeals.services.citizen import (
    appeal_send,
    appeal_supplement,
    appeal_withdraw,
    citizen_profile_update,
    tracking_link_renew,
)
from bering.appeals.services.common import (
    APPEALS_JOURNAL,
    APPEALS_TEMPLATE,
    CitizenData,
    Sent,
    reception_organization,
    tracking_url,
)
from bering.appeals.services.consideration import (
    appeal_answer_send,
    appeal_close_without_answer,
    appeal_extend,
    appeal_redirect,
)
from bering.appeals.services.registration import (
    appeal_register,
    appeal_register_paper,
    appeal_title,
    appeals_journal,
    citizen_create_by_clerk,
)

__all__ = [
    "APPEALS_JOURNAL",
    "APPEALS_TEMPLATE",
    "CitizenData",
    "Sent",
    "appeal_answer_send",
    "appeal_close_without_answer",
    "appeal_extend",
    "appeal_redirect",
    "appeal_register",
    "appeal_register_paper",
    "appeal_send",
    "appeal_supplement",
    "appeal_title",
    "appeal_withdraw",
    "appeals_journal",
    "citizen_create_by_clerk",
    "citizen_profile_update",
    "reception_organization",
    "tracking_link_renew",
    "tracking_url",
]
