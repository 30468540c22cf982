"""The approval pages, without a browser: inbox, decision screen, route, sheet."""

from __future__ import annotations

from bering.approvals import services
from bering.approvals.models import Visa
from bering.approvals.services import StagePlan
from bering.documents.models import Document


def test_author_starts_from_the_route_page(draft, executor, lawyer) -> None:
    client = executor.client()
    page = client.get(f"/approvals/documents/{draft.pk}/")
    assert page.status_code == 200 and b'data-action="start"' in page.content
    response = client.post(f"/approvals/documents/{draft.pk}/start/", {"add": [lawyer.employee.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Document.Status.ON_APPROVAL
    detail = client.get(f"/documents/{draft.pk}/").content.decode()
    assert f"/approvals/documents/{draft.pk}/" in detail


def test_one_tap_agree_and_refusal_needs_a_comment(draft, executor, lawyer, economist) -> None:
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Все", approver_ids=(lawyer.employee.pk, economist.employee.pk))],
    )
    client = lawyer.client()
    inbox = client.get("/approvals/").content.decode()
    visa = Visa.objects.get(approver=lawyer.employee)
    assert f"/approvals/visas/{visa.pk}/" in inbox
    screen = client.get(f"/approvals/visas/{visa.pk}/").content.decode()
    assert 'data-action="agree"' in screen and visa.due_explanation in screen
    assert client.post(f"/approvals/visas/{visa.pk}/", {"outcome": "agreed"}).status_code == 302
    visa.refresh_from_db()
    assert visa.status == "agreed"

    other = Visa.objects.get(approver=economist.employee)
    economist.client().post(f"/approvals/visas/{other.pk}/", {"outcome": "rejected"})
    other.refresh_from_db()
    assert other.status == "pending"  # refused without a comment, nothing lost


def test_sheet_page_and_pdf(draft, executor, lawyer) -> None:
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(approver=lawyer.employee)
    services.visa_decide(actor=lawyer.actor, visa=visa, outcome="remarks", comment="Поправить п. 3")
    client = executor.client()
    assert (
        "Поправить п. 3" in client.get(f"/approvals/documents/{draft.pk}/sheet/").content.decode()
    )
    pdf = client.get(f"/approvals/documents/{draft.pk}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")


def test_route_page_says_working_days_in_proper_russian(draft, executor, lawyer, economist) -> None:
    """«1 рабочий день», «2 рабочих дня», «5 рабочих дней» — not «2 working days» for all."""
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[
            StagePlan(name="Юристы", approver_ids=(lawyer.employee.pk,), days=1),
            StagePlan(name="Экономисты", approver_ids=(economist.employee.pk,), days=2),
        ],
    )
    page = executor.client().get(f"/approvals/documents/{draft.pk}/").content.decode()
    assert "1 рабочий день" in page
    assert "2 рабочих дня" in page


def _decision_message(client, visa: Visa, data: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    from django.contrib.messages import get_messages

    response = client.post(f"/approvals/visas/{visa.pk}/", data)
    assert response.status_code == 302
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_decision_message_names_the_recorded_outcome(draft, executor, lawyer, economist) -> None:
    """Issue 10, defect 6: «Согласовать с замечаниями» must not answer «Согласовано.»."""
    from django.utils.translation import gettext as _

    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Все", approver_ids=(lawyer.employee.pk, economist.employee.pk))],
    )
    remarks = _decision_message(
        lawyer.client(),
        Visa.objects.get(approver=lawyer.employee),
        {"outcome": "remarks", "comment": "Поправить п. 3"},
    )
    assert Visa.objects.get(approver=lawyer.employee).status == "remarks"
    assert remarks == _("Agreed with remarks.")
    refused = _decision_message(
        economist.client(),
        Visa.objects.get(approver=economist.employee),
        {"outcome": "rejected", "comment": "Нет расчёта"},
    )
    assert refused == _("Not agreed: the draft is returned to its author.")
    assert remarks != refused != _("Agreed.")


def test_plain_agreement_says_agreed(draft, executor, lawyer) -> None:
    from django.utils.translation import gettext as _

    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(approver=lawyer.employee)
    assert _decision_message(lawyer.client(), visa, {"outcome": "agreed"}) == _("Agreed.")


def test_inbox_is_paged(head, executor, lawyer):  # type: ignore[no-untyped-def]
    from bering.approvals import services as approval_services
    from bering.approvals.tests.conftest import create_draft

    for _ in range(23):
        draft = create_draft(executor, lawyer, code="outgoing-letter")
        approval_services.approval_start(
            actor=executor.actor,
            document=draft,
            plan=[
                approval_services.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))
            ],
        )
    client = head.client()
    page = client.get("/approvals/").content.decode()
    assert page.count('data-action="open-visa"') == 20 and 'data-more="page"' in page
    more = client.get("/approvals/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert more.count('data-action="open-visa"') == 3 and "data-more" not in more


def test_approvers_are_picked_by_search_in_a_large_organization(executor, head):  # type: ignore[no-untyped-def]
    """40 people: no select box of everyone; «Найти» lists matches and starts nothing."""
    from bering.approvals.models import ApprovalRun
    from bering.approvals.tests.conftest import create_draft
    from bering.orgs.tests.factories import EmployeeFactory, UserFactory

    for i in range(40):
        EmployeeFactory(
            organization=executor.org,
            user=UserFactory(username=f"staff{i}", last_name=f"Сотрудников{i}", first_name="Иван"),
        )
    EmployeeFactory(
        organization=executor.org,
        user=UserFactory(username="zoya", last_name="Зайцева", first_name="Зоя"),
    )
    draft = create_draft(executor, head, code="outgoing-letter")
    client = executor.client()
    page = client.get(f"/approvals/documents/{draft.pk}/").content.decode()
    assert "Сотрудников39" not in page and 'name="add__q"' in page
    found = client.post(
        f"/approvals/documents/{draft.pk}/start/", {"add__q": "Зайц", "_pick": "1"}
    ).content.decode()
    assert "Зайцева" in found and "Сотрудников1" not in found
    assert not ApprovalRun.objects.filter(document=draft).exists()
    zoya = executor.org.employees.get(user__username="zoya")
    client.post(f"/approvals/documents/{draft.pk}/start/", {"add": [zoya.pk]})
    run = ApprovalRun.objects.get(document=draft)
    assert run.stages.first().visas.filter(approver=zoya).exists()


def test_the_visa_page_offers_only_what_its_viewer_may_do(draft, executor, lawyer, head) -> None:
    """The forms follow ``permissions.visa_actions_for``: the approver decides, the
    signer signs or gives back, anyone else (and a decided visa) gets no form."""
    from bering.approvals import permissions

    assert draft.signer_id == head.employee.pk
    services.approval_start(
        actor=executor.actor,
        document=draft,
        plan=[StagePlan(name="Юристы", approver_ids=(lawyer.employee.pk,))],
    )
    visa = Visa.objects.get(approver=lawyer.employee)
    assert permissions.visa_actions_for(lawyer.employee, visa) == permissions.VisaActions(
        sign=False, decide=True, give_back=False
    )
    screen = lawyer.client().get(f"/approvals/visas/{visa.pk}/").content.decode()
    assert 'data-test="decide-form"' in screen and 'data-test="sign-form"' not in screen
    author = executor.client().get(f"/approvals/visas/{visa.pk}/")
    assert author.status_code == 200 and b'<form method="post" action="/approvals/' not in (
        author.content
    )
    assert (
        lawyer.client().post(f"/approvals/visas/{visa.pk}/", {"outcome": "agreed"}).status_code
        == 302
    )
    visa.refresh_from_db()
    assert (
        b'data-test="decide-form"'
        not in lawyer.client().get(f"/approvals/visas/{visa.pk}/").content
    )

    signing = Visa.objects.get(kind=Visa.Kind.SIGN)
    screen = head.client().get(f"/approvals/visas/{signing.pk}/").content.decode()
    assert 'data-test="sign-form"' in screen and 'data-test="return-form"' in screen
    assert 'data-test="decide-form"' not in screen
