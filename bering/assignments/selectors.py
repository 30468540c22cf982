"""Reads of resolutions and assignments, scoped to what the actor may see.

An organization sees only its own resolutions; a resolution or assignment is
visible to whoever may see its document (the executors, controller and author
of a restricted document are named on it when the resolution is issued).
Overdue marks are computed here, when read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bering.assignments import permissions
from bering.assignments.models import Assignment, Extension, Report, Resolution
from bering.assignments.terms import (
    DraftDue,
    draft_due,
    executors_due,
    term_of,
)
from bering.core import clock
from bering.core.errors import NotFound
from bering.deadlines.lateness import Lateness, lateness
from bering.documents import permissions as document_permissions
from bering.documents.models import Document, Flow
from bering.orgs.actor import Actor
from bering.orgs.selectors import person_prefetch

_RELATED = ("document__organization", "document__doc_type", "resolution", "organization")


def _people() -> tuple[Prefetch[str], ...]:
    """An assignment's people, each read in a small query of its own: joined, the 13
    tables cost PostgreSQL ~12 ms to plan, as long as the list takes to run (decision
    0026)."""
    return (
        person_prefetch("executor", position=True),
        person_prefetch("resolution__author"),
        person_prefetch("resolution__controller"),
    )


def _visible_documents(actor: Actor) -> QuerySet[Document]:
    return Document.objects.filter(document_permissions.visibility_q(actor.employee))


def resolution_get_for_user(actor: Actor, resolution_id: int) -> Resolution:
    """404 if missing, of another organization, or on a document the actor cannot see."""
    resolution = (
        Resolution.objects.select_related(
            "document__organization", "author__user", "controller__user", "organization"
        )
        .filter(pk=resolution_id, organization_id=actor.organization_id)
        .first()
    )
    if resolution is None or not document_permissions.can_view(actor.employee, resolution.document):
        raise NotFound(_("Resolution not found."))
    return resolution


def assignment_get_for_user(actor: Actor, assignment_id: int) -> Assignment:
    item = (
        Assignment.objects.select_related(*_RELATED)
        .prefetch_related(*_people())
        .filter(pk=assignment_id, organization_id=actor.organization_id)
        .first()
    )
    if item is None or not document_permissions.can_view(actor.employee, item.document):
        raise NotFound(_("Assignment not found."))
    if item.resolution.document_id == item.document_id:  # always: one document, read once
        Resolution.document.field.set_cached_value(item.resolution, item.document)
    return item


def report_get_for_user(actor: Actor, report_id: int) -> Report:
    report = (
        Report.objects.select_related(
            "assignment__resolution",
            "assignment__document__organization",
            "author__user",
            "submitted_by",
        )
        .filter(pk=report_id, assignment__organization_id=actor.organization_id)
        .first()
    )
    if report is None or not document_permissions.can_view(
        actor.employee, report.assignment.document
    ):
        raise NotFound(_("Report not found."))
    return report


def extension_get_for_user(actor: Actor, extension_id: int) -> Extension:
    extension = (
        Extension.objects.select_related(
            "assignment__resolution", "assignment__document__organization", "requested_by__user"
        )
        .filter(pk=extension_id, assignment__organization_id=actor.organization_id)
        .first()
    )
    if extension is None or not document_permissions.can_view(
        actor.employee, extension.assignment.document
    ):
        raise NotFound(_("Extension request not found."))
    return extension


@dataclass
class Row:
    """An assignment as listed, with its overdue mark computed now."""

    assignment: Assignment
    late: Lateness
    pending_report: Report | None = None
    pending_extension: Extension | None = None
    actions: permissions.Actions = field(default_factory=permissions.Actions)
    """The viewer's buttons on this row (set where the page shows them)."""


def _set_actions(actor: Actor, rows: list[Row], responsible_of: dict[int, int]) -> None:
    """Each row's buttons for ``actor``; ``responsible_of`` maps a resolution to its
    responsible executor. In memory: every row's relations are already loaded."""
    for row in rows:
        item = row.assignment
        row.actions = permissions.actions_for(
            actor.employee,
            item,
            item.resolution,
            responsible_id=responsible_of.get(item.resolution_id),
            pending_report=row.pending_report,
            pending_extension=row.pending_extension,
            post=actor.post,
        )


def _rows(items: list[Assignment]) -> list[Row]:
    now = clock.now()
    rows = []
    for item in items:
        done = item.status == Assignment.Status.DONE
        mark = lateness(due_at=item.due_at, done=done, now=now, tz=item.organization.time_zone)
        pending = [r for r in item.reports.all() if r.decision == Report.Decision.PENDING]
        asked = [e for e in item.extensions.all() if e.status == Extension.Status.PENDING]
        rows.append(
            Row(
                assignment=item,
                late=mark,
                pending_report=pending[0] if pending else None,
                pending_extension=asked[0] if asked else None,
            )
        )
    return rows


def _with_related(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return qs.select_related(*_RELATED).prefetch_related(
        *_people(),
        Prefetch(
            "reports",
            queryset=Report.objects.select_related("author__user", "submitted_by", "reply"),
        ),
        "reports__files__stored",
        "extensions",
    )


def assignments_mine(actor: Actor) -> list[Row]:
    """ "Мои поручения": the actor's open assignments, soonest due first."""
    qs = Assignment.objects.filter(
        executor=actor.employee,
        status__in=(Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED),
    ).order_by("due_at", "id")
    rows = _rows(list(_with_related(qs)[:200]))
    _set_actions(actor, rows, {})  # one's own rows: nobody decides their own report
    return rows


def assignments_on_control(actor: Actor) -> list[Row]:
    """ "На контроле": open responsible assignments of resolutions the actor controls,
    and co-executors' reports awaiting the actor as responsible executor."""
    mine_responsible = Assignment.objects.filter(
        executor=actor.employee, role=Assignment.Role.RESPONSIBLE
    ).values("resolution_id")
    qs = Assignment.objects.filter(organization_id=actor.organization_id).filter(
        Q(
            resolution__controller=actor.employee,
            role=Assignment.Role.RESPONSIBLE,
            resolution__status=Resolution.Status.ACTIVE,
        )
        | Q(
            resolution_id__in=mine_responsible,
            role=Assignment.Role.CO_EXECUTOR,
            status=Assignment.Status.REPORTED,
        )
    )
    rows = _rows(list(_with_related(qs.order_by("due_at", "id"))[:200]))
    # A co-executor's row is here because the actor is the responsible executor.
    responsible_of = {
        row.assignment.resolution_id: row.assignment.executor_id
        for row in rows
        if row.assignment.role == Assignment.Role.RESPONSIBLE
    }
    for row in rows:
        if row.assignment.role == Assignment.Role.CO_EXECUTOR:
            responsible_of.setdefault(row.assignment.resolution_id, actor.employee.pk)
    _set_actions(actor, rows, responsible_of)
    return rows


def extensions_to_decide(actor: Actor) -> QuerySet[Extension]:
    return (
        Extension.objects.filter(
            status=Extension.Status.PENDING,
            assignment__resolution__author=actor.employee,
        )
        .select_related("assignment__document", "requested_by__user")
        .order_by("created_at")
    )


def reports_to_accept(actor: Actor) -> QuerySet[Report]:
    """Pending reports of responsible executors on resolutions the actor controls: the
    head's part of the reports (a co-executor's report goes to the responsible executor,
    not to the head). Never the actor's own (``permissions.is_own_report``, re-checked
    when deciding)."""
    return (
        Report.objects.filter(
            decision=Report.Decision.PENDING,
            assignment__role=Assignment.Role.RESPONSIBLE,
            assignment__resolution__controller=actor.employee,
            assignment__organization_id=actor.organization_id,
        )
        .exclude(author__user_id=actor.employee.user_id)
        .exclude(submitted_by__user_id=actor.employee.user_id)
        .select_related(
            "assignment__document__doc_type",
            "assignment__document__organization",
            "assignment__executor__user",
            "author__user",
        )
        .order_by("created_at", "id")
    )


def drafts_for_head(actor: Actor) -> QuerySet[Resolution]:
    """Draft resolutions prepared for the actor to confirm."""
    return (
        Resolution.objects.filter(author=actor.employee, status=Resolution.Status.DRAFT)
        .select_related("document__doc_type", "prepared_by__user", "controller__user")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("executor__user")),
            "document__files__stored",
        )
        .order_by("created_at", "id")
    )


def draft_due_of(resolution: Resolution, now: dt.datetime | None = None) -> DraftDue:
    """The due date a draft gets if its head confirms it ``now`` (and a day later),
    by the function the confirmation itself uses."""
    return draft_due(
        term=term_of(resolution),
        now=now or clock.now(),
        tz=resolution.organization.time_zone,
    )


def _show_draft_due(rows: list[Row], due: DraftDue, now: dt.datetime) -> None:
    """A draft's pending rows show the due times confirming now would give (in memory)."""
    if due.today is None:
        return
    responsible, co = executors_due(due.today, now=now, tz=due.tz)
    for row in rows:
        person = responsible if row.assignment.role == Assignment.Role.RESPONSIBLE else co
        row.assignment.due_at = person.at
        row.assignment.due_explanation = person.explanation[:500]
        row.late = lateness(due_at=person.at, done=False, now=now, tz=due.tz)


@dataclass
class DraftRow:
    """A draft on the head's screen, with the due date it gets if confirmed now."""

    resolution: Resolution
    due: DraftDue


def drafts_for_head_due(actor: Actor) -> list[DraftRow]:
    """The head's drafts, each with the date confirming it now would set."""
    now = clock.now()
    return [
        DraftRow(resolution=r, due=draft_due_of(r, now))
        for r in drafts_for_head(actor).select_related("organization")
    ]


def awaiting_resolution(actor: Actor) -> QuerySet[Document]:
    """Registered incoming and internal documents of the organization with no
    resolution yet (a draft, an active or a closed one)."""
    has_resolution = Resolution.objects.filter(
        document_id=OuterRef("pk"),
        parent__isnull=True,
        status__in=(
            Resolution.Status.DRAFT,
            Resolution.Status.ACTIVE,
            Resolution.Status.CLOSED,
        ),
    )
    return (
        _visible_documents(actor)
        .filter(status=Document.Status.REGISTERED, flow__in=(Flow.INCOMING, Flow.INTERNAL))
        .filter(~Exists(has_resolution))
        .select_related("doc_type")
        .prefetch_related("files__stored")
        .order_by("-registered_at", "-id")
    )


@dataclass
class Node:
    """A resolution in the document's tree, with its assignments and sub-resolutions."""

    resolution: Resolution
    rows: list[Row]
    children: list[Node] = field(default_factory=list)
    draft: DraftDue | None = None
    """For a draft: the due date it gets if confirmed now (its stored one is stale)."""

    @property
    def responsible_id(self) -> int | None:
        for row in self.rows:
            if row.assignment.role == Assignment.Role.RESPONSIBLE:
                return row.assignment.executor_id
        return None


def resolution_tree(actor: Actor, document: Document) -> list[Node]:
    """The resolutions of a document (already got through its getter), as a tree."""
    resolutions = list(
        Resolution.objects.filter(document=document, organization_id=actor.organization_id)
        .select_related("author__user", "controller__user", "prepared_by__user", "organization")
        .order_by("created_at", "id")
    )
    now = clock.now()
    items = _rows(
        list(_with_related(Assignment.objects.filter(document=document)).order_by("-role", "id"))
    )
    by_resolution: dict[int, list[Row]] = {}
    for row in items:
        by_resolution.setdefault(row.assignment.resolution_id, []).append(row)
    _set_actions(
        actor,
        items,
        {
            row.assignment.resolution_id: row.assignment.executor_id
            for row in items
            if row.assignment.role == Assignment.Role.RESPONSIBLE
        },
    )
    nodes = {
        r.pk: Node(
            resolution=r,
            rows=by_resolution.get(r.pk, []),
            draft=draft_due_of(r, now) if r.status == Resolution.Status.DRAFT else None,
        )
        for r in resolutions
    }
    for node in nodes.values():
        if node.draft is not None:
            _show_draft_due(node.rows, node.draft, now)
    assignment_to_resolution = {row.assignment.pk: row.assignment.resolution_id for row in items}
    roots = []
    for resolution in resolutions:
        node = nodes[resolution.pk]
        parent_resolution = (
            assignment_to_resolution.get(resolution.parent_id) if resolution.parent_id else None
        )
        if parent_resolution is not None and parent_resolution in nodes:
            nodes[parent_resolution].children.append(node)
        else:
            roots.append(node)
    return roots
