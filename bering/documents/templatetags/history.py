"""How events of a document's history read on its card."""

from __future__ import annotations

from django import template

from bering.audit.verbs import AuditVerb

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    """The verb's label from the one enumeration of audit verbs (``AuditVerb``)."""
    return str(AuditVerb(verb).label) if verb in AuditVerb.values else verb
