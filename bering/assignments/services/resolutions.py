"""Resolutions: drafted, issued, confirmed, returned, cascaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from bering.assignments import permissions
from bering.assignments.models import Assignment, Resolution
from bering.assignments.terms import (
    Term,
    due_for,
    due_from_decision,
    executors_due,
    term_of,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.deadlines.lateness import Due
from bering.documents import services as document_services
from bering.documents.indexing import document_index_part
from bering.documents.models import Document
from bering.notifications.services import notify
from bering.orgs.actor import Actor
from bering.orgs.models import Employee

TEXT_MAX = 4000


@dataclass
class ResolutionSpec:
    """What a resolution says: text, executors, controller, term."""

    text: str
    responsible: Employee
    term: Term
    co_executors: Sequence[Employee] = field(default_factory=list)
    controller: Employee | None = None


def _tz(document: Document) -> str:
    return document.organization.time_zone


def _check_people(document: Document, spec: ResolutionSpec, *, author: Employee) -> None:
    if not spec.text.strip():
        raise ValidationFailed(_("Enter the text of the resolution."), field="text")
    if len(spec.text) > TEXT_MAX:
        raise ValidationFailed(_("The text is too long."), field="text")
    people = [spec.responsible, *spec.co_executors]
    if spec.controller is not None:
        people.append(spec.controller)
    for person in people:
        if person.organization_id != document.organization_id or not person.is_active:
            raise ValidationFailed(_("Choose people of your organization."), field="executors")
    ids = [p.pk for p in [spec.responsible, *spec.co_executors]]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Name each executor once."), field="co_executors")
    controller = spec.controller or author
    if permissions.controls_own_assignment(
        responsible_id=spec.responsible.pk, controller_id=controller.pk
    ):
        raise ValidationFailed(
            _(
                "The responsible executor cannot control their own assignment: "
                "choose another controller."
            ),
            code="self_control",
            field="controller",
        )


def _url_document(document: Document) -> str:
    return reverse("assignments:document", args=[document.pk])


def _new_resolution(
    *,
    actor: Actor,
    document: Document,
    spec: ResolutionSpec,
    author: Employee,
    status: str,
    parent: Assignment | None,
) -> Resolution:
    now = clock.now()
    due = due_for(term=spec.term, start=now, tz=_tz(document))
    resolution = Resolution.objects.create(
        organization_id=document.organization_id,
        document=document,
        parent=parent,
        author=author,
        prepared_by=actor.employee if status == Resolution.Status.DRAFT else None,
        controller=spec.controller or author,
        text=spec.text.strip(),
        term_kind=spec.term.kind,
        term_days=spec.term.days,
        term_date=spec.term.date,
        urgency=spec.term.urgency,
        due_at=due.at,
        due_explanation=due.explanation[:500],
        status=status,
        issued_at=now if status == Resolution.Status.ACTIVE else None,
    )
    _create_assignments(resolution, spec, due, now)
    return resolution


def _create_assignments(
    resolution: Resolution, spec: ResolutionSpec, due: Due, now: dt.datetime
) -> None:
    state = (
        Assignment.Status.IN_PROGRESS
        if resolution.status == Resolution.Status.ACTIVE
        else Assignment.Status.PENDING
    )
    due, co_due = executors_due(due, now=now, tz=resolution.organization.time_zone)
    rows = [(spec.responsible, Assignment.Role.RESPONSIBLE, due)]
    rows += [(person, Assignment.Role.CO_EXECUTOR, co_due) for person in spec.co_executors]
    for person, role, person_due in rows:
        Assignment.objects.create(
            resolution=resolution,
            organization_id=resolution.organization_id,
            document_id=resolution.document_id,
            executor=person,
            role=role,
            due_at=person_due.at,
            due_explanation=person_due.explanation[:500],
            first_due_at=person_due.at,
            status=state,
        )


def _resolution_data(resolution: Resolution) -> dict[str, object]:
    return {
        "resolution": resolution.pk,
        "parent": resolution.parent_id,
        "text": resolution.text,
        "author": resolution.author_id,
        "controller": resolution.controller_id,
        "due_at": resolution.due_at,
        "due": resolution.due_explanation,
        "executors": [
            {"id": a.executor_id, "role": a.role, "due_at": a.due_at}
            for a in resolution.assignments.order_by("-role", "id")
        ],
    }


def _on_issue(actor: Actor, resolution: Resolution) -> None:
    """Open the document to everyone named, tell the executors, write the event."""
    document = resolution.document
    assignments = list(resolution.assignments.select_related("executor"))
    people = [a.executor for a in assignments] + [resolution.controller, resolution.author]
    document_services.document_grant_access(
        actor=actor, document=document, employees=people, reason="resolution"
    )
    title = _("New assignment: %(title)s") % {"title": document.title[:200]}
    url = reverse("assignments:mine")
    for item in assignments:
        notify(
            recipient_ids=[item.executor_id],
            kind="assignment_new",
            title=title,
            body=resolution.text,
            url=url,
            object_type="assignment",
            object_id=item.pk,
            dedupe_key=f"assignment-new-{item.pk}",
        )
    if resolution.controller_id != actor.employee.pk:
        notify(
            recipient_ids=[resolution.controller_id],
            kind="assignment_new",
            title=_("On your control: %(title)s") % {"title": document.title[:200]},
            body=resolution.text,
            url=reverse("assignments:control"),
            object_type="resolution",
            object_id=resolution.pk,
            dedupe_key=f"resolution-control-{resolution.pk}",
        )
    document_index_part(document, f"resolution:{resolution.pk}", resolution.text)
    record(
        actor=actor,
        verb="resolution.issued",
        object_type="document",
        object_id=document.pk,
        data=_resolution_data(resolution),
    )


def _lock_document(document: Document) -> Document:
    return Document.objects.select_for_update().select_related("organization").get(pk=document.pk)


def resolution_draft(
    *, actor: Actor, document: Document, spec: ResolutionSpec, author: Employee
) -> Resolution:
    """An assistant or registrar prepares a resolution for ``author`` (a head) to confirm."""
    if not permissions.can_prepare(actor.employee, document):
        raise Forbidden(_("A resolution is given on a registered incoming or internal document."))
    if author.organization_id != document.organization_id or not permissions.can_issue(author):
        raise ValidationFailed(_("Choose a head of your organization."), field="author")
    _check_people(document, spec, author=author)

    def work() -> Resolution:
        locked = _lock_document(document)
        resolution = _new_resolution(
            actor=actor,
            document=locked,
            spec=spec,
            author=author,
            status=Resolution.Status.DRAFT,
            parent=None,
        )
        document_services.document_grant_access(
            actor=actor, document=locked, employees=[author], reason="resolution draft"
        )
        notify(
            recipient_ids=[author.pk],
            kind="assignment_new",
            title=_("A draft resolution awaits you: %(title)s") % {"title": locked.title[:200]},
            body=resolution.text,
            url=reverse("assignments:head"),
            object_type="resolution",
            object_id=resolution.pk,
            dedupe_key=f"resolution-draft-{resolution.pk}",
        )
        record(
            actor=actor,
            verb="resolution.drafted",
            object_type="document",
            object_id=locked.pk,
            data=_resolution_data(resolution),
        )
        return resolution

    return atomic_with_retry(work)


def resolution_issue(*, actor: Actor, document: Document, spec: ResolutionSpec) -> Resolution:
    """The head gives a resolution directly; the executors get their assignments."""
    if not permissions.can_issue(actor.employee):
        raise Forbidden(_("Only a head gives resolutions."))
    if not permissions.can_prepare(actor.employee, document):
        raise Forbidden(_("A resolution is given on a registered incoming or internal document."))
    _check_people(document, spec, author=actor.employee)

    def work() -> Resolution:
        locked = _lock_document(document)
        resolution = _new_resolution(
            actor=actor,
            document=locked,
            spec=spec,
            author=actor.employee,
            status=Resolution.Status.ACTIVE,
            parent=None,
        )
        _on_issue(actor, resolution)
        return resolution

    return atomic_with_retry(work)


def resolution_confirm(
    *, actor: Actor, resolution: Resolution, spec: ResolutionSpec | None = None
) -> Resolution:
    """The head confirms a draft, as it is or edited (``spec``). One tap; once only."""
    if not permissions.can_decide_draft(actor.employee, resolution):
        if resolution.status != Resolution.Status.DRAFT:
            raise Conflict(_("This draft was already decided."))
        raise Forbidden(_("Only the head it was prepared for confirms this draft."))
    document = resolution.document
    # An unedited draft is checked as it stands: one prepared before the rule
    # (or with the head as responsible) must be edited, not confirmed.
    _check_people(document, spec or _spec_of(resolution), author=resolution.author)

    def work() -> Resolution:
        now = clock.now()
        locked = _claim_draft(resolution, now)
        current = spec or _spec_of(locked)
        due = _apply_confirmed_spec(locked, current, now)
        locked.assignments.all().delete()  # the draft's pending rows; the event keeps them
        _create_assignments(locked, current, due, now)
        _on_issue(actor, locked)
        if spec is not None:
            record(
                actor=actor,
                verb="resolution.edited",
                object_type="document",
                object_id=locked.document_id,
                data={"resolution": locked.pk},
            )
        return locked

    return atomic_with_retry(work)


def _claim_draft(resolution: Resolution, now: dt.datetime) -> Resolution:
    """Turn the draft active, once only: a second tap (or a racing one) is a conflict."""
    claimed = Resolution.objects.filter(pk=resolution.pk, status=Resolution.Status.DRAFT).update(
        status=Resolution.Status.ACTIVE, issued_at=now
    )
    if claimed != 1:
        raise Conflict(_("This draft was already decided."))
    return Resolution.objects.select_related("document__organization", "organization").get(
        pk=resolution.pk
    )


def _apply_confirmed_spec(locked: Resolution, current: ResolutionSpec, now: dt.datetime) -> Due:
    """Store what the head confirmed; return the due date, counted from the confirmation."""
    # The term counts from the head's confirmation, not from the draft: the same
    # function shows the head the date before the tap (selectors.drafts_for_head_due).
    due = due_from_decision(term=current.term, decided_at=now, tz=_tz(locked.document))
    locked.text = current.text.strip()
    locked.controller = current.controller or locked.author
    locked.term_kind = current.term.kind
    locked.term_days = current.term.days
    locked.term_date = current.term.date
    locked.urgency = current.term.urgency
    locked.due_at = due.at
    locked.due_explanation = due.explanation[:500]
    locked.save(
        update_fields=[
            "text",
            "controller",
            "term_kind",
            "term_days",
            "term_date",
            "urgency",
            "due_at",
            "due_explanation",
        ]
    )
    return due


def _spec_of(resolution: Resolution) -> ResolutionSpec:
    assignments = list(resolution.assignments.select_related("executor"))
    responsible = next(a.executor for a in assignments if a.role == Assignment.Role.RESPONSIBLE)
    return ResolutionSpec(
        text=resolution.text,
        responsible=responsible,
        co_executors=[a.executor for a in assignments if a.role == Assignment.Role.CO_EXECUTOR],
        controller=resolution.controller,
        term=term_of(resolution),
    )


def resolution_return(*, actor: Actor, resolution: Resolution, note: str) -> Resolution:
    """The head returns a draft to whoever prepared it, saying why."""
    if not permissions.can_decide_draft(actor.employee, resolution):
        if resolution.status != Resolution.Status.DRAFT:
            raise Conflict(_("This draft was already decided."))
        raise Forbidden(_("Only the head it was prepared for returns this draft."))
    note = note.strip()[:1000]

    def work() -> Resolution:
        claimed = Resolution.objects.filter(
            pk=resolution.pk, status=Resolution.Status.DRAFT
        ).update(status=Resolution.Status.RETURNED, return_note=note)
        if claimed != 1:
            raise Conflict(_("This draft was already decided."))
        locked = Resolution.objects.select_related("document").get(pk=resolution.pk)
        if locked.prepared_by_id is not None:
            notify(
                recipient_ids=[locked.prepared_by_id],
                kind="returned",
                title=_("Draft resolution returned: %(title)s")
                % {"title": locked.document.title[:200]},
                body=note,
                url=_url_document(locked.document),
                object_type="resolution",
                object_id=locked.pk,
                dedupe_key=f"resolution-returned-{locked.pk}",
            )
        record(
            actor=actor,
            verb="resolution.returned",
            object_type="document",
            object_id=locked.document_id,
            data={"resolution": locked.pk, "note": note},
        )
        return locked

    return atomic_with_retry(work)


def resolution_cascade(*, actor: Actor, assignment: Assignment, spec: ResolutionSpec) -> Resolution:
    """An executor who is a head passes the assignment on to their people."""
    if not permissions.can_cascade(actor.employee, assignment):
        raise Forbidden(_("Only a head who executes this assignment passes it on."))
    document = assignment.document
    _check_people(document, spec, author=actor.employee)

    def work() -> Resolution:
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != Assignment.Status.IN_PROGRESS:
            raise Conflict(_("This assignment is no longer in progress."))
        resolution = _new_resolution(
            actor=actor,
            document=_lock_document(document),
            spec=spec,
            author=actor.employee,
            status=Resolution.Status.ACTIVE,
            parent=locked,
        )
        if resolution.due_at > locked.due_at:
            raise ValidationFailed(
                _("The due date cannot be later than your own (%(date)s).")
                % {"date": clock.local_date(locked.due_at, _tz(document)).strftime("%d.%m.%Y")},
                field="term",
            )
        _on_issue(actor, resolution)
        return resolution

    return atomic_with_retry(work)
