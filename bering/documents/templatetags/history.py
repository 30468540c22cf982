"""How events of a document's history read on its card."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Verbs are written by many apps; their labels live here, where history is shown.
VERB_LABELS = {
    "document.created": _("draft created"),
    "document.registered": _("registered"),
    "document.file_added": _("file added"),
    "document.access_granted": _("access granted"),
    "document.sent": _("sent to addressees"),
    "approval.started": _("sent for approval"),
    "approval.agreed": _("agreed"),
    "approval.agreed_remarks": _("agreed with remarks"),
    "approval.returned": _("not agreed, returned for rework"),
    "approval.recalled": _("recalled from approval"),
    "approval.signed": _("signed"),
    "approval.escalated": _("overdue visa escalated"),
    "resolution.drafted": _("draft resolution prepared"),
    "resolution.issued": _("resolution issued"),
    "resolution.edited": _("resolution edited and confirmed"),
    "resolution.returned": _("draft resolution returned"),
    "assignment.reported": _("assignment reported"),
    "assignment.reply_drafted": _("reply draft prepared"),
    "assignment.reminder_sent": _("reminder sent"),
    "assignment.overdue_sent": _("overdue notice sent"),
    "assignment.escalation_sent": _("overdue assignment escalated"),
    "report.accepted": _("report accepted, control closed"),
    "report.returned": _("report returned"),
    "report.collected": _("co-executor's report collected"),
    "extension.requested": _("extension requested"),
    "extension.granted": _("extension granted"),
    "extension.refused": _("extension refused"),
    "delivery.registered": _("registered by the addressee"),
    "delivery.refused": _("refused by the addressee"),
    "delivery.withdrawn": _("withdrawn by the sender"),
}


@register.filter
def verb_label(verb: str) -> str:
    return str(VERB_LABELS.get(verb, verb))
