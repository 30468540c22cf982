"""Who prepares, issues, reports and decides in execution, rule by rule (decision 0015:
kills the mutants of ``assignments/permissions.py``). Mostly plain unsaved rows: the
rules read fields; the reviewer of a report needs a real resolution."""

from __future__ import annotations

import io
import itertools

import pytest

from bering.assignments import permissions, services
from bering.assignments.models import Assignment, Extension, Report, Resolution
from bering.assignments.services.resolutions import TEXT_MAX
from bering.assignments.tests.factories import incoming, issued, pdf
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document, Flow
from bering.documents.services import Upload
from bering.documents.tests.factories import doc_type
from bering.notifications.models import Notification
from bering.orgs.models import Employee, Organization
from conftest import Persona

ORG, OTHER_ORG = 1, 2
HEAD, EXECUTOR, CO_EXECUTOR, CONTROLLER, STRANGER = 10, 11, 12, 13, 14


def person(pk: int, org: int = ORG, *, user: int | None = None, **roles: bool) -> Employee:
    return Employee(pk=pk, organization_id=org, user_id=user or pk + 100, **roles)


def document(status: str = Document.Status.REGISTERED, flow: str = Flow.INCOMING) -> Document:
    return Document(organization_id=ORG, status=status, flow=flow, access=Document.Access.GENERAL)


def resolution(status: str = Resolution.Status.ACTIVE) -> Resolution:
    return Resolution(pk=1, author_id=HEAD, controller_id=CONTROLLER, status=status)


def assignment(
    executor: int = EXECUTOR,
    role: str = Assignment.Role.RESPONSIBLE,
    status: str = Assignment.Status.IN_PROGRESS,
) -> Assignment:
    return Assignment(executor_id=executor, role=role, status=status, resolution_id=1)


def report(
    author: Employee, submitted_by: Employee | None = None, decision: str = Report.Decision.PENDING
) -> Report:
    return Report(author=author, submitted_by=submitted_by, decision=decision)


def test_a_resolution_is_prepared_on_a_registered_incoming_or_internal_document_one_sees() -> None:
    clerk = person(STRANGER)
    assert permissions.can_view_document(clerk, document())
    assert permissions.can_prepare(clerk, document())
    assert permissions.can_prepare(clerk, document(flow=Flow.INTERNAL))
    assert not permissions.can_prepare(clerk, document(flow=Flow.OUTGOING))
    assert not permissions.can_prepare(clerk, document(status=Document.Status.DRAFT))
    foreign = person(STRANGER, OTHER_ORG)
    assert not permissions.can_view_document(foreign, document())
    assert not permissions.can_prepare(foreign, document())


def test_only_an_active_head_issues_and_sees_the_head_queue() -> None:
    assert permissions.can_issue(person(HEAD, is_head=True))
    assert permissions.sees_head_queue(person(HEAD, is_head=True))
    for employee in (
        person(HEAD, is_head=True, is_active=False),
        person(HEAD, is_controller=True),
        person(HEAD, is_registrar=True),
    ):
        assert not permissions.can_issue(employee)
        assert not permissions.sees_head_queue(employee)


@pytest.mark.parametrize(
    ("is_head", "is_controller", "is_active"),
    list(itertools.product((True, False), repeat=3)),
)
def test_the_control_queue_is_seen_by_an_active_controller_or_head(
    is_head: bool, is_controller: bool, is_active: bool
) -> None:
    employee = person(CONTROLLER, is_head=is_head, is_controller=is_controller, is_active=is_active)
    assert permissions.sees_control_queue(employee) == (is_active and (is_head or is_controller))


@pytest.mark.parametrize("status", list(Resolution.Status))
def test_the_head_decides_only_their_own_draft(status: str) -> None:
    head = person(HEAD, is_head=True)
    draft = resolution(status)
    assert permissions.can_decide_draft(head, draft) == (status == Resolution.Status.DRAFT)
    draft.status = Resolution.Status.DRAFT
    assert not permissions.can_decide_draft(person(STRANGER, is_head=True), draft)
    assert not permissions.can_decide_draft(person(HEAD, is_head=True, is_active=False), draft)


@pytest.mark.parametrize("status", list(Assignment.Status))
def test_an_executor_who_is_a_head_cascades_their_own_assignment_in_progress(status: str) -> None:
    head = person(EXECUTOR, is_head=True)
    assert permissions.can_cascade(head, assignment(status=status)) == (
        status == Assignment.Status.IN_PROGRESS
    )
    assert not permissions.can_cascade(person(EXECUTOR), assignment())
    assert not permissions.can_cascade(person(STRANGER, is_head=True), assignment())


def test_nobody_controls_their_own_assignment() -> None:
    assert permissions.controls_own_assignment(responsible_id=EXECUTOR, controller_id=EXECUTOR)
    assert not permissions.controls_own_assignment(
        responsible_id=EXECUTOR, controller_id=CONTROLLER
    )


def test_a_report_is_ones_own_as_author_sender_or_the_same_person_in_another_post() -> None:
    executor = person(EXECUTOR)
    assistant = person(CO_EXECUTOR)
    other_post = person(STRANGER, user=executor.user_id)
    controller = person(CONTROLLER)
    assert permissions.is_own_report(report(executor), executor)
    assert permissions.is_own_report(report(executor), other_post)
    assert not permissions.is_own_report(report(executor), controller)
    # Sent by an assistant for the executor: the assistant's too.
    assert permissions.is_own_report(report(executor, assistant), assistant)
    assert permissions.is_own_report(report(executor, assistant), executor)
    assert not permissions.is_own_report(report(executor, assistant), controller)
    # Acting in a post: the post counts as the decider as well.
    assert permissions.is_own_report(report(executor), controller, post=executor)
    assert not permissions.is_own_report(report(executor), controller, post=assistant)


def test_the_controller_takes_the_responsible_report_the_responsible_a_co_executors() -> None:
    responsible = assignment()
    co = assignment(CO_EXECUTOR, Assignment.Role.CO_EXECUTOR)
    res = resolution()
    controller, executor, stranger = person(CONTROLLER), person(EXECUTOR), person(STRANGER)
    assert permissions.is_report_reviewer(controller, responsible, res, responsible_id=EXECUTOR)
    assert not permissions.is_report_reviewer(executor, responsible, res, responsible_id=EXECUTOR)
    assert permissions.is_report_reviewer(executor, co, res, responsible_id=EXECUTOR)
    assert permissions.is_report_reviewer(controller, co, res, responsible_id=EXECUTOR)
    assert not permissions.is_report_reviewer(stranger, co, res, responsible_id=EXECUTOR)
    # Without a known responsible executor the controller takes a co-executor's report.
    assert permissions.is_report_reviewer(controller, co, res, responsible_id=None)
    assert not permissions.is_report_reviewer(executor, co, res, responsible_id=None)


@pytest.mark.parametrize("decision", list(Report.Decision))
def test_a_reviewer_decides_a_pending_report_never_their_own(decision: str) -> None:
    res = resolution()
    controller, executor = person(CONTROLLER), person(EXECUTOR)
    item = assignment()

    def decides(employee: Employee, rep: Report, post: Employee | None = None) -> bool:
        return permissions.can_decide_report(
            employee, rep, assignment=item, resolution=res, responsible_id=EXECUTOR, post=post
        )

    assert decides(controller, report(executor, decision=decision)) == (
        decision == Report.Decision.PENDING
    )
    assert not decides(person(STRANGER), report(executor))
    # The controller who wrote the report (for the executor, or as the executor's post).
    assert not decides(controller, report(executor, controller))
    assert not decides(controller, report(executor), post=executor)


def test_the_author_of_the_resolution_decides_extensions() -> None:
    assert permissions.can_decide_extension(person(HEAD), resolution())
    assert not permissions.can_decide_extension(person(CONTROLLER), resolution())


def test_a_row_without_a_viewer_offers_no_buttons() -> None:
    assert permissions.Actions() == permissions.Actions(
        report=False,
        ask_extension=False,
        cascade=False,
        decide_report=False,
        decide_extension=False,
    )


def test_the_row_buttons_of_the_executor_the_controller_and_the_author() -> None:
    res = resolution()
    executor = person(EXECUTOR, is_head=True)
    controller, head = person(CONTROLLER), person(HEAD)
    item = assignment()
    pending_report = report(executor)
    pending_extension = Extension(status=Extension.Status.PENDING)

    def actions(
        employee: Employee,
        rep: Report | None = pending_report,
        ext: Extension | None = pending_extension,
    ) -> permissions.Actions:
        return permissions.actions_for(
            employee,
            item,
            res,
            responsible_id=EXECUTOR,
            pending_report=rep,
            pending_extension=ext,
        )

    assert actions(executor) == permissions.Actions(report=True, ask_extension=True, cascade=True)
    assert actions(controller) == permissions.Actions(decide_report=True)
    assert actions(controller, rep=None) == permissions.Actions()
    assert actions(head) == permissions.Actions(decide_extension=True)
    assert actions(head, ext=None) == permissions.Actions()
    for status in (Extension.Status.GRANTED, Extension.Status.REFUSED):
        assert actions(head, ext=Extension(status=status)) == permissions.Actions()
    assert actions(person(STRANGER)) == permissions.Actions()


@pytest.mark.django_db
def test_the_reviewer_of_a_report_on_a_real_resolution(
    registrar: Persona, head: Persona, executor: Persona, controller: Persona
) -> None:
    res = issued(
        head,
        incoming(registrar),
        executor.employee,
        registrar.employee,
        controller=controller.employee,
    )
    responsible = Assignment.objects.get(resolution=res, executor=executor.employee)
    co = Assignment.objects.get(resolution=res, executor=registrar.employee)
    assert permissions.report_reviewer_id(responsible, res) == controller.employee.pk
    assert permissions.report_reviewer_id(co, res) == executor.employee.pk


# --- services/reports.py: the report's way from the executor to its reviewer ---------


def _upload() -> Upload:
    return Upload(name="справка.pdf", stream=io.BytesIO(pdf()))


@pytest.fixture
def story(
    registrar: Persona, head: Persona, executor: Persona, controller: Persona
) -> tuple[Resolution, Assignment, Assignment]:
    """Executor responsible, registrar co-executor, the controller named."""
    res = issued(
        head,
        incoming(registrar),
        executor.employee,
        registrar.employee,
        controller=controller.employee,
    )
    return (
        res,
        res.assignments.get(role=Assignment.Role.RESPONSIBLE),
        res.assignments.get(role=Assignment.Role.CO_EXECUTOR),
    )


@pytest.mark.django_db
def test_the_executor_drafts_an_outgoing_reply_signed_by_the_head_unless_told(
    story: tuple[Resolution, Assignment, Assignment],
    head: Persona,
    executor: Persona,
    controller: Persona,
) -> None:
    _, responsible, _ = story
    outgoing = doc_type("outgoing-letter")
    with pytest.raises(Forbidden):
        services.reply_draft_create(
            actor=controller.actor, assignment=responsible, doc_type=outgoing, title="Ответ"
        )
    with pytest.raises(ValidationFailed):
        services.reply_draft_create(
            actor=executor.actor,
            assignment=responsible,
            doc_type=doc_type("incoming-letter"),
            title="Ответ",
        )
    reply = services.reply_draft_create(
        actor=executor.actor, assignment=responsible, doc_type=outgoing, title="Ответ"
    )
    assert reply.signer == head.employee
    assert reply.in_reply_to == responsible.document
    assert reply.access == Document.Access.GENERAL
    assert list(reply.allowed.all()) == []
    memo = services.reply_draft_create(
        actor=executor.actor,
        assignment=responsible,
        doc_type=doc_type("memo"),
        title="Записка",
        signer=controller.employee,
    )
    assert memo.signer == controller.employee


@pytest.mark.django_db
def test_a_reply_to_a_restricted_letter_is_restricted_and_opened_to_its_writer(
    registrar: Persona, head: Persona, executor: Persona
) -> None:
    secret = incoming(registrar, access="restricted", allowed=[head.employee], number="7-ДСП")
    res = issued(head, secret, executor.employee)
    item = res.assignments.get()
    reply = services.reply_draft_create(
        actor=executor.actor,
        assignment=item,
        doc_type=doc_type("outgoing-letter"),
        title="Ответ",
    )
    assert reply.access == Document.Access.RESTRICTED
    assert executor.employee in reply.allowed.all()


@pytest.mark.django_db
def test_a_report_is_text_a_file_or_a_reply_within_the_limit_and_only_the_executors(
    story: tuple[Resolution, Assignment, Assignment],
    registrar: Persona,
    executor: Persona,
    controller: Persona,
) -> None:
    _, responsible, co = story
    with pytest.raises(Forbidden):
        services.report_submit(actor=controller.actor, assignment=responsible, text="Готово")
    with pytest.raises(ValidationFailed):
        services.report_submit(actor=executor.actor, assignment=responsible, text="   ")
    with pytest.raises(ValidationFailed):
        services.report_submit(
            actor=executor.actor, assignment=responsible, text="я" * (TEXT_MAX + 1)
        )
    responsible.refresh_from_db()
    assert responsible.status == Assignment.Status.IN_PROGRESS
    # A file alone is a report; so is a reply alone.
    by_file = services.report_submit(
        actor=registrar.actor, assignment=co, text="", uploads=[_upload()]
    )
    assert by_file.files.count() == 1
    reply = services.reply_draft_create(
        actor=executor.actor,
        assignment=responsible,
        doc_type=doc_type("outgoing-letter"),
        title="Ответ",
    )
    by_reply = services.report_submit(
        actor=executor.actor, assignment=responsible, text="", reply=reply
    )
    assert by_reply.reply == reply


@pytest.mark.django_db
def test_a_report_of_the_longest_allowed_text_is_taken(
    story: tuple[Resolution, Assignment, Assignment], executor: Persona
) -> None:
    _, responsible, _ = story
    text = "я" * TEXT_MAX
    report_ = services.report_submit(
        actor=executor.actor, assignment=responsible, text=f"  {text}  "
    )
    assert report_.text == text


@pytest.mark.django_db
def test_the_reply_of_a_report_must_answer_this_document_of_this_organization(
    story: tuple[Resolution, Assignment, Assignment], executor: Persona, education: Organization
) -> None:
    _, responsible, _ = story
    reply = services.reply_draft_create(
        actor=executor.actor,
        assignment=responsible,
        doc_type=doc_type("outgoing-letter"),
        title="Ответ",
    )
    unrelated = Document(pk=reply.pk, organization_id=reply.organization_id, in_reply_to_id=None)
    foreign = Document(
        pk=reply.pk,
        organization_id=education.pk,
        in_reply_to_id=responsible.document_id,
    )
    for wrong in (unrelated, foreign):
        with pytest.raises(ValidationFailed):
            services.report_submit(
                actor=executor.actor, assignment=responsible, text="Готово", reply=wrong
            )
    responsible.refresh_from_db()
    assert responsible.status == Assignment.Status.IN_PROGRESS
    assert (
        services.report_submit(
            actor=executor.actor, assignment=responsible, text="Готово", reply=reply
        ).reply
        == reply
    )


@pytest.mark.django_db
def test_a_report_moves_only_its_assignment_once_and_tells_the_reviewer(
    story: tuple[Resolution, Assignment, Assignment], registrar: Persona, executor: Persona
) -> None:
    _, responsible, co = story
    report_ = services.report_submit(actor=registrar.actor, assignment=co, text="Данные")
    co.refresh_from_db()
    responsible.refresh_from_db()
    assert co.status == Assignment.Status.REPORTED
    assert responsible.status == Assignment.Status.IN_PROGRESS
    assert Notification.objects.filter(
        recipient=executor.employee, kind="report", object_id=report_.pk
    ).exists()
    with pytest.raises(Conflict):
        services.report_submit(actor=registrar.actor, assignment=co, text="Ещё")
    assert Report.objects.filter(assignment=co).count() == 1


@pytest.mark.django_db
def test_accepting_decides_that_report_only_and_closes_only_that_resolution(
    story: tuple[Resolution, Assignment, Assignment],
    registrar: Persona,
    head: Persona,
    executor: Persona,
    controller: Persona,
) -> None:
    res, responsible, co = story
    other = issued(head, incoming(registrar, number="126-ОД"), executor.employee)
    other_item = other.assignments.get()
    co_report = services.report_submit(actor=registrar.actor, assignment=co, text="Данные")
    main = services.report_submit(actor=executor.actor, assignment=responsible, text="Ответ")
    with pytest.raises(Forbidden):  # the head gave the resolution but does not control it
        services.report_accept(actor=head.actor, report=main)

    collected = services.report_accept(actor=executor.actor, report=co_report)
    assert collected.decision == Report.Decision.COLLECTED
    main.refresh_from_db()
    responsible.refresh_from_db()
    res.refresh_from_db()
    assert main.decision == Report.Decision.PENDING
    assert responsible.status == Assignment.Status.REPORTED
    assert res.status == Resolution.Status.ACTIVE
    co.refresh_from_db()
    collected_at = co.done_at
    assert co.status == Assignment.Status.DONE

    accepted = services.report_accept(actor=controller.actor, report=main)
    assert accepted.decision == Report.Decision.ACCEPTED
    res.refresh_from_db()
    co.refresh_from_db()
    assert res.status == Resolution.Status.CLOSED
    assert co.done_at == collected_at  # the collected one keeps its own date
    other.refresh_from_db()
    other_item.refresh_from_db()
    assert other.status == Resolution.Status.ACTIVE
    assert other_item.status == Assignment.Status.IN_PROGRESS
    with pytest.raises(Conflict):
        services.report_accept(actor=controller.actor, report=main)


@pytest.mark.django_db
def test_returning_needs_a_reason_and_reopens_that_assignment_only(
    story: tuple[Resolution, Assignment, Assignment],
    registrar: Persona,
    executor: Persona,
    controller: Persona,
) -> None:
    _, responsible, co = story
    co_report = services.report_submit(actor=registrar.actor, assignment=co, text="Данные")
    main = services.report_submit(actor=executor.actor, assignment=responsible, text="Ответ")
    with pytest.raises(ValidationFailed):
        services.report_return(actor=controller.actor, report=main, note="   ")
    returned = services.report_return(actor=controller.actor, report=main, note="Уточните")
    assert returned.decision == Report.Decision.RETURNED
    responsible.refresh_from_db()
    co.refresh_from_db()
    co_report.refresh_from_db()
    assert responsible.status == Assignment.Status.IN_PROGRESS
    assert co.status == Assignment.Status.REPORTED
    assert co_report.decision == Report.Decision.PENDING
    with pytest.raises(Conflict):
        services.report_return(actor=controller.actor, report=main, note="Ещё раз")


@pytest.mark.django_db
def test_a_report_with_a_reply_names_the_reply_after_the_letter_unless_titled(
    story: tuple[Resolution, Assignment, Assignment], registrar: Persona, executor: Persona
) -> None:
    _, responsible, co = story
    untitled = services.report_with_reply(
        actor=registrar.actor,
        assignment=co,
        text="Данные",
        reply=services.ReplyDraft(doc_type=doc_type("memo"), title=""),
    )
    assert untitled.reply is not None
    assert untitled.reply.title == co.document.title
    titled = services.report_with_reply(
        actor=executor.actor,
        assignment=responsible,
        text="Ответ",
        reply=services.ReplyDraft(doc_type=doc_type("outgoing-letter"), title="О ремонте"),
    )
    assert titled.reply is not None
    assert titled.reply.title == "О ремонте"
