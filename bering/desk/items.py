"""«Ждут моего решения»: what waits for the head's decision, in one list.

Visas and signatures (approvals), draft resolutions to confirm, extension
requests and executors' reports to accept (assignments), most urgent first.
Each app's selector decides what is the actor's; this module only merges and
pages them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from bering.approvals import selectors as approvals
from bering.approvals.models import Visa
from bering.assignments import selectors as assignments
from bering.assignments.models import Extension, Report, Resolution
from bering.core import clock
from bering.documents.models import Document
from bering.orgs.actor import Actor

PAGE = 20
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Item:
    kind: str
    """``visa``, ``sign``, ``resolution``, ``extension`` or ``report``."""
    obj: Visa | Resolution | Extension | Report
    """What is decided: its id with ``kind`` is the item's key."""
    label: str
    document: Document
    url: str
    due_at: dt.datetime | None
    note: str
    """How the due time was counted, or what deciding now gives."""
    overdue: str
    waiting_since: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}"


def desk_items(actor: Actor) -> list[Item]:
    """Everything waiting for the actor's decision, the nearest due time first
    (undated items after the dated ones, the longest waiting first)."""
    now = clock.now()
    items: list[Item] = []
    for row in approvals.inbox(actor):
        visa = row.visa
        sign = visa.kind == Visa.Kind.SIGN
        items.append(
            Item(
                kind="sign" if sign else "visa",
                obj=visa,
                label=_("To sign") if sign else _("Visa"),
                document=row.document,
                url=reverse("approvals:visa", args=[visa.pk]),
                due_at=visa.due_at,
                note=visa.due_explanation,
                overdue=row.late.label if row.late.overdue else "",
                waiting_since=visa.activated_at or visa.run.started_at,
            )
        )
    for draft in assignments.drafts_for_head_due(actor):
        resolution = draft.resolution
        items.append(
            Item(
                kind="resolution",
                obj=resolution,
                label=_("Draft resolution"),
                document=resolution.document,
                url=reverse("assignments:head") + f"#resolution-{resolution.pk}",
                due_at=None,
                note=draft.due.sentence,
                overdue="",
                waiting_since=resolution.created_at,
            )
        )
    for extension in assignments.extensions_to_decide(actor):
        document = extension.assignment.document
        items.append(
            Item(
                kind="extension",
                obj=extension,
                label=_("Extension request"),
                document=document,
                url=reverse("assignments:document", args=[document.pk]),
                due_at=extension.old_due_at,
                note=extension.reason,
                overdue=_("the term has passed") if extension.old_due_at < now else "",
                waiting_since=extension.created_at,
            )
        )
    for report in assignments.reports_to_accept(actor):
        assignment = report.assignment
        items.append(
            Item(
                kind="report",
                obj=report,
                label=_("Report to accept"),
                document=assignment.document,
                url=reverse("assignments:document", args=[assignment.document_id]),
                due_at=assignment.due_at,
                note=report.text,
                overdue="",
                waiting_since=report.created_at,
            )
        )
    items.sort(key=lambda i: (i.due_at or _FAR, i.waiting_since))
    return items


@dataclass(frozen=True)
class DeskPage:
    items: list[Item]
    number: int
    total: int

    @property
    def next_number(self) -> int | None:
        return self.number + 1 if self.number * PAGE < self.total else None


def desk_page(actor: Actor, number: int) -> DeskPage:
    items = desk_items(actor)
    number = max(1, number)
    start = (number - 1) * PAGE
    return DeskPage(items=items[start : start + PAGE], number=number, total=len(items))


def desk_count(actor: Actor) -> int:
    """For the menu badge, in one query: the three queues' ids, counted together."""
    visas = approvals.inbox_visas(actor).values_list("pk")
    drafts = assignments.drafts_for_head(actor).order_by().values_list("pk")
    extensions = assignments.extensions_to_decide(actor).order_by().values_list("pk")
    reports = assignments.reports_to_accept(actor).order_by().values_list("pk")
    return visas.order_by().union(drafts, extensions, reports, all=True).count()
