"""The approver's page in round 2 tells what changed since the visa in words, not a diff."""

from __future__ import annotations

import io
import re

import weasyprint

from bering.approvals import services
from bering.approvals.models import Visa
from bering.approvals.services import StagePlan
from bering.documents import services as document_services


def two_pages(first: str, second: str) -> bytes:
    html = f'<p>{first}</p><p style="break-before: page">{second}</p>'
    return weasyprint.HTML(string=html).write_pdf()


def test_round_two_shows_the_changed_words(
    executor, head, lawyer, django_capture_on_commit_callbacks
) -> None:
    from bering.approvals.tests.conftest import create_draft

    with django_capture_on_commit_callbacks(execute=True):
        draft = create_draft(executor, head)
        document_services.document_file_add(
            actor=executor.actor,
            document=draft,
            upload=document_services.Upload(
                name="проект-1.pdf",
                stream=io.BytesIO(two_pages("Общие положения.", "Завоз 300 тонн до 1 октября.")),
            ),
            replaces_slot=1,
        )
    plan = [StagePlan(name="Юрист", approver_ids=(lawyer.employee.pk,))]
    services.approval_start(actor=executor.actor, document=draft, plan=plan)
    services.visa_decide(
        actor=lawyer.actor,
        visa=Visa.objects.get(approver=lawyer.employee, status="pending"),
        outcome="rejected",
        comment="Уточните объём",
    )
    with django_capture_on_commit_callbacks(execute=True):
        document_services.document_file_add(
            actor=executor.actor,
            document=draft,
            upload=document_services.Upload(
                name="проект-2.pdf",
                stream=io.BytesIO(
                    two_pages("Общие положения.", "Завоз 350 <угля> тонн до 1 октября.")
                ),
            ),
            replaces_slot=1,
        )
    services.approval_start(actor=executor.actor, document=draft, plan=plan)
    visa = Visa.objects.get(approver=lawyer.employee, status="pending")
    assert visa.run.round == 2

    page = lawyer.client().get(f"/approvals/visas/{visa.pk}/").content.decode()
    assert re.search(r"<del>(<span[^>]*>[^<]*</span>)?300<span", page)
    assert re.search(r"<ins>(<span[^>]*>[^<]*</span>)?350 &lt;угля&gt;<span", page)
    assert "<угля>" not in page
    summary = re.search(r'data-test="diff-summary"><strong>([^<]*)</strong>', page)
    assert summary is not None and summary.group(1) == "Изменён 1 фрагмент на стр. 2"
    assert "@@" not in page and "+++" not in page
