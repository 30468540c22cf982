"""Extensions of due dates: asked by the executor, decided by the author."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from bering.assignments import permissions
from bering.assignments.models import Assignment, Extension, Resolution
from bering.assignments.services.resolutions import (
    _url_document,
)
from bering.assignments.terms import (
    end_of_day,
)
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.deadlines.arithmetic import validate_due
from bering.notifications.services import notify
from bering.orgs.actor import Actor


def extension_request(
    *, actor: Actor, assignment: Assignment, new_date: dt.date, reason: str
) -> Extension:
    """The executor asks the resolution's author to move the due date."""
    reason, new_due = _check_request(actor, assignment, new_date, reason)

    def work() -> Extension:
        locked = (
            Assignment.objects.select_for_update()
            .select_related("resolution")
            .get(pk=assignment.pk)
        )
        extension = _create_extension(actor, locked, new_date, new_due, reason)
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


def _check_request(
    actor: Actor, assignment: Assignment, new_date: dt.date, reason: str
) -> tuple[str, dt.datetime]:
    """Who may ask and for what date; return the reason stripped and the new due moment."""
    if assignment.executor_id != actor.employee.pk:
        raise Forbidden(_("Only the executor asks for more time."))
    if assignment.status not in (Assignment.Status.IN_PROGRESS, Assignment.Status.REPORTED):
        raise Conflict(_("This assignment is already done."))
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Say why more time is needed."), field="reason")
    tz = assignment.organization.time_zone
    validate_due(new_date, today=clock.local_date(clock.now(), tz), field="new_date")
    new_due = end_of_day(new_date, tz)
    if new_due <= assignment.due_at:
        raise ValidationFailed(_("Choose a date after the current due date."), field="new_date")
    return reason, new_due


def _create_extension(
    actor: Actor, locked: Assignment, new_date: dt.date, new_due: dt.datetime, reason: str
) -> Extension:
    """The pending extension; one at a time per assignment (a racing second is a conflict)."""
    if Extension.objects.filter(assignment=locked, status=Extension.Status.PENDING).exists():
        raise Conflict(_("An extension is already asked and awaits the decision."))
    try:
        with transaction.atomic():
            return Extension.objects.create(
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
            _move_due(extension, assignment, resolution)
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


def _move_due(extension: Extension, assignment: Assignment, resolution: Resolution) -> None:
    """A granted extension: the assignment's new date (the resolution's, if responsible)."""
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
