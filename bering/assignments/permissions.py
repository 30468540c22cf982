"""Who may do what with resolutions and assignments: pure predicates over rows."""

from __future__ import annotations

from bering.assignments.models import Assignment, Resolution
from bering.documents import permissions as document_permissions
from bering.documents.models import Document, Flow
from bering.orgs.models import Employee

RESOLVABLE_FLOWS = (Flow.INCOMING, Flow.INTERNAL)


def can_view_document(employee: Employee, document: Document) -> bool:
    return document_permissions.can_view(employee, document)


def is_resolvable(document: Document) -> bool:
    """A registered incoming or internal document takes resolutions."""
    return document.status == Document.Status.REGISTERED and document.flow in RESOLVABLE_FLOWS


def can_prepare(employee: Employee, document: Document) -> bool:
    """An assistant, a registrar or the head prepares a draft on a document they see."""
    return can_view_document(employee, document) and is_resolvable(document)


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


def report_reviewer_id(assignment: Assignment, resolution: Resolution) -> int | None:
    """Who takes a report: the controller for the responsible executor's, else the
    responsible executor (who collects co-executors' reports)."""
    if assignment.role == Assignment.Role.RESPONSIBLE:
        return resolution.controller_id
    responsible = next(
        (a for a in resolution.assignments.all() if a.role == Assignment.Role.RESPONSIBLE), None
    )
    return responsible.executor_id if responsible is not None else resolution.controller_id


def can_decide_extension(employee: Employee, resolution: Resolution) -> bool:
    return resolution.author_id == employee.pk


def sees_head_queue(employee: Employee) -> bool:
    """The «Резолюции» screen: drafts to confirm and documents awaiting a resolution."""
    return can_issue(employee)


def sees_control_queue(employee: Employee) -> bool:
    """«На контроле»: the assignments a controller or the head keeps on control."""
    return employee.is_active and (employee.is_controller or employee.is_head)
