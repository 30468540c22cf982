"""Nobody controls their own assignment, and nobody accepts their own report.

Before the fix a head named Dmitry both responsible executor and controller;
Dmitry then accepted his own report and closed control of the resolution.
"""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import bearer
from bering.assignments import selectors, services
from bering.assignments.models import Assignment, Report, Resolution
from bering.assignments.tests.factories import incoming, issued, spec
from bering.core.errors import Forbidden, ValidationFailed
from bering.orgs.actor import Actor
from bering.orgs.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SELF_CONTROL_RU = "не может контролировать собственное поручение"


@pytest.fixture
def letter(registrar):
    return incoming(registrar)


# --- creating and editing ------------------------------------------------------------


def test_issue_refuses_the_responsible_executor_as_controller(letter, head, controller):
    with pytest.raises(ValidationFailed) as exc:
        issued(head, letter, controller.employee, controller=controller.employee)
    assert exc.value.field == "controller"
    assert not Resolution.objects.exists()


def test_a_head_without_a_controller_does_not_control_himself(letter, head, executor):
    # The controller defaults to the author: the head naming himself responsible.
    with pytest.raises(ValidationFailed) as exc:
        issued(head, letter, head.employee)
    assert exc.value.field == "controller"


def test_draft_and_edited_confirm_refuse_self_control(
    letter, registrar, head, executor, controller
):
    with pytest.raises(ValidationFailed):
        services.resolution_draft(
            actor=registrar.actor,
            document=letter,
            spec=spec(executor.employee, controller=executor.employee),
            author=head.employee,
        )
    draft = services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, controller=controller.employee),
        author=head.employee,
    )
    with pytest.raises(ValidationFailed) as exc:
        services.resolution_confirm(
            actor=head.actor,
            resolution=draft,
            spec=spec(controller.employee, controller=controller.employee),
        )
    assert exc.value.field == "controller"
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.DRAFT


def test_cascade_refuses_self_control(letter, head, health, executor):
    deputy = EmployeeFactory(organization=health, is_head=True)
    item = issued(head, letter, deputy).assignments.get()
    acting = Actor(user=deputy.user, post=deputy)
    with pytest.raises(ValidationFailed) as exc:
        services.resolution_cascade(actor=acting, assignment=item, spec=spec(deputy))
    assert exc.value.field == "controller"
    services.resolution_cascade(actor=acting, assignment=item, spec=spec(executor.employee))


def test_the_form_shows_the_refusal_on_the_controller_field(letter, head, controller):
    response = head.client().post(
        f"/assignments/document/{letter.pk}/resolution/",
        {
            "text": "Подготовить ответ",
            "responsible": controller.employee.pk,
            "controller": controller.employee.pk,
            "term_kind": "working",
            "days": 5,
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "controller" in errors and SELF_CONTROL_RU in errors["controller"][0]
    assert SELF_CONTROL_RU in response.content.decode()
    assert not Resolution.objects.exists()


def test_the_api_refuses_self_control(letter, head, controller):
    response = bearer(head.user).post(
        f"/api/v1/documents/{letter.pk}/resolutions",
        {
            "text": "Подготовить ответ",
            "responsible": controller.employee.pk,
            "controller": controller.employee.pk,
            "term_kind": "working",
            "days": 5,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == "controller"
    assert response.json()["code"] == "self_control"
    assert not Resolution.objects.exists()


# --- accepting one's own report ----------------------------------------------------


def _self_controlled(letter, head, person):
    """A resolution stored before the rule: ``person`` responsible and controller."""
    resolution = issued(head, letter, person.employee, controller=head.employee)
    Resolution.objects.filter(pk=resolution.pk).update(controller=person.employee)
    item = Assignment.objects.get(resolution=resolution)
    report = services.report_submit(actor=person.actor, assignment=item, text="Исполнено")
    return resolution, item, report


def test_a_controller_never_accepts_or_returns_his_own_report(letter, head, controller):
    resolution, _item, report = _self_controlled(letter, head, controller)
    report = selectors.report_get_for_user(controller.actor, report.pk)
    with pytest.raises(Forbidden):
        services.report_accept(actor=controller.actor, report=report)
    with pytest.raises(Forbidden):
        services.report_return(actor=controller.actor, report=report, note="ещё")
    report.refresh_from_db()
    assert report.decision == Report.Decision.PENDING
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.ACTIVE
    # No button either: the page reads the flag.
    (row,) = selectors.assignments_on_control(controller.actor)
    assert row.pending_report == report and not row.actions.decide_report
    page = controller.client().get(f"/assignments/document/{letter.pk}/").content.decode()
    assert 'data-action="accept-report"' not in page
    control = controller.client().get("/assignments/control/").content.decode()
    assert 'data-action="accept-report"' not in control


def test_the_own_report_over_the_api_and_the_page(letter, head, controller):
    _resolution, _item, report = _self_controlled(letter, head, controller)
    api = bearer(controller.user)
    (row,) = api.get("/api/v1/assignments/control").json()
    assert row["pending_report"] == report.pk and row["actions"]["decide_report"] is False
    assert api.post(f"/api/v1/reports/{report.pk}/accept", {"note": ""}).status_code == 403
    assert api.post(f"/api/v1/reports/{report.pk}/return", {"note": "x"}).status_code == 403
    controller.client().post(f"/assignments/reports/{report.pk}/accept/", {"note": ""})
    report.refresh_from_db()
    assert report.decision == Report.Decision.PENDING


def test_a_deputy_who_reported_for_the_executor_does_not_accept_it(
    letter, head, executor, controller
):
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    item = resolution.assignments.get()
    # Dmitry, the controller, stands in for the absent Vera and reports for her.
    for_vera = Actor(user=controller.user, post=controller.employee, on_behalf_of=executor.employee)
    report = services.report_submit(actor=for_vera, assignment=item, text="Исполнено")
    assert report.author == executor.employee and report.submitted_by == controller.employee
    report = selectors.report_get_for_user(controller.actor, report.pk)
    with pytest.raises(Forbidden):
        services.report_accept(actor=controller.actor, report=report)
    (row,) = selectors.assignments_on_control(controller.actor)
    assert not row.actions.decide_report


def test_acting_for_the_controller_does_not_open_ones_own_report(
    letter, head, executor, controller
):
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    item = resolution.assignments.get()
    report = services.report_submit(actor=executor.actor, assignment=item, text="Исполнено")
    # Vera stands in for the absent controller: still her own report.
    for_dmitry = Actor(user=executor.user, post=executor.employee, on_behalf_of=controller.employee)
    with pytest.raises(Forbidden):
        services.report_accept(actor=for_dmitry, report=report)


def test_another_reviewer_still_accepts(letter, head, executor, controller):
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    item = resolution.assignments.get()
    report = services.report_submit(actor=executor.actor, assignment=item, text="Исполнено")
    (row,) = selectors.assignments_on_control(controller.actor)
    assert row.actions.decide_report
    (listed,) = bearer(controller.user).get("/api/v1/assignments/control").json()
    assert listed["actions"]["decide_report"] is True
    (mine,) = bearer(executor.user).get("/api/v1/assignments/mine").json()
    assert mine["actions"]["decide_report"] is False and mine["actions"]["report"] is False
    page = controller.client().get(f"/assignments/document/{letter.pk}/").content.decode()
    assert 'data-action="accept-report"' in page
    services.report_accept(actor=controller.actor, report=report)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.CLOSED
