"""A typed due date over ten years ahead (31.12.9999) is refused, as computed terms are.

Before the fix the resolution took 31.12.9999 and the extension asked for it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bering.api.tests.conftest import bearer
from bering.assignments import services
from bering.assignments.models import Resolution, TermKind
from bering.assignments.terms import Term
from bering.assignments.tests.factories import incoming, issued
from bering.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(registrar):
    return incoming(registrar)


def test_a_due_date_of_9999_is_refused_on_the_form_and_the_api(letter, head, executor, controller):
    body = {
        "text": "Подготовить ответ",
        "responsible": executor.employee.pk,
        "controller": controller.employee.pk,
        "term_kind": "date",
        "due_date": "9999-12-31",
    }
    page = head.client().post(f"/assignments/document/{letter.pk}/resolution/", body)
    assert page.status_code == 400
    assert "due_date" in page.context["form"].errors
    api = bearer(head.user).post(f"/api/v1/documents/{letter.pk}/resolutions", body, format="json")
    assert api.status_code == 400, api.json()
    assert api.json()["field"] == "due_date" and api.json()["code"] == "due_too_far"
    assert not Resolution.objects.exists()


def test_an_extension_to_9999_is_refused(letter, head, executor, controller):
    item = issued(head, letter, executor.employee, controller=controller.employee).assignments.get()
    with pytest.raises(ValidationFailed) as exc:
        services.extension_request(
            actor=executor.actor, assignment=item, new_date=dt.date(9999, 12, 31), reason="Долго"
        )
    assert exc.value.field == "new_date"
    api = bearer(executor.user).post(
        f"/api/v1/assignments/{item.pk}/extension",
        {"new_date": "9999-12-31", "reason": "Долго"},
        format="json",
    )
    assert api.status_code == 400, api.json()
    assert api.json()["field"] == "new_date"
    page = executor.client().post(
        f"/assignments/{item.pk}/extension/",
        {"new_date": "9999-12-31", "reason": "Долго"},
        follow=True,
    )
    assert page.status_code == 200
    assert not item.extensions.exists()


def test_a_date_within_ten_years_is_taken(letter, head, executor, controller):
    s = services.ResolutionSpec(
        text="Рассмотреть",
        responsible=executor.employee,
        controller=controller.employee,
        term=Term(kind=TermKind.DATE, date=dt.date(2030, 3, 1)),
    )
    resolution = services.resolution_issue(actor=head.actor, document=letter, spec=s)
    assert resolution.due_at.year == 2030
