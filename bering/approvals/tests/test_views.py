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
