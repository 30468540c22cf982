"""Pages of execution: the stories through the browser's forms, and isolation.

Oleg of the Ministry of Education gets 404 on every object page of the Ministry
of Health's execution, never sees its text, and changes nothing.
"""

from __future__ import annotations

import pytest

from bering.assignments import services
from bering.assignments.models import Assignment, Extension, Report, Resolution
from bering.assignments.tests.factories import MARKER, incoming, issued, spec
from bering.audit.models import AuditEvent
from bering.documents.tests.factories import doc_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(registrar, head, executor, controller):
    letter = incoming(registrar)
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    item = resolution.assignments.get()
    report = services.report_submit(actor=executor.actor, assignment=item, text=MARKER)
    services.report_return(actor=controller.actor, report=report, note="ещё")
    report = services.report_submit(actor=executor.actor, assignment=item, text=MARKER)
    extension = services.extension_request(
        actor=executor.actor,
        assignment=item,
        new_date=(item.due_at.date().replace(year=item.due_at.year + 1)),
        reason=MARKER,
    )
    return {
        "document": letter.pk,
        "resolution": resolution.pk,
        "assignment": item.pk,
        "report": report.pk,
        "extension": extension.pk,
    }


URLS = [
    ("get", "/assignments/document/{document}/"),
    ("get", "/assignments/document/{document}/resolution/"),
    ("post", "/assignments/document/{document}/resolution/"),
    ("post", "/assignments/resolutions/{resolution}/confirm/"),
    ("post", "/assignments/resolutions/{resolution}/return/"),
    ("get", "/assignments/{assignment}/cascade/"),
    ("post", "/assignments/{assignment}/cascade/"),
    ("post", "/assignments/{assignment}/report/"),
    ("post", "/assignments/{assignment}/extension/"),
    ("post", "/assignments/reports/{report}/accept/"),
    ("post", "/assignments/reports/{report}/return/"),
    ("post", "/assignments/extensions/{extension}/decide/"),
]


def _state():
    return (
        list(Resolution.objects.values_list("status", "text")),
        list(Assignment.objects.values_list("status", "due_at")),
        list(Report.objects.values_list("decision", flat=True)),
        list(Extension.objects.values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(("method", "url"), URLS)
def test_other_organization_gets_404(world, outsider, method, url):
    before = _state()
    client = outsider.client()
    target = url.format(**world)
    data = {"text": "x", "note": "x", "grant": "1", "reason": "x", "new_date": "2099-01-01"}
    response = client.post(target, data) if method == "post" else client.get(target)
    assert response.status_code == 404, (target, response.status_code)
    assert MARKER.encode() not in response.content
    assert _state() == before


@pytest.mark.parametrize("url", ["/assignments/", "/assignments/head/", "/assignments/control/"])
def test_lists_show_nothing_of_another_organization(world, outsider, url):
    response = outsider.client().get(url)
    assert response.status_code == 200
    assert MARKER.encode() not in response.content


def test_owner_reaches_the_pages(world, executor, controller, head):
    assert MARKER in executor.client().get("/assignments/").content.decode()
    control = controller.client().get("/assignments/control/").content.decode()
    assert MARKER in control and "data-overdue" not in control
    page = head.client().get("/assignments/document/{document}/".format(**world)).content.decode()
    assert MARKER in page and 'data-action="grant"' in page


def test_head_confirms_a_draft_in_one_tap(registrar, head, executor):
    letter = incoming(registrar, title="О завозе топлива")
    page = head.client().get("/assignments/head/").content.decode()
    assert f'data-document="{letter.pk}"' in page
    draft = services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    page = head.client().get("/assignments/head/").content.decode()
    assert f'data-resolution="{draft.pk}"' in page
    response = head.client().post(f"/assignments/resolutions/{draft.pk}/confirm/", {"next": "head"})
    assert response.status_code == 302 and response["Location"] == "/assignments/head/"
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.ACTIVE
    # A repeated tap is a message, not an error page.
    again = head.client().post(f"/assignments/resolutions/{draft.pk}/confirm/", follow=True)
    assert again.status_code == 200


def test_registrar_prepares_a_draft_through_the_form(registrar, head, executor):
    letter = incoming(registrar)
    response = registrar.client().post(
        f"/assignments/document/{letter.pk}/resolution/",
        {
            "text": "Подготовить ответ",
            "responsible": executor.employee.pk,
            "term_kind": "urgency",
            "urgency": "urgent",
            "author": head.employee.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Resolution.objects.get().status == Resolution.Status.DRAFT


def test_executor_reports_with_a_reply_draft(registrar, head, executor):
    letter = incoming(registrar)
    item = issued(head, letter, executor.employee).assignments.get()
    response = executor.client().post(
        f"/assignments/{item.pk}/report/",
        {
            "text": "Проект ответа",
            "reply_type": doc_type("outgoing-letter").pk,
            "reply_title": "Ответ о завозе топлива",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reply is not None and report.reply.in_reply_to_id == letter.pk
