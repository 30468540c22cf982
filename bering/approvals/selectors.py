"""Reads of approval, scoped to what the actor may see. Overdue is computed here, when read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bering.approvals import permissions, textdiff
from bering.approvals.models import (
    ApprovalRun,
    Removal,
    RouteParticipant,
    RouteStage,
    RouteTemplate,
    Stage,
    Visa,
)
from bering.approvals.route_templates import EDIT_DENIED, MAX_ID, TEMPLATE_NOT_FOUND
from bering.approvals.services import StagePlan, last_round_refusers, regulation_terms
from bering.core import clock
from bering.core.errors import Forbidden, NotFound
from bering.deadlines.lateness import Lateness, lateness
from bering.documents import permissions as document_permissions
from bering.documents.models import Document, DocumentFile, DocumentType
from bering.documents.selectors import document_get_for_user
from bering.orgs.actor import Actor
from bering.orgs.models import Department, Employee, Position
from bering.orgs.selectors import person_prefetch
from bering.signatures.models import Signature
from bering.signatures.selectors import signatures_for_files


def _tz(document: Document) -> str:
    return document.organization.time_zone


# --- the getter -----------------------------------------------------------------------


def visa_get_for_user(actor: Actor, visa_id: int) -> Visa:
    """The one getter of a visa: 404 unless the actor may see its document."""
    visa = (
        Visa.objects.select_related(
            "run__document__organization", "run__document__doc_type", "stage"
        )
        # The people and the remark apart: joined, the 15 tables cost PostgreSQL ~12 ms to
        # plan for a 0.4 ms read (decision 0026). Empty ones (a pending visa's decider
        # and remark) cost no query.
        .prefetch_related(
            person_prefetch("approver", position=True),
            person_prefetch("run__document__author"),
            person_prefetch("run__document__signer"),
            "decided_by_user",
            "remark_file",
        )
        .filter(pk=visa_id)
        .first()
    )
    if visa is None or not document_permissions.can_view(actor.employee, visa.run.document):
        raise NotFound(_("Approval task not found."))
    return visa


# --- rows with their lateness -----------------------------------------------------------


@dataclass(frozen=True)
class VisaRow:
    visa: Visa
    late: Lateness

    @property
    def document(self) -> Document:
        return self.visa.run.document


def visa_row(visa: Visa, now: dt.datetime | None = None) -> VisaRow:
    moment = now or clock.now()
    late = lateness(
        due_at=visa.due_at,
        done=visa.status != Visa.Status.PENDING,
        now=moment,
        tz=_tz(visa.run.document),
    )
    return VisaRow(visa=visa, late=late)


def inbox(actor: Actor) -> list[VisaRow]:
    """ "На согласование": the actor's tasks to decide (the absent one's, for a substitute)."""
    now = clock.now()
    visas = (
        Visa.objects.filter(
            approver=actor.employee,
            status=Visa.Status.PENDING,
            run__status=ApprovalRun.Status.ACTIVE,
        )
        .select_related(
            "run__document__organization",
            "run__document__doc_type",
            "run__document__author__user",
            "stage",
        )
        .order_by("due_at", "pk")
    )
    return [visa_row(v, now) for v in visas]


def inbox_visas(actor: Actor) -> QuerySet[Visa]:
    """The actor's visas waiting for a decision, unordered and unjoined (for counts)."""
    return Visa.objects.filter(
        approver=actor.employee, status=Visa.Status.PENDING, run__status=ApprovalRun.Status.ACTIVE
    )


# --- route of a document ----------------------------------------------------------------


@dataclass
class StageView:
    stage: Stage
    visas: list[VisaRow]
    late: Lateness


@dataclass
class RunView:
    run: ApprovalRun
    stages: list[StageView]
    late: Lateness
    removals: list[Removal] = field(default_factory=list)

    @property
    def holders(self) -> list[VisaRow]:
        """Who has the draft now: the pending tasks, with since when and how late."""
        return [r for s in self.stages for r in s.visas if r.visa.status == Visa.Status.PENDING]


@dataclass
class RouteView:
    document: Document
    runs: list[RunView] = field(default_factory=list)

    @property
    def current(self) -> RunView | None:
        return self.runs[-1] if self.runs else None

    def stages_of(self, run_id: int) -> list[StageView]:
        return next((r.stages for r in self.runs if r.run.pk == run_id), [])

    @property
    def active(self) -> RunView | None:
        current = self.current
        if current is not None and current.run.status == ApprovalRun.Status.ACTIVE:
            return current
        return None


def document_route(actor: Actor, document_id: int) -> RouteView:
    """Every round of a document with its stages and visas; 404 if the document is invisible."""
    document = document_get_for_user(actor, document_id)
    return route_of(document)


def route_of(document: Document) -> RouteView:
    now = clock.now()
    tz = _tz(document)
    runs = list(
        ApprovalRun.objects.filter(document=document)
        .select_related("started_by__user")
        .order_by("round")
    )
    visas = (
        Visa.objects.filter(run__document=document)
        .select_related(
            "approver__user",
            "approver__position",
            "decided_by_user",
            "decided_in_post__user",
            "remark_file",
        )
        .order_by("stage__order", "order", "pk")
    )
    by_stage: dict[int, list[VisaRow]] = {}
    for visa in visas:
        visa.run = next(r for r in runs if r.pk == visa.run_id)
        visa.run.document = document
        by_stage.setdefault(visa.stage_id, []).append(visa_row(visa, now))
    stages = Stage.objects.filter(run__document=document).order_by("run__round", "order")
    removals: dict[int, list[Removal]] = {}
    for removal in Removal.objects.filter(run__document=document).select_related("approver__user"):
        removals.setdefault(removal.run_id, []).append(removal)
    route = RouteView(document=document)
    for run in runs:
        views = [
            StageView(
                stage=s,
                visas=by_stage.get(s.pk, []),
                late=lateness(
                    due_at=s.due_at, done=s.status != Stage.Status.ACTIVE, now=now, tz=tz
                ),
            )
            for s in stages
            if s.run_id == run.pk
        ]
        run_late = lateness(
            due_at=run.due_at, done=run.status != ApprovalRun.Status.ACTIVE, now=now, tz=tz
        )
        route.runs.append(
            RunView(run=run, stages=views, late=run_late, removals=removals.get(run.pk, []))
        )
    return route


# --- what changed since the approver's last visa ------------------------------------------


@dataclass
class FileChange:
    name: str
    slot: int
    old_version: int | None
    new_version: int
    diff: textdiff.TextDiff | None
    """The change in words; None when there is no text to compare."""
    text_available: bool


def visa_changes(visa: Visa) -> tuple[ApprovalRun | None, list[FileChange]]:
    """Files changed since this approver's last decided visa on the same document."""
    previous = (
        Visa.objects.filter(
            approver_id=visa.approver_id,
            run__document_id=visa.run.document_id,
            run__round__lt=visa.run.round,
            status__in=Visa.DECIDED,
        )
        .select_related("run")
        .order_by("-run__round")
        .first()
    )
    if previous is None:
        return None, []
    return previous.run, files_changed(previous.run.file_ids, visa.run.file_ids)


def files_changed(old_ids: Iterable[int], new_ids: Iterable[int]) -> list[FileChange]:
    old = {
        f.slot: f
        for f in DocumentFile.objects.filter(pk__in=list(old_ids)).select_related("stored")
    }
    changes = []
    for item in DocumentFile.objects.filter(pk__in=list(new_ids)).select_related("stored"):
        before = old.get(item.slot)
        if before is not None and before.pk == item.pk:
            continue
        old_text = before.stored.text if before is not None else ""
        new_text = item.stored.text
        text_available = bool(new_text) and (before is None or bool(old_text))
        diff = textdiff.compare(old_text, new_text) if text_available else None
        changes.append(
            FileChange(
                name=item.stored.original_name,
                slot=item.slot,
                old_version=before.version if before else None,
                new_version=item.version,
                diff=diff,
                text_available=text_available,
            )
        )
    return sorted(changes, key=lambda c: c.slot)


def run_files(run: ApprovalRun) -> list[DocumentFile]:
    return list(
        DocumentFile.objects.filter(pk__in=run.file_ids).select_related("stored").order_by("slot")
    )


def run_signatures(run: ApprovalRun) -> list[Signature]:
    return list(signatures_for_files(run.file_ids))


# --- route templates and plans -----------------------------------------------------------


def route_templates_for(actor: Actor, *, doc_type_id: int | None = None) -> QuerySet[RouteTemplate]:
    qs = RouteTemplate.objects.filter(organization_id=actor.organization_id, is_active=True)
    if doc_type_id is not None:
        qs = qs.filter(Q(doc_type_id=doc_type_id) | Q(doc_type__isnull=True))
    return qs.select_related("doc_type").prefetch_related("stages__participants").order_by("name")


def route_template_get(actor: Actor, template_id: int) -> RouteTemplate:
    template = route_templates_for(actor).filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("Route template not found."))
    return template


# --- keeping route templates --------------------------------------------------------------


def route_templates_kept(actor: Actor) -> QuerySet[RouteTemplate]:
    """Every route template of the actor's organization, inactive ones too, with their
    stages in order and each stage's participants."""
    participants = RouteParticipant.objects.select_related(
        "employee__user", "employee__position", "position", "department"
    ).order_by("order", "pk")
    stages = RouteStage.objects.order_by("order", "pk").prefetch_related(
        Prefetch("participants", queryset=participants)
    )
    return (
        RouteTemplate.objects.filter(organization_id=actor.organization_id)
        .select_related("doc_type")
        .prefetch_related(Prefetch("stages", queryset=stages))
        .order_by("name", "pk")
    )


def route_template_get_for_user(
    actor: Actor, template_id: int, *, for_write: bool = False
) -> RouteTemplate:
    """The one getter of a route template to keep: 404 unless it is the actor's
    organization's; 403 to change it without the right (``permissions.can_edit_routes``)."""
    template = (
        route_templates_kept(actor).filter(pk=template_id).first()
        if 0 < template_id <= MAX_ID
        else None
    )
    if template is None:
        raise NotFound(TEMPLATE_NOT_FOUND)
    if for_write and not permissions.can_edit_routes(actor.employee, template.organization_id):
        raise Forbidden(EDIT_DENIED)
    return template


def may_edit_routes(actor: Actor) -> bool:
    return permissions.can_edit_routes(actor.employee, actor.organization_id)


@dataclass(frozen=True)
class RouteChoices:
    """What a participant or a template may name: the actor's organization's own."""

    employees: list[Employee]
    positions: list[Position]
    departments: list[Department]
    doc_types: list[DocumentType]


def route_choices(actor: Actor) -> RouteChoices:
    org = actor.organization_id
    return RouteChoices(
        employees=list(
            Employee.objects.filter(organization_id=org, is_active=True)
            .select_related("user", "position")
            .order_by("user__last_name", "user__first_name", "pk")
        ),
        positions=list(Position.objects.filter(organization_id=org).order_by("name", "pk")),
        departments=list(Department.objects.filter(organization_id=org).order_by("name", "pk")),
        doc_types=route_doc_types(),
    )


def route_doc_types() -> list[DocumentType]:
    return list(DocumentType.objects.filter(is_active=True).order_by("name", "pk"))


def participants_people(
    participants: Iterable[RouteParticipant], organization_id: int
) -> dict[int, list[Employee]]:
    """Who each participant means today (a position's holders, a department's head...):
    one query for the organization's active staff, whatever the number of participants."""
    wanted = list(participants)
    if not wanted:
        return {}
    staff = list(
        Employee.objects.filter(organization_id=organization_id, is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    heads = [e for e in staff if e.is_head]
    top = [e for e in heads if e.department_id is None] or heads
    found: dict[int, list[Employee]] = {}
    for participant in wanted:
        kind = participant.kind
        if kind == RouteParticipant.Kind.EMPLOYEE:
            people = [e for e in staff if e.pk == participant.employee_id]
        elif kind == RouteParticipant.Kind.POSITION:
            people = [e for e in staff if e.position_id == participant.position_id]
        elif kind == RouteParticipant.Kind.DEPARTMENT_HEAD:
            people = [e for e in heads if e.department_id == participant.department_id]
        else:
            people = top
        found[participant.pk] = people
    return found


def route_plan(template: RouteTemplate | None, document: Document) -> list[StagePlan]:
    """The stages of a template with real people, without the author and the signer."""
    if template is None:
        return []
    skip = {document.author_id, document.signer_id}
    stages = list(template.stages.order_by("order", "pk").prefetch_related("participants"))
    everyone = [p for stage in stages for p in stage.participants.all()]
    resolved = participants_people(everyone, document.organization_id)
    plan = []
    for stage in stages:
        people: list[int] = []
        for participant in sorted(stage.participants.all(), key=lambda p: (p.order, p.pk)):
            for person in resolved[participant.pk]:
                if person.pk not in skip and person.pk not in people:
                    people.append(person.pk)
        plan.append(
            StagePlan(name=stage.name, approver_ids=tuple(people), mode=stage.mode, days=stage.days)
        )
    return plan


def previous_plan(document: Document) -> list[StagePlan] | None:
    """The next round starts from the last round's route: its approval stages with the
    same names, modes, days and people (the signer's stage is added by the service).
    None when the draft has no round yet."""
    last = ApprovalRun.objects.filter(document=document).order_by("-round").first()
    if last is None:
        return None
    visas = list(
        Visa.objects.filter(run=last, kind=Visa.Kind.VISA).order_by("stage__order", "order", "pk")
    )
    plan = []
    for stage in last.stages.filter(is_signing=False).order_by("order"):
        people = tuple(dict.fromkeys(v.approver_id for v in visas if v.stage_id == stage.pk))
        plan.append(
            StagePlan(name=stage.name, approver_ids=people, mode=stage.mode, days=stage.days)
        )
    return plan


def previous_refusers(document: Document) -> list[int]:
    """Who did not agree in the last round: removing them from the next needs a reason."""
    return last_round_refusers(document.pk)


def signing_without_approval(document: Document) -> bool:
    return regulation_terms(document.doc_type_id).signing_without_approval


def plan_edit(plan: list[StagePlan], *, remove: set[int], add: Iterable[int]) -> list[StagePlan]:
    """The author's changes before the start: approvers removed, and added to the last stage."""
    edited = [
        StagePlan(
            name=s.name,
            approver_ids=tuple(pk for pk in s.approver_ids if pk not in remove),
            mode=s.mode,
            days=s.days,
        )
        for s in plan
    ]
    present = {pk for s in edited for pk in s.approver_ids}
    extra = tuple(pk for pk in dict.fromkeys(add) if pk not in present)
    if not extra:
        return edited
    if edited:
        last = edited[-1]
        edited[-1] = StagePlan(
            name=last.name, approver_ids=last.approver_ids + extra, mode=last.mode, days=last.days
        )
    else:
        edited.append(StagePlan(name=str(_("Approval")), approver_ids=extra))
    return edited


def approvers_choices(document: Document) -> QuerySet[Employee]:
    """People of the organization who may be added as approvers."""
    return (
        Employee.objects.filter(organization_id=document.organization_id, is_active=True)
        .exclude(pk=document.author_id)
        .select_related("user", "position")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def normative_days(document: Document) -> int:
    return regulation_terms(document.doc_type_id).total_days
