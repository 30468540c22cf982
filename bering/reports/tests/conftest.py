"""A small region whose visas, assignments and approval times were counted by hand.

Everyone is in Kamchatka (UTC+12); times below are local. Business hours are
9-18, so half a working day is 4.5 hours. "Now" is Tuesday 20.01.2026 12:00.
31.12.2025-11.01.2026 are non-working days (the official calendar of 2025/2026).

People of the Ministry of Health: Pavel (legal department), Raisa (economist),
Boris (the head, signs), Vera (executor, author of the drafts), Dmitry
(controller). Oleg is the head of the Ministry of Education.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest

from bering.approvals.models import ApprovalRun, Regulation, Stage, Visa
from bering.approvals.reference import ensure_regulations
from bering.assignments.models import Assignment, Resolution
from bering.deadlines import cache
from bering.documents.models import Document
from bering.documents.tests.factories import DocumentFactory, doc_type
from bering.orgs.models import Employee
from bering.orgs.tests.factories import DepartmentFactory
from conftest import Persona, _persona

K = zoneinfo.ZoneInfo("Asia/Kamchatka")
NOW = dt.datetime(2026, 1, 20, 12, 0, tzinfo=K)


def at(day: str, hm: str = "18:00") -> dt.datetime:
    """A Kamchatka moment from "dd.mm.yyyy" and "HH:MM"."""
    return dt.datetime.strptime(f"{day} {hm}", "%d.%m.%Y %H:%M").replace(tzinfo=K)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    cache.invalidate()
    yield
    cache.invalidate()


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    from bering.core import clock

    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


@pytest.fixture
def lawyer(health) -> Persona:  # type: ignore[no-untyped-def]
    dept = DepartmentFactory(organization=health, name="Правовое управление")
    persona = _persona(health, "pavel", "Павлов", "Павел", "Начальник правового управления")
    persona.employee.department = dept
    persona.employee.save()
    return persona


@pytest.fixture
def economist(health) -> Persona:  # type: ignore[no-untyped-def]
    return _persona(health, "raisa", "Романова", "Раиса", "Главный экономист")


def document(org_person: Persona, *, code: str = "memo", title: str = "Проект") -> Document:
    return DocumentFactory(
        organization=org_person.org,
        author=org_person.employee,
        doc_type=doc_type(code),
        flow=doc_type(code).flow,
        title=title,
    )


def visa(
    approver: Persona,
    *,
    due: dt.datetime,
    decided: dt.datetime | None = None,
    status: str | None = None,
    author: Persona | None = None,
    title: str = "Проект",
) -> Visa:
    """A visa of its own one-stage round on its own draft."""
    doc = document(author or approver, title=title)
    run = ApprovalRun.objects.create(
        document=doc,
        round=1,
        status=ApprovalRun.Status.ACTIVE,
        started_by=doc.author,
        started_at=due - dt.timedelta(days=1),
    )
    stage = Stage.objects.create(
        run=run, order=1, name="Согласование", days=1, status=Stage.Status.ACTIVE
    )
    return Visa.objects.create(
        run=run,
        stage=stage,
        approver=approver.employee,
        status=status or (Visa.Status.AGREED if decided else Visa.Status.PENDING),
        activated_at=due - dt.timedelta(days=1),
        due_at=due,
        decided_at=decided,
    )


@pytest.fixture
def visas(lawyer, economist, head, outsider, executor) -> dict[str, Visa]:  # type: ignore[no-untyped-def]
    """Period 01.12.2025-31.01.2026. Expected per person (due, on time, overdue, days, now):
    Pavel 3, 1, 2, 3, 1 · Raisa 2, 0, 1, 1, 1 · Boris 1, 1, 0, 0, 0 · Oleg 1, 0, 1, 2, 0."""
    return {
        # Due Tue 30.12.2025 18:00, decided Mon 12.01.2026 10:00: 31.12-11.01 are off -> 1.
        "v1": visa(lawyer, due=at("30.12.2025"), decided=at("12.01.2026", "10:00")),
        "v2": visa(lawyer, due=at("15.01.2026"), decided=at("15.01.2026", "17:00")),
        # Pending since Fri 16.01 18:00; now Tue 20.01 12:00: Mon 19 and Tue 20 -> 2.
        "v3": visa(lawyer, due=at("16.01.2026"), title="ПРОСРОЧЕНО-ПАВЛОВ"),
        "cancelled": visa(lawyer, due=at("05.01.2026"), status=Visa.Status.CANCELLED),
        # Due Fri 26.12 18:00, decided Mon 29.12 09:30 -> 1.
        "v4": visa(economist, due=at("26.12.2025"), decided=at("29.12.2025", "09:30")),
        "v5": visa(economist, due=at("20.01.2026")),  # pending, not yet due
        "v6": visa(economist, due=at("28.11.2025")),  # before the period, overdue now
        "v7": visa(head, due=at("13.01.2026"), decided=at("13.01.2026", "12:00")),
        # Due Wed 14.01 18:00, decided Fri 16.01 10:00: Thu 15 and Fri 16 -> 2.
        "v8": visa(outsider, due=at("14.01.2026"), decided=at("16.01.2026", "10:00")),
    }


def assignment(
    executor: Employee,
    *,
    due: dt.datetime,
    status: str,
    reported: dt.datetime | None = None,
    done: dt.datetime | None = None,
) -> Assignment:
    org = executor.organization
    doc = DocumentFactory(organization=org, author=executor, doc_type=doc_type("incoming-letter"))
    head = Employee.objects.filter(organization=org, is_head=True).first() or executor
    resolution = Resolution.objects.create(
        organization=org,
        document=doc,
        author=head,
        controller=head,
        text="Подготовить ответ",
        term_kind="date",
        due_at=due,
        due_explanation="",
        status=Resolution.Status.DRAFT if status == "pending" else Resolution.Status.ACTIVE,
        issued_at=None if status == "pending" else due - dt.timedelta(days=5),
    )
    return Assignment.objects.create(
        resolution=resolution,
        organization=org,
        document=doc,
        executor=executor,
        role=Assignment.Role.RESPONSIBLE,
        due_at=due,
        first_due_at=due,
        due_explanation="",
        status=status,
        reported_at=reported,
        done_at=done,
    )


@pytest.fixture
def assignments(executor, controller, head, outsider) -> dict[str, Assignment]:  # type: ignore[no-untyped-def]
    """Period 01.12.2025-31.01.2026. Per executor (due, on time, overdue, days, now):
    Vera 3, 1, 2, 3, 1 · Dmitry 1, 0, 1, 1, 0 · Oleg 1, 0, 1, 1, 1.
    Per organization: Минздрав 4, 1, 3, 4, 1 · Минобр 1, 0, 1, 1, 1."""
    health = executor.org
    medical = DepartmentFactory(organization=health, name="Отдел медицинской помощи")
    control = DepartmentFactory(organization=health, name="Отдел контроля")
    Employee.objects.filter(pk=executor.employee.pk).update(department=medical)
    Employee.objects.filter(pk=controller.employee.pk).update(department=control)
    vera, dmitry, oleg = executor.employee, controller.employee, outsider.employee
    return {
        # Reported Mon 12.01 10:00 against 30.12.2025: 1 working day late (accepted later).
        "a1": assignment(
            vera,
            due=at("30.12.2025"),
            status="done",
            reported=at("12.01.2026", "10:00"),
            done=at("13.01.2026", "11:00"),
        ),
        "a2": assignment(
            vera, due=at("15.01.2026"), status="reported", reported=at("15.01.2026", "12:00")
        ),
        "a3": assignment(vera, due=at("16.01.2026"), status="in_progress"),  # 2 days, now
        "draft": assignment(vera, due=at("10.01.2026"), status="pending"),  # not counted
        # Done without a report Wed 14.01 10:00 against Tue 13.01 18:00: 1.
        "a4": assignment(
            dmitry, due=at("13.01.2026"), status="done", done=at("14.01.2026", "10:00")
        ),
        # Open since Mon 19.01 18:00; now Tue 20.01 12:00: 1.
        "a5": assignment(oleg, due=at("19.01.2026"), status="in_progress"),
    }


def signed_round(
    doc: Document,
    *,
    number: int,
    start: dt.datetime,
    due: dt.datetime,
    stages: list[tuple[str, Persona, dt.datetime, dt.datetime, dt.datetime]],
    status: str = ApprovalRun.Status.SIGNED,
) -> ApprovalRun:
    """A round with its stages (name, person, started, finished, stage due); the last
    stage of a signed round is the signing."""
    run = ApprovalRun.objects.create(
        document=doc,
        round=number,
        status=status,
        started_by=doc.author,
        started_at=start,
        finished_at=stages[-1][3],
        due_at=due,
    )
    for order, (name, person, started, finished, stage_due) in enumerate(stages, start=1):
        signing = status == ApprovalRun.Status.SIGNED and order == len(stages)
        stage = Stage.objects.create(
            run=run,
            order=order,
            name=name,
            is_signing=signing,
            days=1,
            status=Stage.Status.DONE,
            started_at=started,
            finished_at=finished,
            due_at=stage_due,
        )
        rejected = status == ApprovalRun.Status.RETURNED and order == len(stages)
        Visa.objects.create(
            run=run,
            stage=stage,
            approver=person.employee,
            kind=Visa.Kind.SIGN if signing else Visa.Kind.VISA,
            status=(
                Visa.Status.SIGNED
                if signing
                else Visa.Status.REJECTED
                if rejected
                else Visa.Status.AGREED
            ),
            comment="Замечания" if rejected else "",
            activated_at=started,
            due_at=stage_due,
            decided_at=finished,
        )
    return run


LEGAL = "Правовое управление"
FINANCE = "Финансы"
SIGNING = "Подписание"


@pytest.fixture
def approvals(executor, lawyer, economist, head, outsider) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    """Agreements (normative 3 working days) and one decree across the New Year holidays.

    Agreement A1: 12.01 09:00 -> 15.01 18:00 = 4.0 (legal 3.0, finance 0.5, signing 0.5);
      signed by its first round's due time (15.01 18:00): within the normative.
    Agreement A2: 19.01 09:00 -> 26.01 13:30 = 5.5: round 1 legal 1.5 (returned), rework
      0.5, round 2 legal 2.0, finance 1.0, signing 0.5; due 22.01 18:00: late.
    Agreement A3: 02.02 09:00 -> 10.02 13:30 = 6.5 (legal 5.0, finance 1.0, signing 0.5).
    Agreements: mean 16/3 = 5.3, median 5.5, p90 6.5, within 1 of 3 (33 %).
    Legal: 3.0 + 1.5 + 2.0 + 5.0 = 11.5 of 16.0 = 72 % -> the bottleneck; Pavel's four
      visas, mean 2.875, two late (A1: due 13.01 18:00; A3: due 03.02 18:00).
    Decree D1: 30.12.2025 09:00 -> 12.01.2026 13:30 = 1.5 (30.12 whole, 12.01 half):
      13 calendar days, 1.5 working days; normative 7 -> within.
    Outsider's agreement O1 (Минобр): 4 working days, never in the Ministry of Health's view.
    """
    ensure_regulations()
    Regulation.objects.filter(doc_type=doc_type("agreement")).update(total_days=3)
    a1 = document(executor, code="agreement", title="Соглашение А1")
    signed_round(
        a1,
        number=1,
        start=at("12.01.2026", "09:00"),
        due=at("15.01.2026"),
        stages=[
            (LEGAL, lawyer, at("12.01.2026", "09:00"), at("14.01.2026"), at("13.01.2026")),
            (
                FINANCE,
                economist,
                at("15.01.2026", "09:00"),
                at("15.01.2026", "13:30"),
                at("16.01.2026"),
            ),
            (SIGNING, head, at("15.01.2026", "13:30"), at("15.01.2026"), at("16.01.2026")),
        ],
    )
    a2 = document(executor, code="agreement", title="Соглашение А2")
    signed_round(
        a2,
        number=1,
        status=ApprovalRun.Status.RETURNED,
        start=at("19.01.2026", "09:00"),
        due=at("22.01.2026"),
        stages=[
            (LEGAL, lawyer, at("19.01.2026", "09:00"), at("20.01.2026", "13:30"), at("20.01.2026")),
        ],
    )
    signed_round(
        a2,
        number=2,
        start=at("21.01.2026", "09:00"),
        due=at("26.01.2026"),
        stages=[
            (LEGAL, lawyer, at("21.01.2026", "09:00"), at("22.01.2026"), at("22.01.2026")),
            (FINANCE, economist, at("23.01.2026", "09:00"), at("23.01.2026"), at("26.01.2026")),
            (SIGNING, head, at("26.01.2026", "09:00"), at("26.01.2026", "13:30"), at("27.01.2026")),
        ],
    )
    a3 = document(executor, code="agreement", title="Соглашение А3")
    signed_round(
        a3,
        number=1,
        start=at("02.02.2026", "09:00"),
        due=at("05.02.2026"),
        stages=[
            (LEGAL, lawyer, at("02.02.2026", "09:00"), at("06.02.2026"), at("03.02.2026")),
            (FINANCE, economist, at("09.02.2026", "09:00"), at("09.02.2026"), at("10.02.2026")),
            (SIGNING, head, at("10.02.2026", "09:00"), at("10.02.2026", "13:30"), at("11.02.2026")),
        ],
    )
    d1 = document(executor, code="decree", title="Постановление Д1")
    signed_round(
        d1,
        number=1,
        start=at("30.12.2025", "09:00"),
        due=at("20.01.2026"),
        stages=[
            (LEGAL, lawyer, at("30.12.2025", "09:00"), at("12.01.2026", "09:00"), at("12.01.2026")),
            (SIGNING, head, at("12.01.2026", "09:00"), at("12.01.2026", "13:30"), at("13.01.2026")),
        ],
    )
    o1 = document(outsider, code="agreement", title="Соглашение Минобра")
    signed_round(
        o1,
        number=1,
        start=at("12.01.2026", "09:00"),
        due=at("15.01.2026"),
        stages=[
            (SIGNING, outsider, at("12.01.2026", "09:00"), at("15.01.2026"), at("13.01.2026")),
        ],
    )
    return {"a1": a1, "a2": a2, "a3": a3, "d1": d1, "o1": o1}
