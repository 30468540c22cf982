"""Reports on assignments: text, files or a reply draft; accepted or returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from bering.assignments import permissions
from bering.assignments.models import Assignment, Report, ReportFile, Resolution
from bering.assignments.services.resolutions import (
    TEXT_MAX,
    _url_document,
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
    text = _check_report(assignment, text, has_files=bool(uploads), reply=reply)

    def work() -> Report:
        now = clock.now()
        claimed = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.IN_PROGRESS
        ).update(status=Assignment.Status.REPORTED, reported_at=now)
        if claimed != 1:
            raise Conflict(_("This assignment is not in progress: the report is already sent."))
        locked = Assignment.objects.select_related("resolution", "document").get(pk=assignment.pk)
        report = Report.objects.create(
            assignment=locked,
            author=actor.employee,
            submitted_by=actor.post,
            text=text,
            reply=reply,
        )
        names = _store_report_files(actor, report, uploads)
        _tell_reviewer(locked, report)
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


def _check_report(
    assignment: Assignment, text: str, *, has_files: bool, reply: Document | None
) -> str:
    """Something to report, not too long, and a reply only to this document; the text
    as kept (stripped)."""
    text = text.strip()
    if not text and reply is None and not has_files:
        raise ValidationFailed(_("Write the report, attach a file or a reply."), field="text")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(_("The report is too long."), field="text")
    if reply is not None and (
        reply.in_reply_to_id != assignment.document_id
        or reply.organization_id != assignment.organization_id
    ):
        raise ValidationFailed(_("The reply must answer this document."), field="reply")
    return text


def _store_report_files(
    actor: Actor, report: Report, uploads: Sequence[document_services.Upload]
) -> list[str]:
    names = []
    for upload in uploads:
        upload.stream.seek(0)
        stored = file_store(stream=upload.stream, name=upload.name, uploaded_by_id=actor.user.pk)
        ReportFile.objects.create(report=report, stored=stored)
        names.append(stored.original_name)
    return names


def _tell_reviewer(assignment: Assignment, report: Report) -> None:
    """Whoever takes the report (``permissions.report_reviewer_id``) is told."""
    reviewer = permissions.report_reviewer_id(assignment, assignment.resolution)
    if reviewer is None:
        return
    notify(
        recipient_ids=[reviewer],
        kind="report",
        title=_("Report: %(title)s") % {"title": assignment.document.title[:200]},
        body=report.text,
        url=_url_document(assignment.document),
        object_type="report",
        object_id=report.pk,
        dedupe_key=f"report-{report.pk}",
    )


def _check_reviewer(actor: Actor, report: Report) -> Assignment:
    assignment = report.assignment
    if permissions.is_own_report(report, actor.employee, actor.post):
        raise Forbidden(
            _("You cannot accept or return your own report: another person decides on it.")
        )
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
