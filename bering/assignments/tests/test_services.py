"""Resolutions as stories: draft and confirm, issue, cascade, reports, control, extension."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from bering.assignments import selectors, services
from bering.assignments.models import Assignment, Extension, Report, Resolution, TermKind, Urgency
from bering.assignments.reminders import assignments_remind
from bering.assignments.terms import Term
from bering.assignments.tests.factories import incoming, issued, pdf, spec
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.selectors import document_get_for_user
from bering.documents.tests.factories import doc_type
from bering.notifications.models import Notification
from bering.orgs.tests.factories import EmployeeFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(registrar):
    return incoming(registrar)


def test_registrar_drafts_head_confirms_in_one_tap(letter, registrar, head, executor, controller):
    draft = services.resolution_draft(
        actor=registrar.actor,
        document=letter,
        spec=spec(executor.employee, controller=controller.employee),
        author=head.employee,
    )
    assert draft.status == Resolution.Status.DRAFT
    assert draft.prepared_by == registrar.employee
    assert selectors.assignments_mine(executor.actor) == []  # a draft gives no work yet
    assert list(selectors.drafts_for_head(head.actor)) == [draft]
    assert Notification.objects.filter(recipient=head.employee).exists()

    confirmed = services.resolution_confirm(actor=head.actor, resolution=draft)
    assert confirmed.status == Resolution.Status.ACTIVE
    assert confirmed.issued_at is not None
    rows = selectors.assignments_mine(executor.actor)
    assert [r.assignment.role for r in rows] == [Assignment.Role.RESPONSIBLE]
    assert rows[0].assignment.due_explanation
    assert Notification.objects.filter(recipient=executor.employee, kind="assignment_new").exists()
    # A second tap (a retry over a bad link) changes nothing.
    with pytest.raises(Conflict):
        services.resolution_confirm(actor=head.actor, resolution=draft)
    assert AuditEvent.objects.filter(verb="resolution.issued").count() == 1
    assert not selectors.awaiting_resolution(head.actor).filter(pk=letter.pk).exists()


def test_head_returns_a_draft(letter, registrar, head, executor):
    draft = services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    services.resolution_return(actor=head.actor, resolution=draft, note="Исполнитель — отдел ЛПП")
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.RETURNED
    assert Notification.objects.filter(recipient=registrar.employee, kind="returned").exists()
    with pytest.raises(Conflict):
        services.resolution_confirm(actor=head.actor, resolution=draft)
    assert selectors.awaiting_resolution(head.actor).filter(pk=letter.pk).exists()


def test_only_the_named_head_confirms(letter, registrar, head, executor):
    draft = services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    with pytest.raises(Forbidden):
        services.resolution_confirm(actor=executor.actor, resolution=draft)
    with pytest.raises(Forbidden):
        services.resolution_issue(actor=executor.actor, document=letter, spec=spec(head.employee))


def test_head_edits_while_confirming(letter, registrar, head, executor, controller):
    draft = services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    edited = spec(controller.employee, executor.employee, text="Срочно подготовить ответ")
    services.resolution_confirm(actor=head.actor, resolution=draft, spec=edited)
    draft.refresh_from_db()
    assert draft.text == "Срочно подготовить ответ"
    roles = dict(draft.assignments.values_list("executor_id", "role"))
    assert roles == {controller.employee.pk: "responsible", executor.employee.pk: "co_executor"}


def test_co_executors_are_due_a_working_day_earlier(letter, head, executor, controller):
    resolution = issued(head, letter, executor.employee, controller.employee, days=5)
    responsible = resolution.assignments.get(role="responsible")
    co = resolution.assignments.get(role="co_executor")
    assert co.due_at < responsible.due_at
    assert co.due_explanation and co.due_explanation != responsible.due_explanation
    assert responsible.due_explanation == resolution.due_explanation


@pytest.mark.parametrize(
    ("term", "field"),
    [
        (Term(kind=TermKind.URGENCY, urgency=Urgency.URGENT), None),
        (Term(kind=TermKind.URGENCY, urgency=Urgency.PROMPT), None),
        (Term(kind=TermKind.CALENDAR, days=30), None),
        (Term(kind=TermKind.DATE, date=dt.date(2030, 1, 15)), None),
        (Term(kind=TermKind.DATE, date=dt.date(2099, 1, 15)), "due_date"),  # over ten years
        (Term(kind=TermKind.DATE, date=dt.date(9999, 12, 31)), "due_date"),
        (Term(kind=TermKind.DATE, date=dt.date(2000, 1, 15)), "due_date"),
        (Term(kind=TermKind.WORKING, days=0), "days"),
        (Term(kind=TermKind.URGENCY, urgency="nonsense"), "urgency"),
    ],
)
def test_terms(letter, head, executor, term, field):
    s = services.ResolutionSpec(text="Рассмотреть", responsible=executor.employee, term=term)
    if field is None:
        resolution = services.resolution_issue(actor=head.actor, document=letter, spec=s)
        assert resolution.due_at > resolution.created_at
        assert resolution.due_explanation
    else:
        with pytest.raises(ValidationFailed) as exc:
            services.resolution_issue(actor=head.actor, document=letter, spec=s)
        assert exc.value.field == field


def test_urgent_is_sooner_than_prompt(letter, head, executor, settings):
    def due(urgency):
        s = services.ResolutionSpec(
            text="x", responsible=executor.employee, term=Term(kind="urgency", urgency=urgency)
        )
        return services.resolution_issue(actor=head.actor, document=letter, spec=s).due_at

    assert due("urgent") < due("prompt")
    settings.BERING_URGENCY_DAYS = {"urgent": 20}
    assert due("urgent") > due("prompt")


def test_resolution_needs_a_registered_incoming_or_internal_document(registrar, head, executor):
    draft = document_services.document_create(
        actor=registrar.actor,
        card=document_services.Card(doc_type=doc_type("outgoing-letter"), title="Ответ"),
        flow="outgoing",
    )
    with pytest.raises(Forbidden):
        issued(head, draft, executor.employee)


def test_executors_must_be_of_the_organization(letter, head, outsider):
    with pytest.raises(ValidationFailed):
        issued(head, letter, outsider.employee)


def test_restricted_document_opens_to_the_executor_only(registrar, head, executor, controller):
    secret = incoming(registrar, access="restricted", allowed=[head.employee], number="7-ДСП")
    with pytest.raises(NotFound):
        document_get_for_user(executor.actor, secret.pk)
    issued(head, secret, executor.employee)
    assert document_get_for_user(executor.actor, secret.pk) == secret
    with pytest.raises(NotFound):
        document_get_for_user(controller.actor, secret.pk)  # not named, sees nothing


def test_other_organization_sees_nothing(letter, head, executor, outsider):
    resolution = issued(head, letter, executor.employee)
    item = resolution.assignments.get()
    with pytest.raises(NotFound):
        selectors.resolution_get_for_user(outsider.actor, resolution.pk)
    with pytest.raises(NotFound):
        selectors.assignment_get_for_user(outsider.actor, item.pk)
    assert selectors.assignments_mine(outsider.actor) == []
    assert selectors.assignments_on_control(outsider.actor) == []
    assert not selectors.awaiting_resolution(outsider.actor).exists()


def _subordinate(health, name):
    return Persona(
        EmployeeFactory(user=UserFactory(username=name), organization=health, is_head=False)
    )


def test_cascade_to_the_heads_people(letter, head, health, controller):
    dept_head = Persona(
        EmployeeFactory(user=UserFactory(username="nina"), organization=health, is_head=True)
    )
    worker = _subordinate(health, "pavel")
    top = issued(head, letter, dept_head.employee, controller=controller.employee, days=10)
    parent = top.assignments.get()
    sub = services.resolution_cascade(
        actor=dept_head.actor, assignment=parent, spec=spec(worker.employee, days=3)
    )
    assert sub.parent == parent
    assert sub.controller == dept_head.employee
    tree = selectors.resolution_tree(head.actor, letter)
    assert len(tree) == 1 and tree[0].children[0].resolution == sub
    # A plain executor cannot cascade, and not later than their own due date.
    with pytest.raises(Forbidden):
        services.resolution_cascade(
            actor=worker.actor, assignment=sub.assignments.get(), spec=spec(worker.employee)
        )
    with pytest.raises(ValidationFailed):
        services.resolution_cascade(
            actor=dept_head.actor, assignment=parent, spec=spec(worker.employee, days=60)
        )


def test_reports_collected_then_control_closed(letter, head, executor, controller, health):
    co = _subordinate(health, "sonya")
    resolution = issued(
        head, letter, executor.employee, co.employee, controller=controller.employee
    )
    responsible = resolution.assignments.get(role="responsible")
    co_item = resolution.assignments.get(role="co_executor")

    co_report = services.report_submit(
        actor=co.actor,
        assignment=co_item,
        text="Данные по ФАП приложены",
        uploads=[document_services.Upload(name="справка.pdf", stream=io.BytesIO(pdf()))],
    )
    assert co_report.files.count() == 1
    # The co-executor's report goes to the responsible executor, not the controller.
    with pytest.raises(Forbidden):
        services.report_accept(actor=co.actor, report=co_report)
    services.report_accept(actor=executor.actor, report=co_report)
    co_item.refresh_from_db()
    assert co_item.status == Assignment.Status.DONE

    report = services.report_with_reply(
        actor=executor.actor,
        assignment=responsible,
        text="Проект ответа подготовлен",
        reply=services.ReplyDraft(doc_type=doc_type("outgoing-letter"), title="О ремонте ФАП"),
    )
    assert report.reply is not None
    assert report.reply.in_reply_to == letter
    assert report.reply.status == Document.Status.DRAFT
    with pytest.raises(Conflict):  # reported already
        services.report_submit(actor=executor.actor, assignment=responsible, text="ещё")

    services.report_return(actor=controller.actor, report=report, note="Уточните сроки")
    responsible.refresh_from_db()
    assert responsible.status == Assignment.Status.IN_PROGRESS
    again = services.report_submit(actor=executor.actor, assignment=responsible, text="Уточнено")
    services.report_accept(actor=controller.actor, report=again)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.CLOSED
    assert set(resolution.assignments.values_list("status", flat=True)) == {"done"}
    with pytest.raises(Conflict):
        services.report_accept(actor=controller.actor, report=again)
    assert selectors.assignments_mine(executor.actor) == []


def test_extension_keeps_both_dates(letter, head, executor):
    resolution = issued(head, letter, executor.employee, days=5)
    item = resolution.assignments.get()
    first = item.due_at
    new_date = (first + dt.timedelta(days=14)).date()
    ext = services.extension_request(
        actor=executor.actor, assignment=item, new_date=new_date, reason="Ждём данные ЦРБ"
    )
    with pytest.raises(Conflict):
        services.extension_request(
            actor=executor.actor, assignment=item, new_date=new_date, reason="ещё раз"
        )
    with pytest.raises(Forbidden):
        services.extension_decide(actor=executor.actor, extension=ext, grant=True)
    services.extension_decide(actor=head.actor, extension=ext, grant=True)
    item.refresh_from_db()
    assert item.due_at > first
    assert item.first_due_at == first
    ext.refresh_from_db()
    assert (ext.old_due_at, ext.status) == (first, Extension.Status.GRANTED)

    refused = services.extension_request(
        actor=executor.actor,
        assignment=item,
        new_date=new_date + dt.timedelta(days=7),
        reason="Ещё неделя",
    )
    services.extension_decide(actor=head.actor, extension=refused, grant=False, note="Нет")
    item.refresh_from_db()
    assert item.due_at.date() <= new_date + dt.timedelta(days=1)


def test_overdue_is_computed_when_read(letter, head, executor, controller):
    resolution = issued(head, letter, executor.employee, controller=controller.employee)
    Assignment.objects.filter(resolution=resolution).update(
        due_at=resolution.created_at - dt.timedelta(days=10)
    )
    rows = selectors.assignments_mine(executor.actor)
    assert rows[0].late.overdue and rows[0].late.days >= 1 and rows[0].late.label
    control = selectors.assignments_on_control(controller.actor)
    assert control[0].late.overdue


def test_reminders_and_escalation_are_sent_once(letter, head, executor, controller):
    late = issued(head, letter, executor.employee, controller=controller.employee)
    Assignment.objects.filter(resolution=late).update(
        due_at=late.created_at - dt.timedelta(days=10)
    )
    soon_letter = incoming(head_registrar(letter), number="2")
    soon = issued(head, soon_letter, controller.employee)
    Assignment.objects.filter(resolution=soon).update(
        due_at=soon.created_at + dt.timedelta(hours=3)
    )
    first = assignments_remind()
    assert (first.reminded, first.overdue, first.escalated) == (1, 1, 1)
    second = assignments_remind()
    assert (second.reminded, second.overdue, second.escalated) == (0, 0, 0)
    assert Notification.objects.filter(kind="escalation", recipient=head.employee).count() == 1
    assert Notification.objects.filter(kind="overdue", recipient=executor.employee).count() == 1


def head_registrar(document):
    from bering.orgs.models import Employee

    return Persona(Employee.objects.get(pk=document.registered_by_id))


def test_every_step_is_in_the_documents_history(letter, registrar, head, executor):
    draft = services.resolution_draft(
        actor=registrar.actor, document=letter, spec=spec(executor.employee), author=head.employee
    )
    services.resolution_confirm(actor=head.actor, resolution=draft)
    item = Assignment.objects.get(resolution=draft)
    services.report_submit(actor=executor.actor, assignment=item, text="Готово")
    services.report_accept(actor=head.actor, report=Report.objects.get())
    verbs = list(
        AuditEvent.objects.filter(object_type="document", object_id=letter.pk).values_list(
            "verb", flat=True
        )
    )
    assert verbs[-4:] == [
        "resolution.drafted",
        "resolution.issued",
        "assignment.reported",
        "report.accepted",
    ]
