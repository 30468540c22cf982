"""What the approval pages read, rule by rule (decision 0015: kills the mutants of
``approvals/selectors.py``): whose tasks, which rounds and stages, how late, what
changed since one's last visa, which route templates and which people a route means."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils.translation import gettext as _

from bering.approvals import selectors, services
from bering.approvals.models import (
    ApprovalRun,
    Regulation,
    RouteParticipant,
    RouteStage,
    RouteTemplate,
    Stage,
    Visa,
)
from bering.approvals.route_templates import MAX_ID
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import create_draft, make_pdf
from bering.core import clock
from bering.core.errors import Forbidden, NotFound
from bering.documents import services as document_services
from bering.documents.models import Document, DocumentFile, DocumentType
from bering.documents.tests.factories import doc_type
from bering.files.models import StoredFile
from bering.orgs.models import Department, Position
from bering.orgs.tests.factories import DepartmentFactory
from conftest import Persona, _persona


def stage(*people: Persona, mode: str = "parallel", name: str = "Согласование") -> StagePlan:
    return StagePlan(name=name, approver_ids=tuple(p.employee.pk for p in people), mode=mode)


def pending(document: Document, persona: Persona, kind: str = "visa") -> Visa:
    return Visa.objects.get(
        run__document=document, approver=persona.employee, kind=kind, status="pending"
    )


@pytest.fixture
def other(executor, head, django_capture_on_commit_callbacks) -> Document:  # type: ignore[no-untyped-def]
    """A second draft of the same author, to show that reads keep to their own document."""
    with django_capture_on_commit_callbacks(execute=True):
        return create_draft(executor, head, text="Другой проект")


def new_version(author: Persona, document: Document, text: str, slot: int | None = 1) -> None:
    document_services.document_file_add(
        actor=author.actor,
        document=document,
        upload=document_services.Upload(name="проект.pdf", stream=io.BytesIO(make_pdf(text))),
        replaces_slot=slot,
    )


def refuse(persona: Persona, document: Document) -> None:
    services.visa_decide(
        actor=persona.actor, visa=pending(document, persona), outcome="rejected", comment="Нет"
    )


# --- tasks ------------------------------------------------------------------------------------


def test_a_visa_is_found_by_its_id_only_by_those_who_see_its_document(  # type: ignore[no-untyped-def]
    draft, other, executor, lawyer, economist, outsider
):
    services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert selectors.visa_get_for_user(lawyer.actor, visa.pk) == visa
    assert selectors.visa_get_for_user(executor.actor, visa.pk) == visa
    for who, visa_id in ((outsider, visa.pk), (lawyer, visa.pk + 1000)):
        with pytest.raises(NotFound):
            selectors.visa_get_for_user(who.actor, visa_id)


def test_the_inbox_holds_the_persons_pending_tasks_only_and_says_how_late(  # type: ignore[no-untyped-def]
    draft, other, executor, lawyer, economist, monkeypatch
):
    services.approval_start(actor=executor.actor, document=other, plan=[stage(lawyer)])
    services.visa_decide(actor=lawyer.actor, visa=pending(other, lawyer), outcome="agreed")
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    mine = pending(draft, lawyer)
    assert [r.visa for r in selectors.inbox(lawyer.actor)] == [mine]
    assert list(selectors.inbox_visas(lawyer.actor)) == [mine]
    assert not selectors.inbox(lawyer.actor)[0].late.overdue
    assert mine.due_at is not None
    later = mine.due_at + dt.timedelta(days=7)
    assert selectors.visa_row(mine, later).late.overdue  # the moment asked for, not the clock
    assert not selectors.visa_row(mine).late.overdue
    decided = Visa.objects.get(run__document=other, approver=lawyer.employee)
    assert not selectors.visa_row(decided, later).late.overdue  # decided: never late
    monkeypatch.setattr(clock, "now", lambda: later)
    assert selectors.visa_row(mine).late.overdue
    assert selectors.inbox(lawyer.actor)[0].late.overdue


# --- the route of a document ------------------------------------------------------------------


def test_the_route_shows_this_drafts_rounds_stages_visas_removals_and_holders(  # type: ignore[no-untyped-def]
    draft, other, executor, lawyer, economist, head, monkeypatch
):
    services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[stage(lawyer, name="Юристы"), stage(economist, name="Экономисты")],
    )
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    refuse(economist, draft)
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[stage(lawyer)],
        removal_reason="Экономисты согласовали отдельно",
    )
    route = selectors.route_of(draft)
    assert [r.run.round for r in route.runs] == [1, 2]
    first, second = route.runs
    assert [(s.stage.order, [v.visa.approver_id for v in s.visas]) for s in first.stages] == [
        (1, [lawyer.employee.pk]),
        (2, [economist.employee.pk]),
        (3, [head.employee.pk]),
    ]
    assert [(s.stage.order, [v.visa.approver_id for v in s.visas]) for s in second.stages] == [
        (1, [lawyer.employee.pk]),
        (2, [head.employee.pk]),
    ]
    assert [r.approver_id for r in first.removals] == []
    assert [r.approver_id for r in second.removals] == [economist.employee.pk]
    assert route.current is second and route.active is second
    assert route.stages_of(first.run.pk) is first.stages
    assert route.stages_of(second.run.pk) is second.stages
    assert route.stages_of(-1) == []
    assert [h.visa.approver_id for h in second.holders] == [lawyer.employee.pk]
    assert first.holders == []
    # Late: the active round and stage, not the finished ones.
    run = ApprovalRun.objects.get(document=draft, round=2)
    later = run.due_at + dt.timedelta(days=7)
    monkeypatch.setattr(clock, "now", lambda: later)
    route = selectors.route_of(draft)
    first, second = route.runs
    assert second.late.overdue and not first.late.overdue
    assert [s.late.overdue for s in second.stages] == [True, False]  # the signer's waits
    assert [s.late.overdue for s in first.stages] == [False, False, False]
    services.approval_recall(actor=executor.actor, document=draft)
    recalled = selectors.route_of(draft)
    assert recalled.current is not None and recalled.active is None
    assert selectors.route_of(other).active is not None
    assert selectors.document_route(executor.actor, draft.pk).runs[-1].run.round == 2


def test_a_draft_never_sent_has_no_route(draft) -> None:  # type: ignore[no-untyped-def]
    route = selectors.route_of(draft)
    assert route.runs == [] and route.current is None and route.active is None


def test_changes_are_shown_since_the_approvers_own_last_decided_visa_on_this_draft(  # type: ignore[no-untyped-def]
    draft, other, executor, lawyer, economist
):
    # The lawyer agrees on another draft; on this one his first visa is cancelled.
    services.approval_start(actor=executor.actor, document=other, plan=[stage(lawyer)])
    services.visa_decide(actor=lawyer.actor, visa=pending(other, lawyer), outcome="agreed")
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    refuse(economist, draft)
    new_version(executor, draft, "Вторая редакция")
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    assert selectors.visa_changes(pending(draft, lawyer)) == (None, [])
    since, changes = selectors.visa_changes(pending(draft, economist))
    assert since is not None and since.round == 1
    assert [(c.slot, c.old_version, c.new_version) for c in changes] == [(1, 1, 2)]
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    refuse(economist, draft)
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    # Round 3: the lawyer's last decided visa is round 2's, with the same files.
    since, changes = selectors.visa_changes(pending(draft, lawyer))
    assert since is not None and since.round == 2 and changes == []
    decided = Visa.objects.get(run__document=draft, run__round=2, approver=lawyer.employee)
    assert selectors.visa_changes(decided) == (None, [])  # nothing decided before round 2


def text_of(file: DocumentFile, text: str) -> None:
    StoredFile.objects.filter(pk=file.stored_id).update(text=text)


def test_files_changed_names_new_versions_and_new_files_with_their_text(  # type: ignore[no-untyped-def]
    draft, other, executor
):
    old_ids = [f.pk for f in DocumentFile.objects.filter(document=draft)]
    first = DocumentFile.objects.get(document=draft)
    text_of(first, "Старый текст")
    new_version(executor, draft, "Новый текст")
    new_version(executor, draft, "Приложение", slot=None)
    new_version(executor, other, "Чужой текст")
    current = {f.slot: f for f in DocumentFile.objects.filter(document=draft, version__gt=1)}
    current[3] = DocumentFile.objects.get(document=draft, slot=2)
    text_of(current[1], "Новый текст")
    text_of(current[3], "Приложение")
    new_ids = [current[1].pk, current[3].pk]
    changes = selectors.files_changed(old_ids, new_ids)
    assert [(c.slot, c.old_version, c.new_version, c.text_available) for c in changes] == [
        (1, 1, 2, True),
        (2, None, 1, True),
    ]
    assert changes[0].diff is not None and changes[1].diff is not None
    assert selectors.files_changed(new_ids, new_ids) == []
    text_of(first, "")  # a scan without text: nothing to compare with
    assert [c.text_available for c in selectors.files_changed(old_ids, new_ids)] == [False, True]
    text_of(current[3], "")
    changes = selectors.files_changed(old_ids, new_ids)
    assert [(c.text_available, c.diff) for c in changes] == [(False, None), (False, None)]


def test_a_rounds_files_and_signatures_are_its_own(draft, other, executor, lawyer, head) -> None:  # type: ignore[no-untyped-def]
    from conftest import PASSWORD

    services.approval_start(actor=executor.actor, document=other, plan=[stage(lawyer)])
    run = services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    assert [f.pk for f in selectors.run_files(run)] == run.file_ids
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    services.approval_sign(actor=head.actor, visa=pending(draft, head, "sign"), password=PASSWORD)
    assert [s.document_file_id for s in selectors.run_signatures(run)] == run.file_ids


# --- route templates --------------------------------------------------------------------------


@pytest.fixture
def templates(health, education, draft) -> dict[str, RouteTemplate]:  # type: ignore[no-untyped-def]
    letter = doc_type("outgoing-letter")
    assert draft.doc_type_id != letter.pk
    return {
        "any": RouteTemplate.objects.create(organization=health, name="Любой"),
        "own_type": RouteTemplate.objects.create(
            organization=health, name="НПА", doc_type_id=draft.doc_type_id
        ),
        "letter": RouteTemplate.objects.create(organization=health, name="Письма", doc_type=letter),
        "retired": RouteTemplate.objects.create(
            organization=health, name="Старый", is_active=False
        ),
        "foreign": RouteTemplate.objects.create(organization=education, name="Чужой"),
    }


def test_templates_offered_are_the_organizations_active_ones_for_the_type_or_any(  # type: ignore[no-untyped-def]
    templates, draft, executor
):
    names = lambda qs: sorted(t.name for t in qs)  # noqa: E731
    assert names(selectors.route_templates_for(executor.actor)) == ["Любой", "НПА", "Письма"]
    assert names(selectors.route_templates_for(executor.actor, doc_type_id=draft.doc_type_id)) == [
        "Любой",
        "НПА",
    ]
    for key in ("any", "letter"):
        assert selectors.route_template_get(executor.actor, templates[key].pk) == templates[key]
    for key in ("retired", "foreign"):
        with pytest.raises(NotFound):
            selectors.route_template_get(executor.actor, templates[key].pk)


def test_templates_kept_are_the_organizations_all_and_changed_only_with_the_right(  # type: ignore[no-untyped-def]
    templates, executor, registrar, head
):
    kept = selectors.route_templates_kept(registrar.actor)
    assert sorted(t.name for t in kept) == ["Любой", "НПА", "Письма", "Старый"]
    for key in ("any", "retired"):
        template = templates[key]
        assert selectors.route_template_get_for_user(executor.actor, template.pk) == template
        assert (
            selectors.route_template_get_for_user(registrar.actor, template.pk, for_write=True)
            == template
        )
        with pytest.raises(Forbidden):
            selectors.route_template_get_for_user(executor.actor, template.pk, for_write=True)
    for template_id in (templates["foreign"].pk, 0, -1, MAX_ID + 1):
        with pytest.raises(NotFound):
            selectors.route_template_get_for_user(registrar.actor, template_id)
    assert selectors.may_edit_routes(head.actor) and selectors.may_edit_routes(registrar.actor)
    assert not selectors.may_edit_routes(executor.actor)


def test_route_choices_are_the_organizations_own_active_people_posts_departments_and_types(  # type: ignore[no-untyped-def]
    health, education, executor, lawyer, outsider
):
    gone = _persona(health, "fedor", "Фёдоров", "Фёдор", "Бывший консультант")
    gone.employee.is_active = False
    gone.employee.save(update_fields=["is_active"])
    DepartmentFactory(organization=health, name="Правовой отдел")
    DepartmentFactory(organization=education, name="Отдел школ")
    retired = doc_type("outgoing-letter")
    DocumentType.objects.filter(pk=retired.pk).update(is_active=False)
    choices = selectors.route_choices(executor.actor)
    assert {e.pk for e in choices.employees} == {executor.employee.pk, lawyer.employee.pk}
    assert {p.pk for p in choices.positions} == set(
        Position.objects.filter(organization=health).values_list("pk", flat=True)
    )
    assert outsider.employee.position_id not in {p.pk for p in choices.positions}
    assert [d.name for d in choices.departments] == ["Правовой отдел"]
    assert retired.pk not in {t.pk for t in choices.doc_types}
    assert {t.pk for t in choices.doc_types} == set(
        DocumentType.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    assert Department.objects.filter(organization=education).exists()


def test_participants_mean_todays_active_people_of_the_organization(  # type: ignore[no-untyped-def]
    health, education, executor, lawyer, economist, head, outsider
):
    legal = DepartmentFactory(organization=health, name="Правовой отдел")
    chief = _persona(health, "nikita", "Никитин", "Никита", "Начальник отдела", is_head=True)
    chief.employee.department = legal
    chief.employee.save(update_fields=["department"])
    former = _persona(health, "fedor", "Фёдоров", "Фёдор", "Бывший министр", is_head=True)
    former.employee.is_active = False
    former.employee.save(update_fields=["is_active"])
    template = RouteTemplate.objects.create(organization=health, name="Все")
    one = RouteStage.objects.create(template=template, order=1, name="Все виды")
    p = {
        "employee": RouteParticipant.objects.create(
            stage=one, order=1, kind="employee", employee=lawyer.employee
        ),
        "position": RouteParticipant.objects.create(
            stage=one, order=2, kind="position", position=economist.employee.position
        ),
        "dept_head": RouteParticipant.objects.create(
            stage=one, order=3, kind="dept_head", department=legal
        ),
        "org_head": RouteParticipant.objects.create(stage=one, order=4, kind="org_head"),
    }
    people = selectors.participants_people(p.values(), health.pk)
    found = {kind: [e.pk for e in people[p[kind].pk]] for kind in p}
    assert found == {
        "employee": [lawyer.employee.pk],
        "position": [economist.employee.pk],
        "dept_head": [chief.employee.pk],
        "org_head": [head.employee.pk],
    }
    assert selectors.participants_people([], health.pk) == {}
    # Without a head at the top, the organization's head means the department heads.
    head.employee.is_head = False
    head.employee.save(update_fields=["is_head"])
    people = selectors.participants_people([p["org_head"]], health.pk)
    assert [e.pk for e in people[p["org_head"].pk]] == [chief.employee.pk]
    assert outsider.employee.is_head  # a head, but of another organization


def test_a_template_plan_skips_the_author_the_signer_and_repeats(  # type: ignore[no-untyped-def]
    draft, health, executor, lawyer, economist, head
):
    assert selectors.route_plan(None, draft) == []
    template = RouteTemplate.objects.create(organization=health, name="НПА")
    one = RouteStage.objects.create(template=template, order=1, name="Юристы", days=2)
    for order, employee in enumerate(
        (lawyer.employee, executor.employee, head.employee, lawyer.employee, economist.employee),
        start=1,
    ):
        RouteParticipant.objects.create(stage=one, order=order, kind="employee", employee=employee)
    assert selectors.route_plan(template, draft) == [
        StagePlan(
            name="Юристы",
            approver_ids=(lawyer.employee.pk, economist.employee.pk),
            mode="parallel",
            days=2,
        )
    ]


def test_the_next_round_starts_from_the_last_rounds_approval_stages(  # type: ignore[no-untyped-def]
    draft, other, executor, lawyer, economist
):
    assert selectors.previous_plan(draft) is None
    services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[stage(economist, name="Экономисты"), stage(lawyer, name="Юристы")],
    )
    services.approval_recall(actor=executor.actor, document=draft)
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[stage(lawyer, economist, mode="sequential", name="Вместе")],
    )
    days = Stage.objects.get(run__document=draft, run__round=2, order=1).days
    assert selectors.previous_plan(draft) == [
        StagePlan(
            name="Вместе",
            approver_ids=(lawyer.employee.pk, economist.employee.pk),
            mode="sequential",
            days=days,
        )
    ]
    assert [(s.name, s.approver_ids) for s in selectors.previous_plan(other) or []] == [
        ("Согласование", (economist.employee.pk,))
    ]


def test_refusers_and_regulation_terms_as_the_start_page_reads_them(  # type: ignore[no-untyped-def]
    draft, executor, lawyer
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    refuse(lawyer, draft)
    assert selectors.previous_refusers(draft) == [lawyer.employee.pk]
    assert not selectors.signing_without_approval(draft)  # a normative act
    regulation = Regulation.objects.get(doc_type_id=draft.doc_type_id)
    assert selectors.normative_days(draft) == regulation.total_days
    Regulation.objects.filter(pk=regulation.pk).update(signing_without_approval=True)
    assert selectors.signing_without_approval(draft)


def test_plan_edit_removes_and_adds_approvers_to_the_last_stage_once(lawyer, economist, head):  # type: ignore[no-untyped-def]
    a, b, c = lawyer.employee.pk, economist.employee.pk, head.employee.pk
    plan = [
        StagePlan(name="Первый", approver_ids=(a, b)),
        StagePlan(name="Второй", approver_ids=(c,)),
    ]
    assert selectors.plan_edit(plan, remove=set(), add=[]) == plan
    assert selectors.plan_edit(plan, remove={b}, add=[a, c, b, b]) == [
        StagePlan(name="Первый", approver_ids=(a,)),
        StagePlan(name="Второй", approver_ids=(c, b)),
    ]
    assert selectors.plan_edit([], remove=set(), add=[a]) == [
        StagePlan(name=_("Approval"), approver_ids=(a,))
    ]


def test_approvers_to_add_are_active_colleagues_other_than_the_author(  # type: ignore[no-untyped-def]
    draft, health, executor, lawyer, head, outsider
):
    gone = _persona(health, "fedor", "Фёдоров", "Фёдор", "Бывший консультант")
    gone.employee.is_active = False
    gone.employee.save(update_fields=["is_active"])
    assert set(selectors.approvers_choices(draft).values_list("pk", flat=True)) == {
        lawyer.employee.pk,
        head.employee.pk,
    }
    assert outsider.employee.pk not in set(
        selectors.approvers_choices(draft).values_list("pk", flat=True)
    )


def test_stage_plan_of_a_signing_stage_is_not_repeated(draft, executor, lawyer) -> None:  # type: ignore[no-untyped-def]
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    services.approval_recall(actor=executor.actor, document=draft)
    assert Stage.objects.filter(run__document=draft, is_signing=True).count() == 1
    assert [s.name for s in selectors.previous_plan(draft) or []] == ["Согласование"]
