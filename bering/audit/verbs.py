"""Every event name of the audit log, with its label for a person reading history.

``AuditVerb`` is the one list: ``audit.services.record`` refuses a verb not in
it, and history pages show its labels. Call sites may pass the plain string
("document.registered"): a ``TextChoices`` member equals its value, so
``record(verb="document.registered")`` and ``record(verb=AuditVerb.DOCUMENT_REGISTERED)``
are the same. The test ``test_verbs.py`` walks the source and fails on a literal
verb that is not listed here.

Adding a verb: add a member here (value, English msgid label), its Russian to the
translations, and a migration of ``AuditEvent.verb``'s choices
(``makemigrations audit``). A verb whose service is written by another change
(e.g. ``user.password_failed``, ``api_token.revoked``, ``delivery.withdrawn``) is
added here by whoever merges that change, in the same commit as its first use.
A verb is never renamed or removed: events already in the chain keep their value
(their hash covers it).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditVerb(models.TextChoices):
    # The audit log itself (root chain)
    AUDIT_CHAIN_OPENED = "audit.chain_opened", _("audit chain of an organization opened")
    AUDIT_CHECKPOINT = "audit.checkpoint", _("audit checkpoint taken")
    # Documents and their exchange between organizations
    DOCUMENT_CREATED = "document.created", _("draft created")
    DOCUMENT_REGISTERED = "document.registered", _("registered")
    DOCUMENT_FILE_ADDED = "document.file_added", _("file added")
    DOCUMENT_ACCESS_GRANTED = "document.access_granted", _("access granted")
    DOCUMENT_SENT = "document.sent", _("sent to addressees")
    DISPATCH_SENT = "dispatch.sent", _("dispatched to the addressee")
    DELIVERY_REGISTERED = "delivery.registered", _("registered by the addressee")
    DELIVERY_REFUSED = "delivery.refused", _("refused by the addressee")
    DELIVERY_WITHDRAWN = "delivery.withdrawn", _("withdrawn by the sender")
    MEDO_EXPORTED = "medo.exported", _("exported as a МЭДО container")
    MEDO_RECEIVED = "medo.received", _("МЭДО container received")
    MEDO_ANSWER_RECEIVED = "medo.answer_received", _("МЭДО notification or receipt received")
    MEDO_REGISTERED = "medo.registered", _("received МЭДО document registered")
    MEDO_REFUSED = "medo.refused", _("received МЭДО document refused")
    MEDO_PROGRESS_NOTIFIED = "medo.progress_notified", _("МЭДО progress notice made")
    JOURNAL_CREATED = "journal.created", _("registration journal created")
    # Approval
    APPROVAL_STARTED = "approval.started", _("sent for approval")
    APPROVAL_AGREED = "approval.agreed", _("agreed")
    APPROVAL_AGREED_REMARKS = "approval.agreed_remarks", _("agreed with remarks")
    APPROVAL_RETURNED = "approval.returned", _("not agreed, returned for rework")
    APPROVAL_RECALLED = "approval.recalled", _("recalled from approval")
    APPROVAL_SIGNED = "approval.signed", _("signed")
    APPROVAL_ESCALATED = "approval.escalated", _("overdue visa escalated")
    ROUTE_CREATED = "route.created", _("approval route created")
    ROUTE_CHANGED = "route.changed", _("approval route changed")
    ROUTE_ACTIVATED = "route.activated", _("approval route activated")
    ROUTE_DEACTIVATED = "route.deactivated", _("approval route deactivated")
    ROUTE_STAGE_ADDED = "route.stage_added", _("route stage added")
    ROUTE_STAGE_CHANGED = "route.stage_changed", _("route stage changed")
    ROUTE_STAGE_MOVED = "route.stage_moved", _("route stage moved")
    ROUTE_STAGE_REMOVED = "route.stage_removed", _("route stage removed")
    ROUTE_PARTICIPANT_ADDED = "route.participant_added", _("route participant added")
    ROUTE_PARTICIPANT_REMOVED = "route.participant_removed", _("route participant removed")
    # Resolutions, assignments, reports, extensions
    RESOLUTION_DRAFTED = "resolution.drafted", _("draft resolution prepared")
    RESOLUTION_ISSUED = "resolution.issued", _("resolution issued")
    RESOLUTION_EDITED = "resolution.edited", _("resolution edited and confirmed")
    RESOLUTION_RETURNED = "resolution.returned", _("draft resolution returned")
    ASSIGNMENT_REPORTED = "assignment.reported", _("assignment reported")
    ASSIGNMENT_REPLY_DRAFTED = "assignment.reply_drafted", _("reply draft prepared")
    ASSIGNMENT_REMINDER_SENT = "assignment.reminder_sent", _("reminder sent")
    ASSIGNMENT_OVERDUE_SENT = "assignment.overdue_sent", _("overdue notice sent")
    ASSIGNMENT_ESCALATION_SENT = "assignment.escalation_sent", _("overdue assignment escalated")
    REPORT_ACCEPTED = "report.accepted", _("report accepted, control closed")
    REPORT_RETURNED = "report.returned", _("report returned")
    REPORT_COLLECTED = "report.collected", _("co-executor's report collected")
    EXTENSION_REQUESTED = "extension.requested", _("extension requested")
    EXTENSION_GRANTED = "extension.granted", _("extension granted")
    EXTENSION_REFUSED = "extension.refused", _("extension refused")
    # Citizens' appeals
    APPEAL_RECEIVED = "appeal.received", _("appeal received")
    APPEAL_REGISTERED = "appeal.registered", _("appeal registered")
    APPEAL_REDIRECTED = "appeal.redirected", _("appeal redirected")
    APPEAL_EXTENDED = "appeal.extended", _("appeal's answer term extended")
    APPEAL_ANSWERED = "appeal.answered", _("appeal answered")
    APPEAL_NO_ANSWER = "appeal.no_answer", _("appeal closed without an answer")
    APPEAL_SUPPLEMENTED = "appeal.supplemented", _("appeal supplemented by the citizen")
    APPEAL_WITHDRAWN = "appeal.withdrawn", _("appeal withdrawn by the citizen")
    APPEAL_LINK_RENEWED = "appeal.link_renewed", _("appeal's link renewed")
    APPEAL_REGISTRATION_REMINDER_SENT = (
        "appeal.registration_reminder_sent",
        _("reminder to register the appeal sent"),
    )
    APPEAL_REGISTRATION_OVERDUE_SENT = (
        "appeal.registration_overdue_sent",
        _("notice of an overdue appeal registration sent"),
    )
    APPEAL_ANSWER_REMINDER_SENT = "appeal.answer_reminder_sent", _("reminder to answer sent")
    APPEAL_ANSWER_OVERDUE_SENT = "appeal.answer_overdue_sent", _("notice of an overdue answer sent")
    APPEAL_ANSWER_ESCALATION_SENT = (
        "appeal.answer_escalation_sent",
        _("overdue answer escalated"),
    )
    CITIZEN_CREATED = "citizen.created", _("citizen's account created")
    CITIZEN_SIGNED_IN = "citizen.signed_in", _("citizen signed in")
    CITIZEN_LOGIN_CODE_SENT = "citizen.login_code_sent", _("sign-in code sent to the citizen")
    CITIZEN_TOKEN_ISSUED = "citizen.token_issued", _("citizen's access token issued")
    CITIZEN_PROFILE_UPDATED = "citizen.profile_updated", _("citizen's profile updated")
    # Publication of acts on the public site
    PUBLICATION_MARKED = "publication.marked", _("publication marks set")
    PUBLICATION_PUBLISHED = "publication.published", _("published on the public site")
    PUBLICATION_UNPUBLISHED = "publication.unpublished", _("taken off the public site")
    # Organizations, posts, substitutions
    ORGANIZATION_CONNECTED = "organization.connected", _("organization connected")
    EMPLOYEE_ADDED = "employee.added", _("post added")
    EMPLOYEE_ROLES_CHANGED = "employee.roles_changed", _("roles of the post changed")
    EMPLOYEE_ENDED = "employee.ended", _("post ended")
    SUBSTITUTION_CREATED = "substitution.created", _("substitution appointed")
    SUBSTITUTION_ENDED = "substitution.ended", _("substitution ended")
    # Sign-in security
    USER_SECOND_FACTOR_ON = "user.second_factor_on", _("second factor turned on")
    USER_SECOND_FACTOR_OFF = "user.second_factor_off", _("second factor turned off")
    USER_SECOND_FACTOR_FAILED = "user.second_factor_failed", _("wrong second-factor code")
    USER_LOGIN_SECOND_FACTOR = "user.login_second_factor", _("signed in with a second factor")
    USER_PASSWORD_REENTRY_FAILED = (
        "user.password_reentry_failed",
        _("wrong password when confirming an action"),
    )
    USER_API_TOKEN_REVOKED = "user.api_token_revoked", _("API token revoked")
    USER_DEACTIVATED = "user.deactivated", _("user deactivated")
    # The working-day calendar
    CALENDAR_DAY_SET = "calendar.day_set", _("calendar day set")
    CALENDAR_YEAR_SEEDED = "calendar.year_seeded", _("calendar year filled in")
    CALENDAR_YEAR_DESCRIBED = "calendar.year_described", _("calendar year described")
    # Signature marks and the integrity of stored files
    SIGNATURE_MARKED = "signature.marked", _("signature mark drawn on the PDF copy")
    FILES_INTEGRITY_MISMATCH = (
        "files.integrity_mismatch",
        _("stored file does not match its recorded hash"),
    )
