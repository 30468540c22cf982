"""The resolution form's co-executors picker: «Найти» without JS, then the POST saves."""

from __future__ import annotations

import pytest

from bering.assignments.models import Resolution
from bering.assignments.tests.factories import incoming
from bering.orgs.tests.test_pickers import _staff

pytestmark = pytest.mark.django_db


def test_resolution_form_searches_without_javascript_then_saves(registrar, head, health):
    staff = _staff(health, 40)
    letter = incoming(registrar)
    url = f"/assignments/document/{letter.pk}/resolution/"
    client = head.client()
    page = client.get(url).content.decode()
    assert 'name="co_executors__q"' in page
    assert page.count('name="co_executors"') == 0  # no wall of 40 checkboxes
    data = {"text": "Подготовить ответ", "responsible": staff[0], "term_kind": "urgency"}
    data |= {"urgency": "urgent", "co_executors__q": "тестов3", "_pick": "co_executors"}
    found = client.post(url, data)
    assert found.status_code == 200
    assert f'value="{staff[3]}"' in found.content.decode()
    assert "Подготовить ответ" in found.content.decode()  # what was typed stays
    assert not Resolution.objects.exists()
    del data["_pick"]
    response = client.post(url, data | {"co_executors": [staff[3], staff[30]]})
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Resolution.objects.get()
    assert {a.executor_id for a in item.assignments.all()} >= {staff[3], staff[30]}
