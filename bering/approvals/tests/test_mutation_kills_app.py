"""The approval services' rules a user relies on, one by one (decision 0015: kills the
mutants of ``approvals/services/*``): who is told what, which stages a return or a
signature closes, what the audit says about a decision, and which late tasks are
reminded, reported overdue and escalated to whom, once each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils.translation import gettext as _

from bering.approvals import services
from bering.approvals.models import ApprovalRun, Regulation, Removal, Stage, Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import create_draft
from bering.audit.models import AuditEvent
from bering.core.errors import Conflict, Forbidden, ValidationFailed
from bering.documents.models import Document
from bering.notifications.models import Notification
from bering.orgs.tests.factories import DepartmentFactory
from bering.signatures.models import Signature
from conftest import PASSWORD, Persona, _persona

HOURS_4 = dt.timedelta(hours=4)


def stage(*people: Persona, mode: str = "parallel", name: str = "Согласование") -> StagePlan:
    return StagePlan(name=name, approver_ids=tuple(p.employee.pk for p in people), mode=mode)


def pending(document: Document, persona: Persona, kind: str = "visa") -> Visa:
    return Visa.objects.get(
        run__document=document, approver=persona.employee, kind=kind, status="pending"
    )


def last_event(document: Document, verb: str) -> dict[str, Any]:
    event = AuditEvent.objects.filter(
        object_type="document", object_id=document.pk, verb=verb
    ).latest("id")
    return dict(event.data)


def told(kind: str, document: Document) -> set[int]:
    """Who got a notification of this kind about the document."""
    return set(
        Notification.objects.filter(kind=kind, object_id=document.pk).values_list(
            "recipient_id", flat=True
        )
    )


def to_signing(draft: Document, author: Persona, *approvers: Persona) -> ApprovalRun:
    run = services.approval_start(actor=author.actor, document=draft, plan=[stage(*approvers)])
    for person in approvers:
        services.visa_decide(actor=person.actor, visa=pending(draft, person), outcome="agreed")
    return run


# --- common: tasks and closing a round ------------------------------------------------------


def test_the_signer_is_asked_to_sign_and_approvers_to_approve(draft, executor, lawyer, head):  # type: ignore[no-untyped-def]
    to_signing(draft, executor, lawyer)
    titles = dict(
        Notification.objects.filter(kind="task_new", object_id=draft.pk).values_list(
            "recipient_id", "title"
        )
    )
    assert titles == {
        lawyer.employee.pk: _("For approval: %(title)s") % {"title": draft.title},
        head.employee.pk: _("To sign: %(title)s") % {"title": draft.title},
    }


def test_a_return_cancels_the_open_stages_and_keeps_the_finished_one_done(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist
):
    run = services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[stage(lawyer, name="Юристы"), stage(economist, name="Экономисты")],
    )
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    first = Stage.objects.get(run=run, order=1)
    assert first.status == Stage.Status.DONE and first.finished_at is not None
    services.visa_decide(
        actor=economist.actor,
        visa=pending(draft, economist),
        outcome="rejected",
        comment="Нет расчёта",
    )
    stages = {s.order: s for s in Stage.objects.filter(run=run)}
    assert stages[1].status == Stage.Status.DONE
    assert stages[1].finished_at == first.finished_at
    assert stages[2].status == Stage.Status.CANCELLED
    assert stages[3].status == Stage.Status.CANCELLED  # the signer's
    draft.refresh_from_db()
    assert draft.status == Document.Status.REWORK


# --- signing ----------------------------------------------------------------------------------


def test_only_the_signer_signs_and_only_a_signature_task(draft, executor, lawyer, economist, head):  # type: ignore[no-untyped-def]
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    # An approver's own visa is not a signature, even with the right password.
    with pytest.raises(ValidationFailed):
        services.approval_sign(
            actor=economist.actor, visa=pending(draft, economist), password=PASSWORD
        )
    services.visa_decide(actor=economist.actor, visa=pending(draft, economist), outcome="agreed")
    # The author, with the author's right password, cannot sign for the signer.
    with pytest.raises(Forbidden):
        services.approval_sign(
            actor=executor.actor, visa=pending(draft, head, "sign"), password=PASSWORD
        )
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_SIGNING
    assert not Signature.objects.exists()
    assert pending(draft, head, "sign").status == Visa.Status.PENDING


def test_a_recalled_draft_is_not_signed_from_the_old_task(draft, executor, lawyer, head):  # type: ignore[no-untyped-def]
    to_signing(draft, executor, lawyer)
    old_task = pending(draft, head, "sign")
    services.approval_recall(actor=executor.actor, document=draft)
    with pytest.raises(Conflict):
        services.approval_sign(actor=head.actor, visa=old_task, password=PASSWORD)
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT and draft.signed_at is None
    assert not Signature.objects.exists()
    assert Visa.objects.get(pk=old_task.pk).status == Visa.Status.CANCELLED


def test_signing_one_draft_leaves_the_other_drafts_tasks_alone(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = create_draft(executor, head, text="Другой проект")
    services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    other_stage = pending(other, economist).stage
    to_signing(draft, executor, lawyer)
    services.approval_sign(actor=head.actor, visa=pending(draft, head, "sign"), password=PASSWORD)
    draft.refresh_from_db()
    assert draft.status == Document.Status.SIGNED
    assert pending(other, economist).status == Visa.Status.PENDING
    other_stage.refresh_from_db()
    assert other_stage.status == Stage.Status.ACTIVE and other_stage.finished_at is None
    assert Signature.objects.filter(document_file__document=other).count() == 0


def test_a_signed_draft_is_announced_to_its_author_and_the_active_registrars_of_its_organization(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head, registrar, outsider, health
):
    retired = _persona(health, "ruslan", "Русланов", "Руслан", "Архивариус", is_registrar=True)
    retired.employee.is_active = False
    retired.employee.save(update_fields=["is_active"])
    to_signing(draft, executor, lawyer)
    services.approval_sign(actor=head.actor, visa=pending(draft, head, "sign"), password=PASSWORD)
    assert told("signed", draft) == {executor.employee.pk, registrar.employee.pk}
    assert outsider.employee.is_registrar  # a registrar, but of another organization


# --- decisions: what the audit says -----------------------------------------------------------


def test_the_audit_says_whether_a_decision_finished_its_stage_and_who_is_asked_next(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, head
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    services.visa_decide(actor=lawyer.actor, visa=pending(draft, lawyer), outcome="agreed")
    data = last_event(draft, "approval.agreed")
    assert (data["stage_completed"], data["next"]) == (False, [])
    services.visa_decide(actor=economist.actor, visa=pending(draft, economist), outcome="agreed")
    data = last_event(draft, "approval.agreed")
    assert (data["stage_completed"], data["next"]) == (True, [head.employee.pk])


def test_the_audit_names_the_next_approver_of_a_sequential_stage(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist
):
    services.approval_start(
        actor=executor.actor, document=draft, plan=[stage(lawyer, economist, mode="sequential")]
    )
    services.visa_decide(
        actor=lawyer.actor, visa=pending(draft, lawyer), outcome="remarks", comment="Запятые"
    )
    data = last_event(draft, "approval.agreed_remarks")
    assert (data["stage_completed"], data["next"]) == (False, [economist.employee.pk])


def test_a_late_decision_is_recorded_as_late(draft, executor, lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    later = visa.due_at + dt.timedelta(days=7)
    monkeypatch.setattr("bering.core.clock.now", lambda: later)
    services.visa_decide(actor=lawyer.actor, visa=visa, outcome="agreed")
    assert last_event(draft, "approval.agreed")["late"].startswith("просрочено на ")


# --- reminders, overdue notices, escalation ---------------------------------------------------


def sweep(now: dt.datetime, *, escalate_after_days: int = 1) -> services.SweepResult:
    return services.visas_remind(
        now=now, remind_before=HOURS_4, escalate_after_days=escalate_after_days
    )


def test_reminders_go_to_every_task_due_within_the_window_and_to_no_other(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    visas = [pending(draft, lawyer), pending(draft, economist)]
    due = visas[0].due_at
    assert due is not None and visas[1].due_at == due
    assert sweep(due - dt.timedelta(hours=10)) == services.SweepResult()  # not yet
    assert told("reminder", draft) == set()
    soon = sweep(due - dt.timedelta(hours=1))
    assert sorted(soon.reminded) == sorted(v.pk for v in visas)
    assert soon.overdue == [] and soon.escalated == []
    assert told("reminder", draft) == {lawyer.employee.pk, economist.employee.pk}


def test_an_overdue_task_is_reported_overdue_not_due_soon(draft, executor, lawyer):  # type: ignore[no-untyped-def]
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    result = sweep(visa.due_at + dt.timedelta(hours=1), escalate_after_days=30)
    assert result == services.SweepResult(overdue=[visa.pk])
    assert told("reminder", draft) == set()
    assert told("overdue", draft) == {lawyer.employee.pk, executor.employee.pk}


def test_a_task_still_on_time_is_never_escalated_whatever_the_threshold(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    assert sweep(visa.due_at - dt.timedelta(hours=1), escalate_after_days=0).escalated == []
    late = sweep(visa.due_at + dt.timedelta(hours=1), escalate_after_days=0)
    assert late.escalated == [visa.pk]
    assert told("escalation", draft) == {head.employee.pk}


def test_escalation_goes_to_the_other_active_top_heads_of_the_approvers_organization(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head, economist, registrar, outsider, health
):
    deputy = _persona(health, "zoya", "Зуева", "Зоя", "Заместитель министра", is_head=True)
    department = DepartmentFactory(organization=health, name="Правовой отдел")
    chief = _persona(health, "nikita", "Никитин", "Никита", "Начальник отдела", is_head=True)
    chief.employee.department = department
    chief.employee.save(update_fields=["department"])
    former = _persona(health, "fedor", "Фёдоров", "Фёдор", "Бывший министр", is_head=True)
    former.employee.is_active = False
    former.employee.save(update_fields=["is_active"])
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, deputy)])
    lawyer_visa, deputy_visa = pending(draft, lawyer), pending(draft, deputy)
    assert lawyer_visa.due_at is not None
    result = sweep(lawyer_visa.due_at + dt.timedelta(days=7))
    assert sorted(result.escalated) == sorted([lawyer_visa.pk, deputy_visa.pk])
    by_visa: dict[int, set[int]] = {}
    for key, recipient in Notification.objects.filter(kind="escalation").values_list(
        "dedupe_key", "recipient_id"
    ):
        by_visa.setdefault(int(key.split(":")[1]), set()).add(recipient)
    assert by_visa == {
        lawyer_visa.pk: {head.employee.pk, deputy.employee.pk},
        deputy_visa.pk: {head.employee.pk},  # not to herself
    }
    heads = {
        e.data["visa"]: set(e.data["heads"])
        for e in AuditEvent.objects.filter(verb="approval.escalated")
    }
    assert heads == by_visa


def test_without_a_top_head_escalation_goes_to_the_department_heads(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head, health
):
    department = DepartmentFactory(organization=health, name="Правовой отдел")
    chief = _persona(health, "nikita", "Никитин", "Никита", "Начальник отдела", is_head=True)
    chief.employee.department = department
    chief.employee.save(update_fields=["department"])
    head.employee.is_head = False
    head.employee.save(update_fields=["is_head"])
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    assert sweep(visa.due_at + dt.timedelta(days=7)).escalated == [visa.pk]
    assert told("escalation", draft) == {chief.employee.pk}


# Two sweeps may run at once (the task worker and the command): the other one runs in the
# gap between this sweep's query and its claim of a visa. Each notice still goes out once,
# and only the sweep that sent it counts it.


def interrupted_once(monkeypatch: pytest.MonkeyPatch, other: Callable[[], object]) -> None:
    """The next transaction of a sweep starts only after ``other`` has run."""
    from bering.approvals.services import reminders

    real = reminders.atomic_with_retry
    fired: list[bool] = []

    def late_start(work: Callable[[], bool]) -> bool:
        if not fired:
            fired.append(True)
            other()
        return real(work)

    monkeypatch.setattr(reminders, "atomic_with_retry", late_start)


def test_a_reminder_claimed_by_another_sweep_is_neither_sent_nor_counted_again(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, monkeypatch
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    soon = visa.due_at - dt.timedelta(hours=1)
    others: list[services.SweepResult] = []
    interrupted_once(monkeypatch, lambda: others.append(sweep(soon)))
    assert sweep(soon).reminded == []
    assert others == [services.SweepResult(reminded=[visa.pk])]


def test_an_overdue_notice_claimed_by_another_sweep_is_not_counted_again(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, monkeypatch
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    late = visa.due_at + dt.timedelta(days=7)
    others: list[services.SweepResult] = []
    interrupted_once(monkeypatch, lambda: others.append(sweep(late, escalate_after_days=30)))
    assert sweep(late, escalate_after_days=30).overdue == []
    assert others == [services.SweepResult(overdue=[visa.pk])]


def test_an_escalation_claimed_by_another_sweep_is_audited_once(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, monkeypatch
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    late = visa.due_at + dt.timedelta(days=7)
    assert sweep(late, escalate_after_days=30).overdue == [visa.pk]  # overdue notice first
    others: list[services.SweepResult] = []
    interrupted_once(monkeypatch, lambda: others.append(sweep(late)))
    assert sweep(late).escalated == []
    assert others == [services.SweepResult(escalated=[visa.pk])]
    assert AuditEvent.objects.filter(verb="approval.escalated").count() == 1


def test_a_task_decided_before_the_sweep_claims_it_is_not_reminded(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, monkeypatch
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    visa = pending(draft, lawyer)
    assert visa.due_at is not None
    interrupted_once(
        monkeypatch,
        lambda: services.visa_decide(actor=lawyer.actor, visa=visa, outcome="agreed"),
    )
    assert sweep(visa.due_at - dt.timedelta(hours=1)).reminded == []
    assert told("reminder", draft) == set()


# --- rounds: starting and recalling -----------------------------------------------------------


def test_a_type_without_a_regulation_may_go_straight_to_signing(draft, executor, head):  # type: ignore[no-untyped-def]
    Regulation.objects.filter(doc_type_id=draft.doc_type_id).delete()
    services.approval_start(actor=executor.actor, document=draft, plan=[], direct_to_signing=True)
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_SIGNING
    assert pending(draft, head, "sign").stage.is_signing


def test_refusers_are_those_of_this_drafts_last_returned_round(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, head, django_capture_on_commit_callbacks
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    services.visa_decide(
        actor=lawyer.actor, visa=pending(draft, lawyer), outcome="rejected", comment="Нет"
    )
    assert services.last_round_refusers(draft.pk) == [lawyer.employee.pk]
    with django_capture_on_commit_callbacks(execute=True):
        other = create_draft(executor, head, text="Другой проект")
    assert services.last_round_refusers(other.pk) == []
    run = services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    assert run.round == 1  # the other draft's rounds are not this one's
    assert not Removal.objects.filter(run=run).exists()


def test_the_signer_returning_the_draft_is_not_a_refuser_to_remove(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head
):
    to_signing(draft, executor, lawyer)
    services.visa_decide(
        actor=head.actor, visa=pending(draft, head, "sign"), outcome="rejected", comment="Нет"
    )
    draft.refresh_from_db()
    assert draft.status == Document.Status.REWORK
    assert services.last_round_refusers(draft.pk) == []


def test_the_signer_who_refused_as_an_approver_stays_on_the_next_round_as_signer(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, head
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, head)])
    services.visa_decide(
        actor=head.actor, visa=pending(draft, head), outcome="rejected", comment="Переписать"
    )
    run = services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    assert run.round == 2 and not Removal.objects.filter(run=run).exists()
    assert Visa.objects.get(run=run, kind="sign").approver_id == head.employee.pk


def test_the_reason_is_asked_for_the_refusers_only_by_name(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, registrar
):
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    services.visa_decide(
        actor=economist.actor, visa=pending(draft, economist), outcome="rejected", comment="Нет"
    )
    with pytest.raises(ValidationFailed) as refused:
        services.approval_start(actor=executor.actor, document=draft, plan=[stage(registrar)])
    assert str(refused.value.message) == _(
        "%(names)s did not agree in the previous round: give the reason "
        "for removing them from the route."
    ) % {"names": economist.user.display_name}  # not the lawyer, whose visa was only cancelled


def test_approvers_must_exist_and_stages_must_be_known_modes_of_1_to_60_days(  # type: ignore[no-untyped-def]
    draft, executor, lawyer
):
    wrong = {
        "approvers": [StagePlan(name="Согласование", approver_ids=(lawyer.employee.pk + 1000,))],
        "mode": [StagePlan(name="Согласование", approver_ids=(lawyer.employee.pk,), mode="x")],
        "days": [StagePlan(name="Согласование", approver_ids=(lawyer.employee.pk,), days=0)],
    }
    for field_name, plan in wrong.items():
        with pytest.raises(ValidationFailed) as refused:
            services.approval_start(actor=executor.actor, document=draft, plan=plan)
        assert refused.value.field == field_name
    with pytest.raises(ValidationFailed):
        services.approval_start(
            actor=executor.actor,
            document=draft,
            plan=[StagePlan(name="Долго", approver_ids=(lawyer.employee.pk,), days=61)],
        )
    assert not ApprovalRun.objects.exists()
    run = services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="", approver_ids=(lawyer.employee.pk,), days=60)],
    )
    first = Stage.objects.get(run=run, order=1)
    assert (first.name, first.days) == (_("Approval"), 60)  # an unnamed stage has a name


def test_a_restricted_draft_is_opened_to_its_approvers_and_its_signer(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, head
):
    draft.access = Document.Access.RESTRICTED
    draft.save(update_fields=["access"])
    before = set(draft.allowed.values_list("pk", flat=True))
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer, economist)])
    after = set(draft.allowed.values_list("pk", flat=True))
    assert after - before == {lawyer.employee.pk, economist.employee.pk, head.employee.pk}


def test_recall_takes_back_this_drafts_current_round_only(  # type: ignore[no-untyped-def]
    draft, executor, lawyer, economist, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = create_draft(executor, head, text="Другой проект")
    services.approval_start(actor=executor.actor, document=other, plan=[stage(economist)])
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    services.visa_decide(
        actor=lawyer.actor, visa=pending(draft, lawyer), outcome="rejected", comment="Нет"
    )
    services.approval_start(actor=executor.actor, document=draft, plan=[stage(lawyer)])
    recalled = services.approval_recall(actor=executor.actor, document=draft)
    assert (recalled.document_id, recalled.round) == (draft.pk, 2)
    statuses = dict(ApprovalRun.objects.values_list("document_id", "status").order_by("pk"))
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == Document.Status.DRAFT
    assert other.status == Document.Status.ON_APPROVAL
    assert statuses[other.pk] == ApprovalRun.Status.ACTIVE
    assert list(
        ApprovalRun.objects.filter(document=draft)
        .order_by("round")
        .values_list("status", flat=True)
    ) == [ApprovalRun.Status.RETURNED, ApprovalRun.Status.RECALLED]
