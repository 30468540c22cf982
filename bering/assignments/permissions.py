"""Who may do what with resolutions and assignments: pure predicates over rows."""

from __future__ import annotations

from dataclasses import dataclass

from bering.assignments.models import Assignment, Extension, Report, Resolution
from bering.documents import permissions as document_permissions
from bering.documents.models import Document
from bering.orgs.models import Employee


def can_view_document(employee: Employee, document: Document) -> bool:
    return document_permissions.can_view(employee, document)


def can_prepare(employee: Employee, document: Document) -> bool:
    """An assistant, a registrar or the head prepares a draft on a document they see."""
    return can_view_document(employee, document) and document_permissions.takes_resolutions(
        document
    )


def can_issue(employee: Employee) -> bool:
    return employee.is_head and employee.is_active


def can_decide_draft(employee: Employee, resolution: Resolution) -> bool:
    return (
        resolution.status == Resolution.Status.DRAFT
        and resolution.author_id == employee.pk
        and can_issue(employee)
    )


def can_cascade(employee: Employee, assignment: Assignment) -> bool:
    return (
        assignment.executor_id == employee.pk
        and can_issue(employee)
        and assignment.status == Assignment.Status.IN_PROGRESS
    )


def can_report(employee: Employee, assignment: Assignment) -> bool:
    return assignment.executor_id == employee.pk and assignment.status in (
        Assignment.Status.IN_PROGRESS,
    )


def controls_own_assignment(*, responsible_id: int, controller_id: int) -> bool:
    """Self-control: the responsible executor would be the controller of the
    resolution (named, or the author by default) and accept their own report.
    Never allowed (decision 0008, "Nobody controls their own assignment")."""
    return responsible_id == controller_id


def _reviewer_id(
    assignment: Assignment, resolution: Resolution, responsible_id: int | None
) -> int | None:
    if assignment.role == Assignment.Role.RESPONSIBLE:
        return resolution.controller_id
    return responsible_id if responsible_id is not None else resolution.controller_id


def report_reviewer_id(assignment: Assignment, resolution: Resolution) -> int | None:
    """Who takes a report: the controller for the responsible executor's, else the
    responsible executor (who collects co-executors' reports)."""
    if assignment.role == Assignment.Role.RESPONSIBLE:
        return resolution.controller_id
    responsible = next(
        (a for a in resolution.assignments.all() if a.role == Assignment.Role.RESPONSIBLE), None
    )
    return _reviewer_id(assignment, resolution, responsible.executor_id if responsible else None)


def is_own_report(report: Report, employee: Employee, post: Employee | None = None) -> bool:
    """The report is the decider's own: its author (the executor it was sent for) or
    the post that sent it, as the acting employee, the acting post, or the same
    person in another post. Whatever their role, nobody accepts or returns their own."""
    deciders = [employee] if post is None else [employee, post]
    writers = (
        [report.author] if report.submitted_by is None else [report.author, report.submitted_by]
    )
    return any(d.pk == w.pk or d.user_id == w.user_id for d in deciders for w in writers)


def is_report_reviewer(
    employee: Employee,
    assignment: Assignment,
    resolution: Resolution,
    *,
    responsible_id: int | None,
) -> bool:
    """The controller, or the responsible executor for a co-executor's report."""
    reviewer = _reviewer_id(assignment, resolution, responsible_id)
    return employee.pk in (reviewer, resolution.controller_id)


def can_decide_report(
    employee: Employee,
    report: Report,
    *,
    assignment: Assignment,
    resolution: Resolution,
    responsible_id: int | None,
    post: Employee | None = None,
) -> bool:
    """Accept or return a pending report: a reviewer, never its own author."""
    return (
        report.decision == Report.Decision.PENDING
        and is_report_reviewer(employee, assignment, resolution, responsible_id=responsible_id)
        and not is_own_report(report, employee, post)
    )


def can_decide_extension(employee: Employee, resolution: Resolution) -> bool:
    return resolution.author_id == employee.pk


@dataclass(frozen=True)
class Actions:
    """What the viewer may do with one assignment row of a resolution tree."""

    report: bool = False
    ask_extension: bool = False
    cascade: bool = False
    decide_report: bool = False
    decide_extension: bool = False


def actions_for(
    employee: Employee,
    assignment: Assignment,
    resolution: Resolution,
    *,
    responsible_id: int | None,
    pending_report: Report | None,
    pending_extension: Extension | None,
    post: Employee | None = None,
) -> Actions:
    """The buttons of one row, from the rules above (templates only read these)."""
    reporting = can_report(employee, assignment)
    return Actions(
        report=reporting,
        ask_extension=reporting,
        cascade=can_cascade(employee, assignment),
        decide_report=pending_report is not None
        and can_decide_report(
            employee,
            pending_report,
            assignment=assignment,
            resolution=resolution,
            responsible_id=responsible_id,
            post=post,
        ),
        decide_extension=pending_extension is not None
        and pending_extension.status == Extension.Status.PENDING
        and can_decide_extension(employee, resolution),
    )


def sees_head_queue(employee: Employee) -> bool:
    """The «Резолюции» screen: drafts to confirm and documents awaiting a resolution."""
    return can_issue(employee)


def sees_control_queue(employee: Employee) -> bool:
    """«На контроле»: the assignments a controller or the head keeps on control."""
    return employee.is_active and (employee.is_controller or employee.is_head)
