"""How each kind of deadline is counted: basis and, for calendar days, the roll rule.

The kinds are those of the region's instruction on records management. Internal
control terms (assignments, citizens' appeals) that end on a non-working day are
due on the previous working day: the answer must be ready before the weekend
(the rule of the federal records-management rules, Government decree No. 477 of
15.06.2009, and of the instructions on citizens' appeals). Terms set for or by
outside parties follow the Civil Code, art. 193: the next working day. Approval
and signing terms are in working days, so no roll applies. See decision 0006.
"""

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
