"""How each kind of deadline is counted: basis and, for calendar days, the roll rule.

Internal control terms (assignments, answers to citizens' appeals) that end on a
non-working day are due on the previous working day, as records-management
instructions customarily require: the answer must not be late. Terms set by or
for outside parties follow the Civil Code, art. 193: the next working day.
Approval and signing terms are in working days, so no roll applies. To be checked
against the region's instruction on records management; see decision 0006."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from bering.core.errors import ValidationFailed
from bering.deadlines.models import Basis, Roll


@dataclass(frozen=True)
class KindRule:
    basis: Basis
    roll: Roll


KIND_RULES: dict[str, KindRule] = {
    "approval": KindRule(Basis.WORKING, Roll.NEXT),
    "signing": KindRule(Basis.WORKING, Roll.NEXT),
    "assignment": KindRule(Basis.CALENDAR, Roll.PREVIOUS),
    "appeal": KindRule(Basis.CALENDAR, Roll.PREVIOUS),
    "request": KindRule(Basis.CALENDAR, Roll.NEXT),
}


def rule_for(kind: str) -> KindRule:
    try:
        return KIND_RULES[kind]
    except KeyError:
        raise ValidationFailed(
            _("Unknown kind of deadline: %(kind)s") % {"kind": kind}, field="kind"
        ) from None
