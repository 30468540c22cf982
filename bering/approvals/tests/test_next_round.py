"""Issue 10, defect 1: a round after «не согласовано» must not skip the approvers.

Vera's normative act goes to Pavel and Raisa; Raisa does not agree; Vera uploads a
new version. The next round starts from the previous route; leaving Raisa out needs
a reason, kept on the round and shown on the route page; straight to signing is an
explicit choice the type's regulation allows (a letter) or forbids (a normative act).
"""

from __future__ import annotations

import io

import pytest
from django.utils.translation import gettext_lazy as _

from bering.approvals import selectors, services
from bering.approvals.models import ApprovalRun, Regulation, Removal, Visa
from bering.approvals.services import StagePlan
from bering.approvals.tests.conftest import create_draft, make_pdf
from bering.audit.models import AuditEvent
from bering.core.errors import ValidationFailed
from bering.documents import services as document_services
from bering.documents.models import Document


def _events(document: Document) -> int:
    return AuditEvent.objects.filter(object_type="document", object_id=document.pk).count()


@pytest.fixture
def returned(draft, executor, lawyer, economist, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Round 1 (Pavel, then Raisa in a second stage) returned by Raisa; a new version uploaded."""
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[
            StagePlan(name="Правовое управление", approver_ids=(lawyer.employee.pk,), days=1),
            StagePlan(name="Экономисты", approver_ids=(economist.employee.pk,), mode="sequential"),
        ],
    )
    lawyer_visa = Visa.objects.get(run__document=draft, approver=lawyer.employee)
    services.visa_decide(actor=lawyer.actor, visa=lawyer_visa, outcome="agreed")
    services.visa_decide(
        actor=economist.actor,
        visa=Visa.objects.get(run__document=draft, approver=economist.employee),
        outcome="rejected",
        comment="Нет расчёта стоимости",
    )
    with django_capture_on_commit_callbacks(execute=True):
        document_services.document_file_add(
            actor=executor.actor,
            document=Document.objects.get(pk=draft.pk),
            upload=document_services.Upload(
                name="проект-2.pdf", stream=io.BytesIO(make_pdf("Текст с расчётом"))
            ),
            replaces_slot=1,
        )
    return Document.objects.get(pk=draft.pk)


def test_start_with_nothing_selected_after_a_refusal_is_refused(returned, executor) -> None:
    """The exact story: «Направить на согласование» with nothing selected."""
    client = executor.client()
    before = _events(returned)
    response = client.post(f"/approvals/documents/{returned.pk}/start/", {})
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.status == Document.Status.REWORK
    assert ApprovalRun.objects.filter(document=returned).count() == 1
    assert _events(returned) == before
    with pytest.raises(ValidationFailed):
        services.approval_start(actor=executor.actor, document=returned, plan=[])


def test_next_round_form_is_prefilled_with_the_previous_route(
    returned, executor, lawyer, economist
) -> None:
    plan = selectors.previous_plan(returned)
    assert plan == [
        StagePlan(name="Правовое управление", approver_ids=(lawyer.employee.pk,), days=1),
        StagePlan(
            name="Экономисты", approver_ids=(economist.employee.pk,), mode="sequential", days=1
        ),
    ]
    client = executor.client()
    page = client.get(f"/approvals/documents/{returned.pk}/").content.decode()
    assert 'data-test="from-previous"' in page and 'name="previous" value="1"' in page
    for person in (lawyer, economist):
        assert f'name="keep" value="{person.employee.pk}" checked' in page
    assert 'data-test="refuser"' in page and 'data-test="removal-reason"' in page
    assert 'data-test="direct"' not in page  # a normative act needs approval

    # The form as shown: the same stages and people.
    client.post(
        f"/approvals/documents/{returned.pk}/start/",
        {"previous": "1", "keep": [lawyer.employee.pk, economist.employee.pk]},
    )
    second = ApprovalRun.objects.get(document=returned, round=2)
    assert [
        (s.name, s.mode, [v.approver_id for v in s.visas.all()])
        for s in second.stages.order_by("order")
    ] == [
        ("Правовое управление", "parallel", [lawyer.employee.pk]),
        ("Экономисты", "sequential", [economist.employee.pk]),
        (str(_("Signing")), "parallel", [returned.signer_id]),
    ]


def test_removing_the_refuser_needs_a_reason(returned, executor, lawyer, economist) -> None:
    only_lawyer = [StagePlan(name="Правовое управление", approver_ids=(lawyer.employee.pk,))]
    before = _events(returned)
    with pytest.raises(ValidationFailed) as refused:
        services.approval_start(actor=executor.actor, document=returned, plan=only_lawyer)
    assert refused.value.field == "removal_reason"
    assert economist.user.display_name in str(refused.value.message)
    with pytest.raises(ValidationFailed):
        services.approval_start(
            actor=executor.actor, document=returned, plan=only_lawyer, removal_reason="   "
        )
    assert _events(returned) == before
    assert ApprovalRun.objects.filter(document=returned).count() == 1

    run = services.approval_start(
        actor=executor.actor,
        document=returned,
        plan=only_lawyer,
        removal_reason="Расчёт согласован с финансовым управлением отдельно",
    )
    removal = Removal.objects.get(run=run)
    assert removal.approver_id == economist.employee.pk
    event = AuditEvent.objects.filter(verb="approval.started", object_id=returned.pk).last()
    assert event is not None and event.data["removed"] == [
        {
            "approver": economist.employee.pk,
            "reason": "Расчёт согласован с финансовым управлением отдельно",
        }
    ]
    page = executor.client().get(f"/approvals/documents/{returned.pk}/").content.decode()
    assert 'data-test="removal"' in page
    line = page.split('data-test="removal">', 1)[1].split("</p>", 1)[0]
    assert economist.user.display_name in line
    assert "Расчёт согласован с финансовым управлением отдельно" in line


def test_removing_the_refuser_on_the_page_with_a_reason(
    returned, executor, lawyer, economist
) -> None:
    client = executor.client()
    client.post(
        f"/approvals/documents/{returned.pk}/start/",
        {"previous": "1", "keep": [lawyer.employee.pk]},
    )
    assert ApprovalRun.objects.filter(document=returned).count() == 1
    client.post(
        f"/approvals/documents/{returned.pk}/start/",
        {"previous": "1", "keep": [lawyer.employee.pk], "removal_reason": "В отпуске"},
    )
    run = ApprovalRun.objects.get(document=returned, round=2)
    assert list(Removal.objects.filter(run=run).values_list("approver_id", "reason")) == [
        (economist.employee.pk, "В отпуске")
    ]


def test_other_approvers_are_removed_without_a_reason(returned, executor, economist) -> None:
    run = services.approval_start(
        actor=executor.actor,
        document=returned,
        plan=[StagePlan(name="Экономисты", approver_ids=(economist.employee.pk,))],
    )
    assert run.round == 2 and not Removal.objects.filter(run=run).exists()


def test_regulation_forbids_signing_without_approval_for_normative_acts(db) -> None:
    from bering.approvals.reference import ensure_regulations

    ensure_regulations()
    allowed = dict(Regulation.objects.values_list("doc_type__code", "signing_without_approval"))
    assert allowed["normative-act"] is False
    assert allowed["outgoing-letter"] is True


def test_normative_act_straight_to_signing_is_refused(draft, executor) -> None:
    before = _events(draft)
    with pytest.raises(ValidationFailed) as refused:
        services.approval_start(
            actor=executor.actor, document=draft, plan=[], direct_to_signing=True
        )
    assert refused.value.field == "approvers"
    executor.client().post(f"/approvals/documents/{draft.pk}/start/", {"direct": "1"})
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT and _events(draft) == before


def test_letter_goes_straight_to_signing_only_when_ticked(
    executor, head, lawyer, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = create_draft(executor, head, code="outgoing-letter")
    client = executor.client()
    page = client.get(f"/approvals/documents/{letter.pk}/").content.decode()
    assert 'data-test="direct"' in page
    client.post(f"/approvals/documents/{letter.pk}/start/", {})  # nothing selected, not ticked
    letter.refresh_from_db()
    assert letter.status == Document.Status.DRAFT
    with pytest.raises(ValidationFailed):
        services.approval_start(
            actor=executor.actor,
            document=letter,
            plan=[StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))],
            direct_to_signing=True,
        )
    client.post(f"/approvals/documents/{letter.pk}/start/", {"direct": "1"})
    letter.refresh_from_db()
    assert letter.status == Document.Status.ON_SIGNING
    run = ApprovalRun.objects.get(document=letter)
    assert [v.kind for v in run.visas.all()] == ["sign"]
    event = AuditEvent.objects.get(verb="approval.started", object_id=letter.pk)
    assert event.data["direct_to_signing"] is True


def test_regulation_can_be_changed_per_type(draft, executor) -> None:
    Regulation.objects.filter(doc_type_id=draft.doc_type_id).update(signing_without_approval=True)
    run = services.approval_start(
        actor=executor.actor, document=draft, plan=[], direct_to_signing=True
    )
    assert run.stages.count() == 1


# --- the API: the same rules ------------------------------------------------------------


def _start(client, document: Document, body: dict[str, object], key: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/documents/{document.pk}/rounds",
        body,
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_api_next_round_after_a_refusal(
    returned, executor, lawyer, economist, api_client_for
) -> None:
    client = api_client_for(executor)
    route = client.get(f"/api/v1/documents/{returned.pk}/rounds").json()
    assert [s["approvers"] for s in route["next_plan"]] == [
        [lawyer.employee.pk],
        [economist.employee.pk],
    ]
    assert route["refused_in_last_round"] == [economist.employee.pk]
    assert route["signing_without_approval"] is False

    assert _start(client, returned, {"stages": []}, "k1").status_code == 400
    assert _start(client, returned, {"remove": [economist.employee.pk]}, "k2").status_code == 400
    refused = _start(client, returned, {"stages": [], "direct_to_signing": True}, "k3")
    assert refused.status_code == 400
    assert ApprovalRun.objects.filter(document=returned).count() == 1

    started = _start(
        client,
        returned,
        {"remove": [economist.employee.pk], "removal_reason": "Замечание снято письмом"},
        "k4",
    )
    assert started.status_code == 201, started.json()
    second = started.json()["rounds"][1]
    assert [[v["approver"]["id"] for v in s["visas"]] for s in second["stages"]] == [
        [lawyer.employee.pk],
        [returned.signer_id],
    ]
    assert second["removed"] == [
        {
            "approver": {"id": economist.employee.pk, "name": economist.user.display_name},
            "reason": "Замечание снято письмом",
        }
    ]


def test_api_prefilled_plan_keeps_the_same_approvers(
    returned, executor, lawyer, economist, api_client_for
) -> None:
    started = _start(api_client_for(executor), returned, {}, "k1")
    assert started.status_code == 201, started.json()
    second = started.json()["rounds"][1]
    assert [[v["approver"]["id"] for v in s["visas"]] for s in second["stages"]] == [
        [lawyer.employee.pk],
        [economist.employee.pk],
        [returned.signer_id],
    ]


def test_api_explicit_stages_and_direct_signing(
    executor, head, lawyer, api_client_for, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        act = create_draft(executor, head)
        letter = create_draft(executor, head, code="outgoing-letter")
    client = api_client_for(executor)
    assert _start(client, act, {"direct_to_signing": True}, "a1").status_code == 400
    assert _start(client, letter, {}, "l1").status_code == 400  # empty, not ticked
    signing = _start(client, letter, {"direct_to_signing": True}, "l2")
    assert signing.status_code == 201, signing.json()
    assert [s["is_signing"] for s in signing.json()["rounds"][0]["stages"]] == [True]
    stages = [
        {"name": "Юристы", "mode": "sequential", "days": 2, "approvers": [lawyer.employee.pk]}
    ]
    started = _start(client, act, {"stages": stages}, "a2")
    assert started.status_code == 201, started.json()
    first = started.json()["rounds"][0]["stages"][0]
    assert (first["name"], first["mode"], first["days"]) == ("Юристы", "sequential", 2)


def test_schema_documents_the_start_fields(client, db) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/schema/?format=json").json()
    start = schema["components"]["schemas"]["StartInRequest"]["properties"]
    assert {"stages", "removal_reason", "direct_to_signing"} <= set(start)
    route = schema["components"]["schemas"]["RoundsOut"]["properties"]
    assert {"next_plan", "refused_in_last_round", "signing_without_approval"} <= set(route)
