"""Pickers of people and organizations: search endpoints and forms without JavaScript.

The endpoints list only what the actor may name (an outsider's people never
appear), need two letters, stay under 10 KB; the forms with pickers still take
the chosen ids by an ordinary POST, and «Найти» without JavaScript re-renders
the form with the matches, saving nothing.
"""

from __future__ import annotations

import pytest

from bering.orgs import selectors
from bering.orgs.models import Organization
from bering.orgs.tests.factories import (
    DepartmentFactory,
    EmployeeFactory,
    OrganizationFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/orgs/pick/people/"
ORGS = "/orgs/pick/organizations/"
KB = 1024


def _staff(org: Organization, count: int, last: str = "Тестов") -> list[int]:
    department = DepartmentFactory(organization=org, name="Отдел кадров")
    position = PositionFactory(organization=org, name="Главный специалист-эксперт отдела")
    return [
        EmployeeFactory(
            user=UserFactory(username=f"{org.code}-{n}", last_name=f"{last}{n}", first_name="Тест"),
            organization=org,
            department=department,
            position=position,
        ).pk
        for n in range(count)
    ]


def _region(count: int) -> list[Organization]:
    district = OrganizationFactory(
        name="Елизовский муниципальный район", short_name="Елизовский р-н", kind="municipality"
    )
    return [
        OrganizationFactory(
            name=f"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»",
            short_name=f"Школа № {n}",
            kind="other",
            parent=district,
        )
        for n in range(count)
    ]


def test_people_of_ones_own_organization_only(registrar, executor, outsider):
    client = registrar.client()
    page = client.get(PEOPLE, {"name": "allowed", "allowed__q": "вас"}).content.decode()
    assert "Васильева" in page
    assert f'name="allowed" value="{executor.employee.pk}"' in page
    # Oleg of the Ministry of Education is never listed, searched or sent as chosen.
    page = client.get(
        PEOPLE, {"name": "allowed", "allowed__q": "олег", "allowed": [outsider.employee.pk]}
    ).content.decode()
    assert "Олегов" not in page
    assert str(outsider.employee.pk) not in page
    assert "Олегов" not in client.get(PEOPLE, {"q": "делопроизводитель"}).content.decode()


def test_people_by_position_and_chosen_stay_checked(registrar, executor, head):
    page = (
        registrar.client()
        .get(PEOPLE, {"name": "co", "co__q": "мини", "co": [executor.employee.pk]})
        .content.decode()
    )
    assert "Борисов" in page  # «Министр»
    assert f'name="co" value="{executor.employee.pk}" checked' in page


def test_two_letters_at_least(registrar, executor):
    page = registrar.client().get(PEOPLE, {"q": "В"}).content.decode()
    assert "Васильева" not in page
    assert selectors.people_search(registrar.actor, "В") == []
    assert [p.pk for p in selectors.people_search(registrar.actor, "ВЕ")] == [executor.employee.pk]


def test_people_fragment_is_small_and_grouped(registrar, health):
    _staff(health, 80)
    response = registrar.client().get(PEOPLE, {"name": "allowed", "allowed__q": "тестов"})
    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 10 * KB, len(response.content)
    assert page.count('name="allowed"') == selectors.PICK_MAX
    assert "Отдел кадров" in page


def test_organizations_by_name_casefolded_grouped_and_small(registrar, health, education):
    _region(380)
    client = registrar.client()
    page = client.get(ORGS, {"name": "to", "to__q": "минобр"}).content.decode()
    assert f'value="{education.pk}"' in page
    response = client.get(ORGS, {"name": "to", "to__q": "школа"})
    assert len(response.content) < 10 * KB, len(response.content)
    assert response.content.decode().count('name="to"') == selectors.PICK_MAX
    assert "Елизовский р-н" in response.content.decode()  # the municipality's group
    # One's own organization is not an addressee of one's own letter.
    own = client.get(ORGS, {"name": "to", "to__q": "минздрав", "others": "1"}).content.decode()
    assert f'value="{health.pk}"' not in own
    assert client.get(ORGS, {"q": "ш"}).content.decode().count('name="') == 0
