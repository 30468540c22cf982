"""Tests that kill mutants the other tests let live (decision 0015): who reports."""

from __future__ import annotations

import pytest

from bering.assignments import permissions, services
from bering.assignments.models import Assignment, Report
from bering.assignments.tests.factories import incoming, issued
from bering.core.errors import Forbidden
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(registrar: Persona, head: Persona, executor: Persona) -> Assignment:
    resolution = issued(head, incoming(registrar), executor.employee)
    return Assignment.objects.get(resolution=resolution, executor=executor.employee)


def test_only_the_executor_of_an_assignment_in_progress_may_report(
    assignment: Assignment, executor: Persona, controller: Persona, head: Persona
) -> None:
    assert assignment.status == Assignment.Status.IN_PROGRESS
    assert permissions.can_report(executor.employee, assignment)
    assert not permissions.can_report(controller.employee, assignment)
    assert not permissions.can_report(head.employee, assignment)
    for status in (
        Assignment.Status.PENDING,
        Assignment.Status.REPORTED,
        Assignment.Status.DONE,
    ):
        assignment.status = status
        assert not permissions.can_report(executor.employee, assignment), status


def test_report_of_somebody_else_is_refused_and_changes_nothing(
    assignment: Assignment, controller: Persona, head: Persona, executor: Persona
) -> None:
    for stranger in (controller, head):
        with pytest.raises(Forbidden):
            services.report_submit(actor=stranger.actor, assignment=assignment, text="Исполнено")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.IN_PROGRESS
    assert not Report.objects.exists()
    report = services.report_submit(actor=executor.actor, assignment=assignment, text="Исполнено")
    assert report.author == executor.employee
