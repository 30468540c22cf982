"""The appeals report on a small region counted by hand.

Everything happens in Kamchatka (UTC+12) in November 2026; "now" is Sunday
20.12.2026 12:00. The Ministry of Health receives six appeals in November and one
in October (outside the period):

- A1 «0002.0015», registered the next day, answered exactly at the answer term:
  explained; registration and answer on time (the boundary is on time).
- A2 «0002.0015», registered exactly at the registration term (on time), never
  answered: the answer is overdue now.
- A3 «0003.0008», registered one second after its term (late), redirected outside
  two days later (on time): redirected.
- A4 without a topic, never registered: the registration is overdue now.
- A5 «0002.0015», registered on time, left without an answer: no_answer.
- A7 «0002.0015», registered on time, answered one second after the term: supported,
  the answer late.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bering.appeals import services
from bering.appeals.models import Appeal, Citizen, Result, Topic
from bering.appeals.tests.conftest import make_citizen, pdf
from bering.approvals import services as approval_services
from bering.approvals.models import Visa
from bering.approvals.reference import ensure_regulations
from bering.core import clock
from bering.documents import services as document_services
from bering.documents.models import Journal
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.tests.factories import PASSWORD
from bering.reports.filters import parse_filters
from bering.reports.permissions import Scope
from bering.reports.selectors_appeals import appeals_report

pytestmark = pytest.mark.django_db

K = zoneinfo.ZoneInfo("Asia/Kamchatka")
NOW = dt.datetime(2026, 12, 20, 12, 0, tzinfo=K)
SECOND = dt.timedelta(seconds=1)
PERIOD = {"from": "2026-11-01", "to": "2026-11-30", "month": "2026-11"}


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.strptime(f"{day} {hm}", "%d.%m.%Y %H:%M").replace(tzinfo=K)


@pytest.fixture
def travel(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """``travel(moment)``: from now on, the clock says ``moment``."""

    def go(moment: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return go


def receive(citizen: Citizen, org, topic: str | None, moment: dt.datetime, travel) -> Appeal:  # type: ignore[no-untyped-def]
    travel(moment)
    return services.appeal_send(
        citizen=citizen,
        organization=org,
        text="Прошу помочь.",
        topic=Topic.objects.get(code=topic) if topic else None,
        consent=True,
    ).appeal


def register(appeal: Appeal, registrar, moment: dt.datetime, travel) -> Appeal:  # type: ignore[no-untyped-def]
    travel(moment)
    return services.appeal_register(actor=registrar.actor, appeal=appeal)


def answer(appeal: Appeal, journal: Journal, people, moment: dt.datetime, result: str, travel):  # type: ignore[no-untyped-def]
    """Draft, sign and register an answer, then send it at ``moment``."""
    registrar, executor, head = people
    travel(moment - dt.timedelta(hours=2))
    ensure_regulations()
    draft = document_services.document_create(
        actor=executor.actor,
        card=document_services.Card(
            doc_type=doc_type("outgoing-letter"),
            title="Ответ на обращение",
            signer=head.employee,
            in_reply_to=appeal.document,
        ),
        flow="outgoing",
        uploads=[document_services.Upload(name="ответ.pdf", stream=io.BytesIO(pdf("Ответ")))],
    )
    approval_services.approval_start(actor=executor.actor, document=draft, plan=[])
    visa = Visa.objects.get(run__document=draft, approver=head.employee)
    approval_services.approval_sign(actor=head.actor, visa=visa, password=PASSWORD)
    signed = document_services.document_register(
        actor=registrar.actor, document=draft, journal=journal
    )
    travel(moment)
    return services.appeal_answer_send(
        actor=registrar.actor, appeal=appeal, answer=signed, result=result
    )


@pytest.fixture
def region(registrar, executor, head, health, travel) -> dict[str, Appeal]:  # type: ignore[no-untyped-def]
    galina = make_citizen()
    journal = JournalFactory(
        organization=health, name="Исходящие", flow="outgoing", template="{index}/{seq}"
    )
    people = (registrar, executor, head)
    a1 = receive(galina, health, "0002.0015", at("02.11.2026"), travel)
    a1 = register(a1, registrar, at("03.11.2026"), travel)
    a2 = receive(galina, health, "0002.0015", at("02.11.2026", "11:00"), travel)
    a2 = register(a2, registrar, a2.registration_due_at, travel)
    a3 = receive(galina, health, "0003.0008", at("03.11.2026"), travel)
    a3 = register(a3, registrar, a3.registration_due_at + SECOND, travel)
    travel(a3.registered_at + dt.timedelta(days=2))
    services.appeal_redirect(actor=registrar.actor, appeal=a3, outside_name="Прокуратура края")
    a4 = receive(galina, health, None, at("04.11.2026"), travel)
    a5 = receive(galina, health, "0002.0015", at("05.11.2026"), travel)
    a5 = register(a5, registrar, at("05.11.2026", "15:00"), travel)
    travel(at("06.11.2026"))
    services.appeal_close_without_answer(actor=registrar.actor, appeal=a5, ground="obscene")
    a7 = receive(galina, health, "0002.0015", at("06.11.2026"), travel)
    a7 = register(a7, registrar, at("06.11.2026", "16:00"), travel)
    old = receive(galina, health, "0002.0015", at("31.10.2026", "23:59"), travel)
    answer(a1, journal, people, a1.answer_due_at, Result.EXPLAINED, travel)
    answer(a7, journal, people, a7.answer_due_at + SECOND, Result.SUPPORTED, travel)
    travel(NOW)
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a7": a7, "old": old}


def api_report(client, **query: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(reverse("api-report-appeals"), {**PERIOD, **query})
    assert response.status_code == 200, response.content
    return response.json()


def test_figures_are_exactly_right(region, head):
    data = api_report(head.client())
    assert data["total"] == 6
    assert [(o["name"], o["count"]) for o in data["by_organization"]] == [("Минздрав", 6)]
    sections = {s["code"]: s["total"] for s in data["by_section"]}
    assert sections == {"0001": 0, "0002": 4, "0003": 1, "0004": 0, "0005": 0, "": 1}
    outcomes = {o["outcome"]: o["count"] for o in data["by_outcome"]}
    assert outcomes == {
        "supported": 1,
        "explained": 1,
        "not_supported": 0,
        "no_answer": 1,
        "redirected": 1,
        "open": 2,
        "withdrawn": 0,
    }
    stages = {s["stage"]: (s["on_time"], s["late"], s["overdue_now"]) for s in data["stages"]}
    assert stages == {
        "registration": (4, 1, 1),
        "redirection": (1, 0, None),
        "answer": (1, 1, 1),
    }
    assert data["overdue_now"] == 2


def test_late_and_on_time_at_the_boundary(region, head):
    """Registered or answered exactly at the term: on time; one second later: late."""
    a2, a3 = region["a2"], region["a3"]
    assert a2.registered_at == a2.registration_due_at
    assert a3.registered_at == a3.registration_due_at + SECOND
    a1 = Appeal.objects.get(pk=region["a1"].pk)
    a7 = Appeal.objects.get(pk=region["a7"].pk)
    assert a1.closed_at == a1.answer_due_at and a7.closed_at == a7.answer_due_at + SECOND
    scope = Scope(organization_ids=frozenset({head.org.pk}))
    filters = parse_filters(PERIOD, now=NOW)
    month = dt.date(2026, 11, 1)
    # A moment before A2's answer term: not yet overdue; a second after it: overdue.
    for moment, overdue in ((a2.answer_due_at, 0), (a2.answer_due_at + SECOND, 1)):
        report = appeals_report(scope=scope, filters=filters, month=month, now=moment)
        assert report.stages[2].overdue_now == overdue


def test_monthly_summary_sections_by_result(region, head):
    response = head.client().get(reverse("api-report-appeals-monthly"), {"month": "2026-11"})
    data = response.json()
    rows = {r["code"]: r for r in data["rows"]}
    assert rows["0002"]["total"] == 4
    assert rows["0002"]["outcomes"] == {
        "supported": 1,
        "explained": 1,
        "not_supported": 0,
        "no_answer": 1,
        "redirected": 0,
        "open": 1,
        "withdrawn": 0,
    }
    assert rows["0003"]["outcomes"]["redirected"] == 1 and rows[""]["outcomes"]["open"] == 1
    assert data["total"]["total"] == 6
    october = head.client().get(reverse("api-report-appeals-monthly"), {"month": "2026-10"})
    assert october.json()["total"]["total"] == 1


def test_xlsx_opens_and_has_the_numbers(region, head):
    client = head.client()
    export = client.get(reverse("reports:appeals-monthly"), {"month": "2026-11"})
    assert export["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(export.content))
    [sheet] = book.worksheets
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(header) == 10
    by_code = {r[0]: r for r in rows}
    assert by_code["0002"][2:] == (4, 1, 1, 0, 1, 0, 1, 0)
    assert by_code["0003"][2:] == (1, 0, 0, 0, 0, 1, 0, 0)
    assert rows[-1][2:] == (6, 1, 1, 0, 1, 1, 2, 0)  # the total line
    # The same through the API, and the whole page as a workbook of every table.
    api = client.get(reverse("api-report-appeals-monthly"), {"month": "2026-11", "format": "xlsx"})
    api_rows = list(load_workbook(io.BytesIO(api.content)).active.iter_rows(values_only=True))
    assert api_rows == [header, *rows]
    page = client.get(reverse("reports:appeals"), {**PERIOD, "format": "xlsx"})
    whole = load_workbook(io.BytesIO(page.content))
    assert len(whole.sheetnames) == 5 and all(len(n) <= 31 for n in whole.sheetnames)
    assert list(whole.worksheets[-1].iter_rows(values_only=True)) == [header, *rows]
    terms = list(whole.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [r[1:] for r in terms] == [(4, 1, 80, 1), (1, 0, 100, "—"), (1, 1, 50, 1)]


def test_formula_like_organization_names_are_escaped(region, head):
    head.org.short_name = "=1+2"
    head.org.save()
    page = head.client().get(reverse("reports:appeals"), {**PERIOD, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(page.content)).worksheets[1]
    assert sheet["A2"].value == "'=1+2" and sheet["A2"].data_type == "s"


def test_page_shows_the_tables_and_is_linked_from_the_dashboard(region, head):
    client = head.client()
    body = client.get(reverse("reports:appeals"), PERIOD).content.decode()
    for name in ("terms", "organizations", "sections", "results", "monthly"):
        assert f'data-table="appeals-{name}"' in body
    assert 'data-figure="total">6<' in body
    assert reverse("reports:appeals-monthly") in body
    printed = client.get(reverse("reports:appeals"), {**PERIOD, "format": "pdf"})
    assert printed.content.startswith(b"%PDF")
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert reverse("reports:appeals") in dashboard


def test_another_organizations_head_sees_none_of_ours(region, outsider, registrar):
    data = api_report(outsider.client())
    assert data["total"] == 0 and data["by_organization"] == []
    assert all(s["on_time"] == s["late"] == 0 for s in data["stages"])
    # Asking for our organization by id gives nothing either, never our figures.
    narrowed = api_report(outsider.client(), org=str(registrar.org.pk))
    assert narrowed["total"] == 0
    page = outsider.client().get(reverse("reports:appeals"), PERIOD).content.decode()
    assert "Минздрав" not in page
    # The region administrator sees the region, and one organization when asked.
    registrar.user.is_region_admin = True
    registrar.user.save()
    region_data = api_report(registrar.client())
    assert region_data["total"] == 6
    assert api_report(registrar.client(), org=str(outsider.org.pk))["total"] == 0


def test_executors_get_403_and_bad_filters_400(head, executor):
    assert executor.client().get(reverse("reports:appeals")).status_code == 403
    assert executor.client().get(reverse("api-report-appeals")).status_code == 403
    client = head.client()
    for query, field in (
        ({"month": "2026-13"}, "month"),
        ({"month": "ноябрь"}, "month"),
        ({"month": ""}, "month"),
        ({"from": "вчера"}, "from"),
    ):
        response = client.get(reverse("api-report-appeals"), query)
        assert response.status_code == 400 and response.json()["field"] == field, query
    bad = client.get(reverse("api-report-appeals-monthly"), {"format": "csv"})
    assert bad.status_code == 400 and bad.json()["field"] == "format"
    assert client.get(reverse("reports:appeals"), {"month": "2026-13"}).status_code == 400


def _many(n: int, registrar, health, travel) -> None:  # type: ignore[no-untyped-def]
    citizen = make_citizen(f"Иванов{n}", "Иван", f"ivan{n}@mail.ru")
    topics = ["0001.0001", "0002.0015", "0003.0008", None]
    for i in range(n):
        appeal = receive(citizen, health, topics[i % 4], at("10.11.2026") + i * SECOND, travel)
        if i % 2:
            register(appeal, registrar, at("11.11.2026"), travel)
    travel(NOW)


@pytest.mark.parametrize("n", [3, 30])
def test_query_count_does_not_grow_with_the_rows(n, registrar, head, health, travel):
    _many(n, registrar, health, travel)
    scope = Scope(organization_ids=frozenset({health.pk}))
    filters = parse_filters(PERIOD, now=NOW)
    with CaptureQueriesContext(connection) as selector:
        report = appeals_report(scope=scope, filters=filters, month=dt.date(2026, 11, 1), now=NOW)
    assert report.total == n and report.monthly.total.total == n
    assert len(selector.captured_queries) == 5


def test_page_query_count_is_the_same_for_3_and_30(registrar, head, health, travel):
    counts = []
    for n in (3, 27):  # 3, then 30 in all
        _many(n, registrar, health, travel)
        client = head.client()
        client.get(reverse("reports:appeals"), PERIOD)
        with CaptureQueriesContext(connection) as page:
            client.get(reverse("reports:appeals"), PERIOD)
        counts.append(len(page.captured_queries))
    assert Appeal.objects.count() == 30
    assert counts[0] == counts[1]
