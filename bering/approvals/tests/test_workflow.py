"""The approval workflow as stories: Vera's draft goes to Pavel and Raisa, Boris signs it."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from bering.approvals import selectors, services
from bering.approvals.models import ApprovalRun, RouteParticipant, RouteStage, RouteTemplate, Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import make_pdf
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.notifications.models import Notification
from bering.orgs.actor import Actor
from bering.orgs.models import Substitution
from bering.signatures.models import Signature
from conftest import PASSWORD


def plan(*people, mode="parallel"):  # type: ignore[no-untyped-def]
    return [
        StagePlan(name="Согласование", approver_ids=tuple(p.employee.pk for p in people), mode=mode)
    ]


def visa_of(document: Document, persona, kind: str = "visa") -> Visa:  # type: ignore[no-untyped-def]
    return Visa.objects.get(
        run__document=document,
        run__status="active",
        approver=persona.employee,
        kind=kind,
        status="pending",
    )


def events(document: Document) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="document", object_id=document.pk)
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_parallel_round_signed_and_registered(
    draft, executor, head, lawyer, economist, registrar, outgoing_journal
):
    run = services.approval_start(
        actor=executor.actor, document=draft, plan=plan(lawyer, economist)
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_APPROVAL
    assert run.round == 1 and len(run.file_ids) == 1
    lawyer_visa = visa_of(draft, lawyer)
    assert lawyer_visa.due_at is not None and "рабоч" in lawyer_visa.due_explanation
    assert Notification.objects.filter(recipient=lawyer.employee, kind="task_new").count() == 1

    services.visa_decide(actor=lawyer.actor, visa=lawyer_visa, outcome="agreed")
    assert not Visa.objects.filter(run=run, kind="sign", status="pending").exists()
    services.visa_decide(
        actor=economist.actor,
        visa=visa_of(draft, economist),
        outcome="remarks",
        comment="Уточнить сроки завоза",
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_SIGNING
    sign = visa_of(draft, head, "sign")

    with pytest.raises(ValidationFailed):
        services.approval_sign(actor=head.actor, visa=sign, password="wrong")
    services.approval_sign(actor=head.actor, visa=sign, password=PASSWORD)
    draft.refresh_from_db()
    assert draft.status == Document.Status.SIGNED and draft.signed_at is not None
    signature = Signature.objects.get()
    current = draft.files.get()
    assert signature.document_file == current
    assert signature.sha256 == current.stored.sha256
    assert signature.signer == head.employee
    assert Notification.objects.filter(recipient=registrar.employee, kind="signed").exists()

    # Signed bytes never change: no new version, no new file, even for the registrar.
    for who in (executor, registrar):
        with pytest.raises((Conflict, Forbidden)):
            document_services.document_file_add(
                actor=who.actor,
                document=draft,
                upload=document_services.Upload(name="v2.pdf", stream=io.BytesIO(make_pdf("x"))),
                replaces_slot=1,
            )
    document_services.document_register(
        actor=registrar.actor, document=draft, journal=outgoing_journal
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.REGISTERED and draft.reg_number == "02-10/1"
    assert events(draft) == [
        "document.created",
        "approval.started",
        "approval.agreed",
        "approval.agreed_remarks",
        "approval.signed",
        "document.registered",
    ]


def test_not_agreed_returns_and_next_round_shows_changes(
    draft, executor, head, lawyer, economist, django_capture_on_commit_callbacks
):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer, economist))
    services.visa_decide(actor=lawyer.actor, visa=visa_of(draft, lawyer), outcome="agreed")
    with pytest.raises(ValidationFailed):
        services.visa_decide(
            actor=economist.actor, visa=visa_of(draft, economist), outcome="rejected"
        )
    services.visa_decide(
        actor=economist.actor,
        visa=visa_of(draft, economist),
        outcome="rejected",
        comment="Нет расчёта стоимости",
        remark_upload=document_services.Upload(
            name="замечания.pdf", stream=io.BytesIO(make_pdf("Замечания"))
        ),
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.REWORK
    first = ApprovalRun.objects.get(document=draft)
    assert first.status == ApprovalRun.Status.RETURNED
    assert not Visa.objects.filter(run=first, status__in=["pending", "waiting"]).exists()
    assert Notification.objects.filter(recipient=executor.employee, kind="returned").exists()
    rejected = Visa.objects.get(run=first, approver=economist.employee)
    assert rejected.remark_file is not None

    # Nobody can decide in a returned round; the signer was never asked.
    with pytest.raises(Conflict):
        services.visa_decide(
            actor=head.actor,
            visa=Visa.objects.get(run=first, kind="sign"),
            outcome="rejected",
            comment="x",
        )

    with django_capture_on_commit_callbacks(execute=True):
        document_services.document_file_add(
            actor=executor.actor,
            document=draft,
            upload=document_services.Upload(
                name="проект-2.pdf", stream=io.BytesIO(make_pdf("Текст проекта с расчётом"))
            ),
            replaces_slot=1,
        )
    second = services.approval_start(
        actor=executor.actor, document=draft, plan=plan(lawyer, economist)
    )
    assert second.round == 2 and second.file_ids != first.file_ids
    previous, changes = selectors.visa_changes(visa_of(draft, economist))
    assert previous == first
    assert [(c.old_version, c.new_version) for c in changes] == [(1, 2)]
    diff = changes[0].diff
    assert diff is not None and diff.changes == 1
    assert [f.text for f in diff.fragments if f.kind == "ins"] == ["с расчётом"]


def test_sequential_stage_asks_one_after_another(draft, executor, head, lawyer, economist):
    run = services.approval_start(
        actor=executor.actor, document=draft, plan=plan(lawyer, economist, mode="sequential")
    )
    assert Visa.objects.get(run=run, approver=economist.employee).status == "waiting"
    services.visa_decide(actor=lawyer.actor, visa=visa_of(draft, lawyer), outcome="agreed")
    assert Visa.objects.get(run=run, approver=economist.employee).status == "pending"
    assert selectors.inbox(economist.actor)[0].visa.approver == economist.employee


def test_only_the_approver_decides_and_only_once(draft, executor, lawyer, economist):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    visa = visa_of(draft, lawyer)
    with pytest.raises(Forbidden):
        services.visa_decide(actor=economist.actor, visa=visa, outcome="agreed")
    services.visa_decide(actor=lawyer.actor, visa=visa, outcome="agreed")
    with pytest.raises(Conflict):
        services.visa_decide(actor=lawyer.actor, visa=visa, outcome="agreed")


def test_substitute_decides_for_the_absent(draft, executor, lawyer, economist):
    Substitution.objects.create(
        absent=lawyer.employee,
        substitute=economist.employee,
        starts_on=dt.date(2000, 1, 1),
        ends_on=dt.date(2100, 1, 1),
    )
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    acting = Actor(user=economist.user, post=economist.employee, on_behalf_of=lawyer.employee)
    assert [r.visa.approver for r in selectors.inbox(acting)] == [lawyer.employee]
    services.visa_decide(actor=acting, visa=visa_of(draft, lawyer), outcome="agreed")
    visa = Visa.objects.get(approver=lawyer.employee)
    assert visa.decided_by_user == economist.user and visa.substitute_decided
    event = AuditEvent.objects.filter(verb="approval.agreed").get()
    assert event.on_behalf_of == lawyer.employee and event.actor_user == economist.user


def test_recall_by_author(draft, executor, lawyer):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    with pytest.raises(Forbidden):
        services.approval_recall(actor=lawyer.actor, document=draft)
    services.approval_recall(actor=executor.actor, document=draft)
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT
    assert Visa.objects.get(approver=lawyer.employee).status == "cancelled"
    assert selectors.inbox(lawyer.actor) == []
    with pytest.raises(Conflict):
        services.approval_recall(actor=executor.actor, document=draft)


def test_files_frozen_on_approval(draft, executor, lawyer):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    draft.refresh_from_db()
    with pytest.raises((Conflict, Forbidden)):
        document_services.document_file_add(
            actor=executor.actor,
            document=draft,
            upload=document_services.Upload(name="v2.pdf", stream=io.BytesIO(make_pdf("x"))),
            replaces_slot=1,
        )


def test_start_refuses_strangers_and_non_authors(draft, executor, lawyer, outsider):
    with pytest.raises(ValidationFailed):
        services.approval_start(actor=executor.actor, document=draft, plan=plan(outsider))
    with pytest.raises(Forbidden):
        services.approval_start(actor=lawyer.actor, document=draft, plan=plan(lawyer))
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    draft.refresh_from_db()
    with pytest.raises((Conflict, Forbidden)):
        services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))


def test_route_template_resolves_positions_and_heads(draft, health, lawyer, economist, head):
    template = RouteTemplate.objects.create(organization=health, name="НПА")
    legal = RouteStage.objects.create(template=template, order=1, name="Правовой отдел")
    RouteParticipant.objects.create(stage=legal, kind="position", position=lawyer.employee.position)
    RouteParticipant.objects.create(stage=legal, kind="employee", employee=economist.employee)
    top = RouteStage.objects.create(template=template, order=2, name="Руководитель")
    RouteParticipant.objects.create(stage=top, kind="org_head")
    result = selectors.route_plan(template, draft)
    # The head signs, so he is not asked for a visa as well.
    assert [s.approver_ids for s in result] == [
        (lawyer.employee.pk, economist.employee.pk),
        (),
    ]
    edited = selectors.plan_edit(result, remove={economist.employee.pk}, add=[head.employee.pk])
    assert [s.approver_ids for s in edited] == [(lawyer.employee.pk,), (head.employee.pk,)]


def test_overdue_is_computed_when_read(draft, executor, lawyer, monkeypatch):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    visa = visa_of(draft, lawyer)
    assert not selectors.inbox(lawyer.actor)[0].late.overdue
    later = visa.due_at + dt.timedelta(days=10)
    monkeypatch.setattr("bering.core.clock.now", lambda: later)
    row = selectors.inbox(lawyer.actor)[0]
    assert row.late.overdue and row.late.label.startswith("просрочено на ")
    assert selectors.route_of(draft).active.holders[0].late.overdue  # type: ignore[union-attr]


def test_reminders_overdue_and_escalation_sent_once(draft, executor, lawyer, head, monkeypatch):
    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    visa = visa_of(draft, lawyer)
    assert visa.due_at is not None
    soon = visa.due_at - dt.timedelta(hours=1)
    for _ in range(2):
        result = services.visas_remind(
            now=soon, remind_before=dt.timedelta(hours=4), escalate_after_days=1
        )
    assert Notification.objects.filter(kind="reminder", recipient=lawyer.employee).count() == 1
    late = visa.due_at + dt.timedelta(days=7)
    first = services.visas_remind(
        now=late, remind_before=dt.timedelta(hours=4), escalate_after_days=1
    )
    again = services.visas_remind(
        now=late, remind_before=dt.timedelta(hours=4), escalate_after_days=1
    )
    assert first.overdue == [visa.pk] and first.escalated == [visa.pk]
    assert again.overdue == [] and again.escalated == [] and result.reminded == []
    assert Notification.objects.filter(kind="overdue", recipient=lawyer.employee).count() == 1
    assert Notification.objects.filter(kind="escalation", recipient=head.employee).count() == 1


def test_remind_command_twice_sends_once(draft, executor, lawyer, monkeypatch):
    from django.core.management import call_command

    services.approval_start(actor=executor.actor, document=draft, plan=plan(lawyer))
    visa = visa_of(draft, lawyer)
    assert visa.due_at is not None
    late = visa.due_at + dt.timedelta(days=7)
    monkeypatch.setattr("bering.core.clock.now", lambda: late)
    call_command("approvals_remind", verbosity=0)
    call_command("approvals_remind", verbosity=0)
    assert Notification.objects.filter(kind="overdue", recipient=lawyer.employee).count() == 1


def test_sequential_approvers_each_get_a_share_of_the_stage(draft, executor, lawyer, economist):
    """A 4-day stage for two in turn: 2 working days each, counted from when the visa
    reaches that person; the stage itself keeps its 4 days."""
    from bering.deadlines.selectors import deadline_in_working_days

    run = services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[
            StagePlan(
                name="По очереди",
                approver_ids=(lawyer.employee.pk, economist.employee.pk),
                mode="sequential",
                days=4,
            )
        ],
    )
    tz = draft.organization.time_zone
    first = visa_of(draft, lawyer)
    stage = first.stage
    assert stage.due_at == deadline_in_working_days(start=stage.started_at, days=4, tz=tz).due_at
    assert first.due_at == deadline_in_working_days(start=first.activated_at, days=2, tz=tz).due_at
    assert "каждому 2 раб. дн." in first.due_explanation
    services.visa_decide(actor=lawyer.actor, visa=first, outcome="agreed")
    second = Visa.objects.get(run=run, approver=economist.employee)
    assert second.status == "pending"
    assert (
        second.due_at == deadline_in_working_days(start=second.activated_at, days=2, tz=tz).due_at
    )
