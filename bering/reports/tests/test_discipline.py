"""Overdue visas and assignments, on the hand-counted fixture of conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from bering.deadlines.selectors import overdue_working_days
from bering.reports.filters import Filters
from bering.reports.permissions import Scope, report_scope
from bering.reports.selectors_discipline import Group, Kind, discipline, drilldown
from bering.reports.tests.conftest import NOW, K, at

PERIOD = Filters(start=dt.date(2025, 12, 1), end=dt.date(2026, 1, 31))
QUERY = {"from": "2025-12-01", "to": "2026-01-31"}
REGION = Scope(organization_ids=None)


def figures(data, key=lambda r: r.name.split(",")[0]):  # type: ignore[no-untyped-def]
    return {key(r): (r.due, r.on_time, r.overdue, r.days_late, r.current) for r in data.rows}


def test_the_new_year_holidays_cost_one_working_day(db):
    """The example of the issue, checked against the deadlines app itself."""
    assert (
        overdue_working_days(
            due_at=at("30.12.2025"),
            now=dt.datetime(2026, 1, 12, 10, 0, tzinfo=K),
            tz="Asia/Kamchatka",
        )
        == 1
    )


def test_overdue_visas_by_executor_in_the_region(visas):
    data = discipline(kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=PERIOD, now=NOW)
    assert figures(data) == {
        "Павлов П.": (3, 1, 2, 3, 1),
        "Романова Р.": (2, 0, 1, 1, 1),
        "Борисов Б.": (1, 1, 0, 0, 0),
        "Олегов О.": (1, 0, 1, 2, 0),
    }
    # Worst first: most overdue, then most days late.
    assert [r.name.split(",")[0] for r in data.rows][:2] == ["Павлов П.", "Олегов О."]
    total = data.total
    assert (total.due, total.on_time, total.overdue, total.days_late, total.current) == (
        7,
        2,
        4,
        6,
        2,
    )
    pavel = data.rows[0]
    assert pavel.name == "Павлов П., Начальник правового управления"
    assert pavel.department == "Правовое управление"
    assert round(pavel.on_time_share) == 33


def test_overdue_visas_by_organization(visas):
    data = discipline(
        kind=Kind.VISAS, group=Group.ORGANIZATION, scope=REGION, filters=PERIOD, now=NOW
    )
    assert figures(data) == {"Минздрав": (6, 2, 3, 4, 2), "Минобр": (1, 0, 1, 2, 0)}


def test_a_period_of_one_day(visas):
    day = Filters(start=dt.date(2026, 1, 16), end=dt.date(2026, 1, 16))
    data = discipline(kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=day, now=NOW)
    # Only v3 is due that day; Raisa's v6 is still overdue now, whatever the period.
    assert figures(data) == {"Павлов П.": (1, 0, 1, 2, 1), "Романова Р.": (0, 0, 0, 0, 1)}


def test_overdue_assignments_by_executor_department_and_organization(assignments):
    by_person = discipline(
        kind=Kind.ASSIGNMENTS, group=Group.EXECUTOR, scope=REGION, filters=PERIOD, now=NOW
    )
    assert figures(by_person) == {
        "Васильева В.": (3, 1, 2, 3, 1),
        "Дмитриев Д.": (1, 0, 1, 1, 0),
        "Олегов О.": (1, 0, 1, 1, 1),
    }
    with translation.override("en"):
        by_dept = discipline(
            kind=Kind.ASSIGNMENTS, group=Group.DEPARTMENT, scope=REGION, filters=PERIOD, now=NOW
        )
    assert figures(by_dept, key=lambda r: (r.organization, r.name)) == {
        ("Минздрав", "Отдел медицинской помощи"): (3, 1, 2, 3, 1),
        ("Минздрав", "Отдел контроля"): (1, 0, 1, 1, 0),
        ("Минобр", "without department"): (1, 0, 1, 1, 1),
    }
    by_org = discipline(
        kind=Kind.ASSIGNMENTS, group=Group.ORGANIZATION, scope=REGION, filters=PERIOD, now=NOW
    )
    assert figures(by_org) == {"Минздрав": (4, 1, 3, 4, 1), "Минобр": (1, 0, 1, 1, 1)}


def test_document_type_filter(visas, assignments):
    from bering.documents.tests.factories import doc_type

    letters = Filters(start=PERIOD.start, end=PERIOD.end, doc_type=doc_type("incoming-letter"))
    assert (
        discipline(
            kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=letters, now=NOW
        ).rows
        == []
    )
    assert (
        discipline(
            kind=Kind.ASSIGNMENTS, group=Group.ORGANIZATION, scope=REGION, filters=letters, now=NOW
        ).total.due
        == 5
    )


def test_head_sees_own_organization_executor_only_self(visas, head, lawyer):
    data = discipline(
        kind=Kind.VISAS,
        group=Group.EXECUTOR,
        scope=report_scope(head.actor),
        filters=PERIOD,
        now=NOW,
    )
    assert set(figures(data)) == {"Павлов П.", "Романова Р.", "Борисов Б."}
    own = discipline(
        kind=Kind.VISAS,
        group=Group.EXECUTOR,
        scope=report_scope(lawyer.actor),
        filters=PERIOD,
        now=NOW,
    )
    assert figures(own) == {"Павлов П.": (3, 1, 2, 3, 1)}


def test_drilldown_lists_the_documents_worst_first(visas, head, lawyer):
    data = drilldown(
        kind=Kind.VISAS,
        group=Group.EXECUTOR,
        pk=lawyer.employee.pk,
        scope=report_scope(head.actor),
        filters=PERIOD,
        now=NOW,
        viewer=head.employee,
    )
    assert [(i.days_late, i.overdue_now) for i in data.items] == [(2, True), (1, False), (0, False)]
    assert data.items[0].title == "ПРОСРОЧЕНО-ПАВЛОВ"


def test_pages_and_drilldown(visas, head, lawyer, now, django_assert_max_num_queries):
    client = head.client()
    # 12 + the calendar years of the period (read once per process, then cached)
    # + the header's count of what waits for the head's decision.
    with django_assert_max_num_queries(17):
        page = client.get(reverse("reports:visas"), QUERY)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-table="visas-executor"' in body and "<svg" in body
    assert "Олегов" not in body  # another organization
    url = reverse("reports:visas-items", args=["executor", lawyer.employee.pk])
    items = client.get(url, QUERY)
    assert items.status_code == 200
    assert "ПРОСРОЧЕНО-ПАВЛОВ" in items.content.decode()
    assert (
        client.get(reverse("reports:assignments"), {**QUERY, "group": "department"}).status_code
        == 200
    )


def test_query_count_does_not_grow_with_rows(
    visas, lawyer, economist, django_assert_max_num_queries
):
    from bering.reports.tests.conftest import visa

    for day in range(1, 25):
        visa(lawyer, due=at(f"{day:02d}.12.2025"), decided=at(f"{day:02d}.12.2025", "10:00"))
        visa(economist, due=at(f"{day:02d}.12.2025"))
    discipline(kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=PERIOD, now=NOW)
    with django_assert_max_num_queries(3):  # counts, late items, names (calendar cached)
        data = discipline(
            kind=Kind.VISAS, group=Group.EXECUTOR, scope=REGION, filters=PERIOD, now=NOW
        )
    assert len(data.rows) == 4


@pytest.mark.parametrize("kind", ["visas", "assignments"])
def test_outsider_gets_404_for_people_and_units_of_another_organization(
    kind, visas, assignments, outsider, lawyer, executor
):
    from bering.orgs.models import Employee

    client = outsider.client()
    person = lawyer if kind == "visas" else executor
    person.employee = Employee.objects.get(pk=person.employee.pk)
    for group, pk in (
        ("executor", person.employee.pk),
        ("organization", person.org.pk),
        ("department", person.employee.department_id),
    ):
        response = client.get(reverse(f"reports:{kind}-items", args=[group, pk]), QUERY)
        assert response.status_code == 404, (group, response.status_code)
        assert "ПРОСРОЧЕНО" not in response.content.decode()
    # Positive control: the same person's head reaches it.


def test_executor_reaches_only_own_drilldown(visas, lawyer, economist):
    client = lawyer.client()
    own = reverse("reports:visas-items", args=["executor", lawyer.employee.pk])
    assert client.get(own, QUERY).status_code == 200
    other = reverse("reports:visas-items", args=["executor", economist.employee.pk])
    assert client.get(other, QUERY).status_code == 404
    org = reverse("reports:visas-items", args=["organization", lawyer.org.pk])
    assert client.get(org, QUERY).status_code == 404
    page = client.get(reverse("reports:visas"), {**QUERY, "group": "organization"})
    assert page.status_code == 200
    assert "Романова" not in page.content.decode()


def test_bad_filters_are_a_400_with_a_message(head):
    client = head.client()
    assert client.get(reverse("reports:visas"), {"from": "31.12.2025"}).status_code == 400
    assert (
        client.get(reverse("reports:visas"), {"from": "2026-02-01", "to": "2026-01-01"}).status_code
        == 400
    )
    assert client.get(reverse("reports:visas"), {"org": "x"}).status_code == 400
    assert client.get(reverse("reports:visas"), {"type": "nope"}).status_code == 400
    assert client.get(reverse("reports:visas-items", args=["nobody", 1])).status_code == 404
