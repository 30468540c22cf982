"""Every write on resolutions and assignments. Keyword-only, one transaction, audited.

Each state change is claimed with a conditional UPDATE (or under a row lock), so
two taps of the same button, or two people at once, change the state once.
Events are recorded on the document (object_type "document"), so the
document's history tells its execution; notifications go out in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.assignments import permissions
from bering.assignments.models import Assignment, Extension, Report, ReportFile, Resolution
from bering.assignments.terms import (
    Due,
    Term,
    due_for,
    end_of_day,
    working_day_before,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentType, Flow
from bering.files.services import file_store
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


def _check_people(document: Document, spec: ResolutionSpec) -> None:
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
    co_due = working_day_before(due, resolution.organization.time_zone)
    if co_due.at <= now:
        co_due = due
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
    _check_people(document, spec)

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
    _check_people(document, spec)

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
    if spec is not None:
        _check_people(document, spec)

    def work() -> Resolution:
        now = clock.now()
        claimed = Resolution.objects.filter(
            pk=resolution.pk, status=Resolution.Status.DRAFT
        ).update(status=Resolution.Status.ACTIVE, issued_at=now)
        if claimed != 1:
            raise Conflict(_("This draft was already decided."))
        locked = Resolution.objects.select_related("document__organization", "organization").get(
            pk=resolution.pk
        )
        edited = spec is not None
        current = spec or _spec_of(locked)
        # The term counts from the head's confirmation, not from the draft.
        due = due_for(term=current.term, start=now, tz=_tz(locked.document))
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
        locked.assignments.all().delete()  # the draft's pending rows; the event keeps them
        _create_assignments(locked, current, due, now)
        _on_issue(actor, locked)
        if edited:
            record(
                actor=actor,
                verb="resolution.edited",
                object_type="document",
                object_id=locked.document_id,
                data={"resolution": locked.pk},
            )
        return locked

    return atomic_with_retry(work)


def _spec_of(resolution: Resolution) -> ResolutionSpec:
    assignments = list(resolution.assignments.select_related("executor"))
    responsible = next(a.executor for a in assignments if a.role == Assignment.Role.RESPONSIBLE)
    return ResolutionSpec(
        text=resolution.text,
        responsible=responsible,
        co_executors=[a.executor for a in assignments if a.role == Assignment.Role.CO_EXECUTOR],
        controller=resolution.controller,
        term=Term(
            kind=resolution.term_kind,
            days=resolution.term_days,
            date=resolution.term_date,
            urgency=resolution.urgency,
        ),
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
    _check_people(document, spec)

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


def reply_draft_create(
    *,
    actor: Actor,
    assignment: Assignment,
    doc_type: DocumentType,
    title: str,
    uploads: Sequence[document_services.Upload] = (),
    signer: Employee | None = None,
) -> Document:
    """A reply draft "in reply to" the assignment's document; approval takes it from here.

    The signer defaults to the head who gave the resolution.
    """
    if not permissions.can_report(actor.employee, assignment):
        raise Forbidden(_("Only the executor prepares the reply."))
    if doc_type.flow == Flow.INCOMING:
        raise ValidationFailed(_("Choose an outgoing or internal type."), field="doc_type")
    incoming = assignment.document
    restricted = incoming.access == Document.Access.RESTRICTED
    card = document_services.Card(
        doc_type=doc_type,
        title=title,
        access=incoming.access,
        addressee=incoming.correspondent,
        signer=signer or assignment.resolution.author,
        in_reply_to=incoming,
        allowed=[actor.employee] if restricted else [],
    )

    def work() -> Document:
        reply = document_services.document_create(
            actor=actor, card=card, flow=doc_type.flow, uploads=uploads
        )
        record(
            actor=actor,
            verb="assignment.reply_drafted",
            object_type="document",
            object_id=incoming.pk,
            data={"assignment": assignment.pk, "reply": reply.pk},
        )
        return reply

    return atomic_with_retry(work)


def report_submit(
    *,
    actor: Actor,
    assignment: Assignment,
    text: str,
    uploads: Sequence[document_services.Upload] = (),
    reply: Document | None = None,
) -> Report:
    """The executor reports: text and files, or a reply draft (or both)."""
    if assignment.executor_id != actor.employee.pk:
        raise Forbidden(_("Only the executor reports on an assignment."))
    text = text.strip()
    if not text and reply is None and not uploads:
        raise ValidationFailed(_("Write the report, attach a file or a reply."), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(_("The report is too long."), field="text")
    if reply is not None and (
        reply.in_reply_to_id != assignment.document_id
        or reply.organization_id != assignment.organization_id
    ):
        raise ValidationFailed(_("The reply must answer this document."), field="reply")

    def work() -> Report:
        now = clock.now()
        claimed = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.IN_PROGRESS
        ).update(status=Assignment.Status.REPORTED, reported_at=now)
        if claimed != 1:
            raise Conflict(_("This assignment is not in progress: the report is already sent."))
        locked = Assignment.objects.select_related("resolution", "document").get(pk=assignment.pk)
        report = Report.objects.create(
            assignment=locked, author=actor.employee, text=text, reply=reply
        )
        names = []
        for upload in uploads:
            upload.stream.seek(0)
            stored = file_store(
                stream=upload.stream, name=upload.name, uploaded_by_id=actor.user.pk
            )
            ReportFile.objects.create(report=report, stored=stored)
            names.append(stored.original_name)
        reviewer = permissions.report_reviewer_id(locked, locked.resolution)
        if reviewer is not None:
            notify(
                recipient_ids=[reviewer],
                kind="report",
                title=_("Report: %(title)s") % {"title": locked.document.title[:200]},
                body=text,
                url=_url_document(locked.document),
                object_type="report",
                object_id=report.pk,
                dedupe_key=f"report-{report.pk}",
            )
        record(
            actor=actor,
            verb="assignment.reported",
            object_type="document",
            object_id=locked.document_id,
            data={
                "assignment": locked.pk,
                "report": report.pk,
                "reply": reply.pk if reply else None,
                "files": names,
            },
        )
        return report

    return atomic_with_retry(work)


def _check_reviewer(actor: Actor, report: Report) -> Assignment:
    assignment = report.assignment
    reviewer = permissions.report_reviewer_id(assignment, assignment.resolution)
    if actor.employee.pk not in (reviewer, assignment.resolution.controller_id):
        raise Forbidden(_("This report is for the controller or the responsible executor."))
    return assignment


def report_accept(*, actor: Actor, report: Report, note: str = "") -> Report:
    """Accept a report. The controller's acceptance of the responsible executor's
    report closes control of the resolution; the responsible executor's
    acceptance of a co-executor's report collects it."""
    assignment = _check_reviewer(actor, report)
    note = note.strip()[:1000]

    def work() -> Report:
        now = clock.now()
        responsible = assignment.role == Assignment.Role.RESPONSIBLE
        decision = Report.Decision.ACCEPTED if responsible else Report.Decision.COLLECTED
        claimed = Report.objects.filter(pk=report.pk, decision=Report.Decision.PENDING).update(
            decision=decision, decided_by=actor.employee, decided_at=now, decision_note=note
        )
        if claimed != 1:
            raise Conflict(_("This report was already decided."))
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.DONE, done_at=now
        )
        resolution = assignment.resolution
        verb = "report.collected"
        if responsible:
            verb = "report.accepted"
            Assignment.objects.filter(resolution=resolution).exclude(
                status=Assignment.Status.DONE
            ).update(status=Assignment.Status.DONE, done_at=now)
            Resolution.objects.filter(pk=resolution.pk, status=Resolution.Status.ACTIVE).update(
                status=Resolution.Status.CLOSED, closed_at=now
            )
        notify(
            recipient_ids=[report.author_id],
            kind="report",
            title=_("Report accepted: %(title)s") % {"title": assignment.document.title[:200]},
            body=note,
            url=_url_document(assignment.document),
            object_type="report",
            object_id=report.pk,
            dedupe_key=f"report-decided-{report.pk}",
        )
        record(
            actor=actor,
            verb=verb,
            object_type="document",
            object_id=assignment.document_id,
            data={
                "assignment": assignment.pk,
                "report": report.pk,
                "resolution": resolution.pk,
                "note": note,
            },
        )
        report.refresh_from_db()
        return report

    return atomic_with_retry(work)


def report_return(*, actor: Actor, report: Report, note: str) -> Report:
    """Return a report for rework, saying why; the assignment is in progress again."""
    assignment = _check_reviewer(actor, report)
    note = note.strip()[:1000]
    if not note:
        raise ValidationFailed(_("Say why the report is returned."), field="note")

    def work() -> Report:
        now = clock.now()
        claimed = Report.objects.filter(pk=report.pk, decision=Report.Decision.PENDING).update(
            decision=Report.Decision.RETURNED,
            decided_by=actor.employee,
            decided_at=now,
            decision_note=note,
        )
        if claimed != 1:
            raise Conflict(_("This report was already decided."))
        Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.REPORTED).update(
            status=Assignment.Status.IN_PROGRESS, reported_at=None
        )
        notify(
            recipient_ids=[report.author_id],
            kind="returned",
            title=_("Report returned: %(title)s") % {"title": assignment.document.title[:200]},
            body=note,
            url=reverse("assignments:mine"),
            object_type="report",
            object_id=report.pk,
            dedupe_key=f"report-decided-{report.pk}",
        )
        record(
            actor=actor,
            verb="report.returned",
            object_type="document",
            object_id=assignment.document_id,
            data={"assignment": assignment.pk, "report": report.pk, "note": note},
        )
        report.refresh_from_db()
        return report

    return atomic_with_retry(work)


def extension_request(
    *, actor: Actor, assignment: Assignment, new_date: dt.date, reason: str
) -> Extension:
    """The executor asks the resolution's author to move the due date."""
    if assignment.executor_id != actor.employee.pk:
        raise Forbidden(_("Only the executor asks for more time."))
    if assignment.status not in (Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED):
        raise Conflict(_("This assignment is already done."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why more time is needed."), field="reason")
    tz = assignment.organization.time_zone
    new_due = end_of_day(new_date, tz)
    if new_due <= assignment.due_at:
        raise ValidationFailed(_("Choose a date after the current due date."), field="new_date")

    def work() -> Extension:
        locked = (
            Assignment.objects.select_for_update()
            .select_related("resolution")
            .get(pk=assignment.pk)
        )
        if Extension.objects.filter(assignment=locked, status=Extension.Status.PENDING).exists():
            raise Conflict(_("An extension is already asked and awaits the decision."))
        try:
            with transaction.atomic():
                extension = Extension.objects.create(
                    assignment=locked,
                    requested_by=actor.employee,
                    reason=reason[:1000],
                    old_due_at=locked.due_at,
                    new_due_at=new_due,
                    new_due_explanation=_("Extended to %(date)s at the executor's request")
                    % {"date": new_date.strftime("%d.%m.%Y")},
                )
        except IntegrityError as exc:
            raise Conflict(_("An extension is already asked and awaits the decision.")) from exc
        notify(
            recipient_ids=[locked.resolution.author_id],
            kind="other",
            title=_("Extension asked: %(title)s") % {"title": assignment.document.title[:200]},
            body=reason,
            url=_url_document(assignment.document),
            object_type="extension",
            object_id=extension.pk,
            dedupe_key=f"extension-{extension.pk}",
        )
        record(
            actor=actor,
            verb="extension.requested",
            object_type="document",
            object_id=locked.document_id,
            data={
                "assignment": locked.pk,
                "extension": extension.pk,
                "old_due_at": locked.due_at,
                "new_due_at": new_due,
                "reason": reason,
            },
        )
        return extension

    return atomic_with_retry(work)


def extension_decide(
    *, actor: Actor, extension: Extension, grant: bool, note: str = ""
) -> Extension:
    """The resolution's author grants or refuses; both dates stay in the history."""
    assignment = extension.assignment
    resolution = assignment.resolution
    if not permissions.can_decide_extension(actor.employee, resolution):
        raise Forbidden(_("Only the author of the resolution decides on an extension."))
    note = note.strip()[:1000]

    def work() -> Extension:
        now = clock.now()
        status = Extension.Status.GRANTED if grant else Extension.Status.REFUSED
        claimed = Extension.objects.filter(pk=extension.pk, status=Extension.Status.PENDING).update(
            status=status, decided_by=actor.employee, decided_at=now, decision_note=note
        )
        if claimed != 1:
            raise Conflict(_("This extension was already decided."))
        if grant:
            explanation = extension.new_due_explanation or _("Extended")
            Assignment.objects.filter(pk=assignment.pk).update(
                due_at=extension.new_due_at,
                due_explanation=explanation[:500],
                reminded_at=None,
                overdue_notified_at=None,
                escalated_at=None,
            )
            if assignment.role == Assignment.Role.RESPONSIBLE:
                Resolution.objects.filter(pk=resolution.pk).update(
                    due_at=extension.new_due_at, due_explanation=explanation[:500]
                )
        notify(
            recipient_ids=[extension.requested_by_id],
            kind="other",
            title=(
                _("Extension granted: %(title)s") if grant else _("Extension refused: %(title)s")
            )
            % {"title": assignment.document.title[:200]},
            body=note,
            url=reverse("assignments:mine"),
            object_type="extension",
            object_id=extension.pk,
            dedupe_key=f"extension-decided-{extension.pk}",
        )
        record(
            actor=actor,
            verb="extension.granted" if grant else "extension.refused",
            object_type="document",
            object_id=assignment.document_id,
            data={
                "assignment": assignment.pk,
                "extension": extension.pk,
                "old_due_at": extension.old_due_at,
                "new_due_at": extension.new_due_at,
                "note": note,
            },
        )
        extension.refresh_from_db()
        return extension

    return atomic_with_retry(work)


@dataclass
class ReplyDraft:
    """A reply draft to create with a report."""

    doc_type: DocumentType
    title: str
    uploads: Sequence[document_services.Upload] = field(default_factory=list)
    signer: Employee | None = None


def report_with_reply(
    *,
    actor: Actor,
    assignment: Assignment,
    text: str,
    uploads: Sequence[document_services.Upload] = (),
    reply: ReplyDraft | None = None,
) -> Report:
    """Report in one step, creating the reply draft first when one is given. All or nothing."""

    def work() -> Report:
        draft = None
        if reply is not None:
            draft = reply_draft_create(
                actor=actor,
                assignment=assignment,
                doc_type=reply.doc_type,
                title=reply.title or assignment.document.title,
                uploads=reply.uploads,
                signer=reply.signer,
            )
        return report_submit(
            actor=actor, assignment=assignment, text=text, uploads=uploads, reply=draft
        )

    return atomic_with_retry(work)
