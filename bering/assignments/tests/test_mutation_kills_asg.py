"""Resolutions and extensions, rule by rule (decision 0015: kills the mutants of
``assignments/services/resolutions.py`` and ``extensions.py`` the story tests let live).
Each test asserts what a user sees: the refusal, the status, who is told, the event."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from bering.assignments import selectors, services
from bering.assignments.models import Assignment, Extension, Resolution
from bering.assignments.tests.factories import incoming, issued, pdf, spec
from bering.core.errors import Conflict, NotFound, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.notifications.models import Notification
from bering.orgs.tests.factories import EmployeeFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(registrar: Persona) -> Document:
    return incoming(registrar)


def _draft(registrar: Persona, letter: Document, head: Persona, executor: Persona) -> Resolution:
    return services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )


# --- Resolutions ----------------------------------------------------------------------


def test_an_inactive_person_cannot_be_named_an_executor(letter: Document, head: Persona) -> None:
    gone = EmployeeFactory(organization=head.org, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        issued(head, letter, gone)
    assert exc.value.field == "executors"
    assert not Resolution.objects.filter(document=letter).exists()


def test_the_controller_named_by_the_head_is_told_the_head_controlling_is_not(
    letter: Document, head: Persona, executor: Persona, controller: Persona
) -> None:
    named = issued(head, letter, executor.employee, controller=controller.employee)
    assert Notification.objects.filter(
        recipient=controller.employee, object_type="resolution", object_id=named.pk
    ).exists()
    own = issued(head, letter, executor.employee)
    assert own.controller_id == head.employee.pk
    assert not Notification.objects.filter(
        recipient=head.employee, object_type="resolution", object_id=own.pk
    ).exists()


def test_a_draft_is_prepared_only_for_a_head_of_the_documents_organization(
    letter: Document, registrar: Persona, executor: Persona, controller: Persona, outsider: Persona
) -> None:
    assert outsider.employee.is_head  # a head, but of another organization
    for author in (outsider, controller):  # controller: of this organization, but no head
        with pytest.raises(ValidationFailed) as exc:
            services.resolution_draft(
                actor=registrar.actor,
                document=letter,
                spec=spec(executor.employee),
                author=author.employee,
            )
        assert exc.value.field == "author"
    assert not Resolution.objects.filter(document=letter).exists()


def test_confirming_one_draft_leaves_the_other_drafts_waiting(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    first = _draft(registrar, letter, head, executor)
    second = _draft(registrar, incoming(registrar, number="126-ОД"), head, executor)
    services.resolution_confirm(actor=head.actor, resolution=first)
    second.refresh_from_db()
    assert second.status == Resolution.Status.DRAFT
    services.resolution_confirm(actor=head.actor, resolution=second)
    second.refresh_from_db()
    assert second.status == Resolution.Status.ACTIVE


def test_the_controller_of_the_draft_stays_when_the_head_confirms_it(
    letter: Document, registrar: Persona, head: Persona, executor: Persona, controller: Persona
) -> None:
    draft = services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, controller=controller.employee),
        author=head.employee,
    )
    confirmed = services.resolution_confirm(actor=head.actor, resolution=draft)
    confirmed.refresh_from_db()
    assert confirmed.controller_id == controller.employee.pk


def test_returning_a_draft_already_confirmed_is_a_conflict(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    draft = _draft(registrar, letter, head, executor)
    services.resolution_confirm(actor=head.actor, resolution=draft)
    draft.refresh_from_db()
    with pytest.raises(Conflict):
        services.resolution_return(actor=head.actor, resolution=draft, note="Не то")


def test_returning_a_draft_confirmed_meanwhile_is_a_conflict_and_keeps_it_issued(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    draft = _draft(registrar, letter, head, executor)
    stale = Resolution.objects.get(pk=draft.pk)  # the page the head opened before the tap
    services.resolution_confirm(actor=head.actor, resolution=draft)
    with pytest.raises(Conflict):
        services.resolution_return(actor=head.actor, resolution=stale, note="Не то")
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.ACTIVE
    assert not Notification.objects.filter(kind="returned").exists()


def test_returning_one_draft_leaves_the_other_drafts_waiting(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    first = _draft(registrar, letter, head, executor)
    second = _draft(registrar, incoming(registrar, number="126-ОД"), head, executor)
    services.resolution_return(actor=head.actor, resolution=first, note="Другой исполнитель")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Resolution.Status.RETURNED
    assert first.return_note == "Другой исполнитель"
    assert second.status == Resolution.Status.DRAFT
    assert Notification.objects.filter(
        recipient=registrar.employee, kind="returned", object_id=first.pk
    ).exists()


# --- Extensions -----------------------------------------------------------------------


def _ask(persona: Persona, item: Assignment, days: int = 14) -> Extension:
    return services.extension_request(
        actor=persona.actor,
        assignment=item,
        new_date=(item.due_at + dt.timedelta(days=days)).date(),
        reason="Ждём данные ЦРБ",
    )


@pytest.fixture
def shared(letter: Document, head: Persona, executor: Persona, controller: Persona) -> Resolution:
    """The executor is responsible, the controller a co-executor."""
    return issued(head, letter, executor.employee, controller.employee, days=5)


def test_each_executor_asks_for_their_own_extension(
    shared: Resolution, executor: Persona, controller: Persona
) -> None:
    mine = _ask(executor, shared.assignments.get(executor=executor.employee))
    theirs = _ask(controller, shared.assignments.get(executor=controller.employee))
    assert mine.status == theirs.status == Extension.Status.PENDING


def test_a_granted_extension_moves_only_its_assignment_and_says_why(
    shared: Resolution,
    registrar: Persona,
    head: Persona,
    executor: Persona,
    controller: Persona,
) -> None:
    responsible = shared.assignments.get(executor=executor.employee)
    co = shared.assignments.get(executor=controller.employee)
    co_due = co.due_at
    other = issued(head, incoming(registrar, number="126-ОД"), executor.employee)
    other_item = other.assignments.get()
    ext = _ask(executor, responsible)
    services.extension_decide(actor=head.actor, extension=ext, grant=True)
    responsible.refresh_from_db()
    co.refresh_from_db()
    shared.refresh_from_db()
    assert responsible.due_at == ext.new_due_at
    assert responsible.due_explanation == ext.new_due_explanation  # the date it was moved to
    assert shared.due_at == ext.new_due_at  # the responsible's date is the resolution's
    assert shared.due_explanation == ext.new_due_explanation
    assert co.due_at == co_due
    assert Assignment.objects.get(pk=other_item.pk).due_at == other_item.due_at
    assert Resolution.objects.get(pk=other.pk).due_at == other.due_at


def test_a_co_executors_extension_leaves_the_resolutions_date(
    shared: Resolution, head: Persona, controller: Persona
) -> None:
    co = shared.assignments.get(executor=controller.employee)
    ext = _ask(controller, co, days=30)
    services.extension_decide(actor=head.actor, extension=ext, grant=True)
    co.refresh_from_db()
    shared_due = shared.due_at
    shared.refresh_from_db()
    assert co.due_at == ext.new_due_at
    assert shared.due_at == shared_due


def test_deciding_one_extension_leaves_the_others_pending(
    shared: Resolution, head: Persona, executor: Persona, controller: Persona
) -> None:
    mine = _ask(executor, shared.assignments.get(executor=executor.employee))
    theirs = _ask(controller, shared.assignments.get(executor=controller.employee))
    services.extension_decide(actor=head.actor, extension=mine, grant=False, note="Нет")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Extension.Status.REFUSED, Extension.Status.PENDING)


def test_an_extension_is_decided_once(shared: Resolution, head: Persona, executor: Persona) -> None:
    ext = _ask(executor, shared.assignments.get(executor=executor.employee))
    services.extension_decide(actor=head.actor, extension=ext, grant=True)
    with pytest.raises(Conflict):
        services.extension_decide(actor=head.actor, extension=ext, grant=False, note="Передумал")
    ext.refresh_from_db()
    assert ext.status == Extension.Status.GRANTED


# --- Selectors ------------------------------------------------------------------------


def test_each_getter_gives_the_asked_row_and_hides_a_restricted_document(
    registrar: Persona, head: Persona, executor: Persona
) -> None:
    secret = incoming(registrar, access="restricted", allowed=[head.employee])
    first = issued(head, secret, executor.employee)
    second = issued(head, secret, executor.employee)
    item = second.assignments.get()
    services.report_submit(actor=executor.actor, assignment=first.assignments.get(), text="Ранее")
    report = services.report_submit(actor=executor.actor, assignment=item, text="Готово")
    ext = _ask(executor, first.assignments.get())
    later = _ask(executor, item)
    seer = executor.actor  # named on the document by the resolution
    assert selectors.resolution_get_for_user(seer, second.pk).pk == second.pk
    assert selectors.assignment_get_for_user(seer, item.pk).pk == item.pk
    assert selectors.report_get_for_user(seer, report.pk).pk == report.pk
    assert selectors.extension_get_for_user(seer, later.pk).pk == later.pk
    assert selectors.extension_get_for_user(seer, ext.pk).pk == ext.pk
    colleague = Persona(EmployeeFactory(organization=head.org))  # same organization, not named
    for get, pk in (
        (selectors.resolution_get_for_user, second.pk),
        (selectors.assignment_get_for_user, item.pk),
        (selectors.report_get_for_user, report.pk),
        (selectors.extension_get_for_user, later.pk),
    ):
        with pytest.raises(NotFound):
            get(colleague.actor, pk)


def test_on_control_the_responsible_takes_co_executors_reports_nobody_else_sees_them(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    co = Persona(EmployeeFactory(organization=head.org))
    other_co = Persona(EmployeeFactory(organization=head.org))
    resolution = issued(head, letter, executor.employee, co.employee, other_co.employee)
    co_item = resolution.assignments.get(executor=co.employee)
    services.report_submit(actor=co.actor, assignment=co_item, text="Справка готова")
    (row,) = selectors.assignments_on_control(executor.actor)
    assert row.assignment.pk == co_item.pk
    assert row.actions.decide_report
    (node,) = selectors.resolution_tree(executor.actor, letter)
    takes = {r.assignment.executor_id: r.actions.decide_report for r in node.rows}
    assert takes == {executor.employee.pk: False, co.employee.pk: True, other_co.employee.pk: False}
    assert [r.assignment.executor_id for r in selectors.assignments_on_control(head.actor)] == [
        executor.employee.pk
    ]
    for bystander in (other_co, co, registrar):
        assert selectors.assignments_on_control(bystander.actor) == []


def test_awaiting_resolution_lists_this_organizations_documents_without_one(
    letter: Document, registrar: Persona, head: Persona, executor: Persona, outsider: Persona
) -> None:
    waiting = incoming(registrar, number="126-ОД")
    foreign = incoming(outsider, number="7-ОД")
    issued(head, letter, executor.employee)
    memo = _draft_of(registrar, "memo", "internal")  # an internal draft: not registered yet
    sent = document_services.document_register(
        actor=registrar.actor,
        document=_draft_of(registrar, "outgoing-letter", "outgoing"),
        journal=JournalFactory(
            organization=registrar.org, flow="outgoing", index="02", template="{index}/{seq}"
        ),
    )
    listed = list(selectors.awaiting_resolution(head.actor))
    assert waiting in listed
    assert letter not in listed
    assert foreign not in listed
    assert memo not in listed
    assert sent.status == Document.Status.REGISTERED
    assert sent not in listed  # outgoing: no resolution is given on it


def _draft_of(registrar: Persona, code: str, flow: str) -> Document:
    return document_services.document_create(
        actor=registrar.actor,
        card=document_services.Card(doc_type=doc_type(code), title="Записка", addressee="Минобр"),
        flow=flow,
        uploads=[document_services.Upload(name="записка.pdf", stream=io.BytesIO(pdf()))],
    )


def test_the_tree_shows_this_documents_resolutions_and_a_drafts_date_if_confirmed_now(
    letter: Document, registrar: Persona, head: Persona, executor: Persona, controller: Persona
) -> None:
    issued(head, letter, executor.employee, controller.employee)
    _draft(registrar, letter, head, executor)
    issued(head, incoming(registrar, number="126-ОД"), executor.employee)  # another document
    active, draft = selectors.resolution_tree(head.actor, letter)
    assert active.responsible_id == executor.employee.pk
    assert active.draft is None
    assert draft.resolution.status == Resolution.Status.DRAFT
    assert draft.draft is not None


def test_the_head_sees_the_drafts_prepared_for_them_and_the_extensions_to_decide(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    other_head = Persona(EmployeeFactory(organization=head.org, is_head=True))
    mine = _draft(registrar, letter, head, executor)
    _draft(registrar, letter, other_head, executor)
    issued(head, incoming(registrar, number="126-ОД"), executor.employee)  # active, not a draft
    assert list(selectors.drafts_for_head(head.actor)) == [mine]
    resolution = issued(head, incoming(registrar, number="127-ОД"), executor.employee)
    item = resolution.assignments.get()
    decided = _ask(executor, item)
    services.extension_decide(actor=head.actor, extension=decided, grant=False, note="Нет")
    waiting = _ask(executor, item)
    assert list(selectors.extensions_to_decide(head.actor)) == [waiting]
    assert list(selectors.extensions_to_decide(other_head.actor)) == []


def test_a_drafts_due_date_is_counted_from_the_moment_asked(
    letter: Document, registrar: Persona, head: Persona, executor: Persona
) -> None:
    draft = Resolution.objects.select_related("organization").get(
        pk=_draft(registrar, letter, head, executor).pk
    )
    now = selectors.draft_due_of(draft)
    later = selectors.draft_due_of(draft, now=draft.created_at + dt.timedelta(days=60))
    assert now.today is not None and later.today is not None
    assert later.today.at > now.today.at + dt.timedelta(days=50)
