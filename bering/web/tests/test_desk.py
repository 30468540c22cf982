"""«Ждут моего решения»: the head's visas, signatures, draft resolutions and
extension requests in one list, most urgent first, 20 a page, small and with a
fixed number of queries whatever the length of the queue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bering.approvals import services as approvals
from bering.approvals.tests.conftest import create_draft
from bering.assignments.tests.factories import draft_resolution
from bering.orgs.models import Substitution

pytestmark = pytest.mark.django_db


def _visas_for(head, author, signer, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        draft = create_draft(author, signer, code="outgoing-letter")
        approvals.approval_start(
            actor=author.actor,
            document=draft,
            plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
        )


def test_head_lands_on_the_desk_with_everything_in_one_list(head, executor, controller, registrar):
    _visas_for(head, executor, controller, 2)
    draft = draft_resolution(registrar, head, executor)
    client = head.client()
    assert client.get("/")["Location"] == "/desk/"
    page = client.get("/desk/").content.decode()
    assert page.count('data-desk="visa"') == 2
    assert 'data-desk="resolution"' in page and f"#resolution-{draft.pk}" in page
    assert 'data-count="desk">3<' in page  # the menu badge
    # An ordinary executor goes to the documents, with no desk in the menu.
    assert executor.client().get("/")["Location"] == "/documents/"
    assert 'data-link="desk"' not in executor.client().get("/documents/").content.decode()


def test_deputy_acting_for_the_head_lands_there_too(head, registrar, executor, controller):
    _visas_for(head, executor, controller, 1)
    today = dt.date.today()
    Substitution.objects.create(
        absent=head.employee, substitute=registrar.employee, starts_on=today, ends_on=today
    )
    client = registrar.client()
    client.post("/switch/", {"post": registrar.employee.pk, "on_behalf_of": head.employee.pk})
    assert client.get("/")["Location"] == "/desk/"
    assert 'data-desk="visa"' in client.get("/desk/").content.decode()


def test_200_items_page_is_small_and_queries_do_not_grow(head, executor, controller, registrar):
    def measure() -> tuple[int, int, str]:
        client = head.client()
        client.get("/desk/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/desk/")
        return len(ctx), len(response.content), response.content.decode()

    _visas_for(head, executor, controller, 3)
    few_queries, _, _ = measure()
    _visas_for(head, executor, controller, 197)
    queries, size, page = measure()
    assert queries == few_queries
    assert size <= 50 * 1024, size
    assert page.count("data-desk=") == 20 and "data-more" in page
    # «ещё» brings the next 20 as a fragment under 10 KB.
    more = head.client().get("/desk/?page=2", HTTP_HX_REQUEST="true")
    fragment = more.content.decode()
    assert fragment.count("data-desk=") == 20 and "<html" not in fragment
    assert len(more.content) <= 10 * 1024
    last = head.client().get("/desk/?page=10", HTTP_HX_REQUEST="true").content.decode()
    assert last.count("data-desk=") == 20 and "data-more" not in last


def test_most_urgent_first(head, executor, controller):
    _visas_for(head, executor, controller, 3)
    from bering.approvals.models import Visa

    visas = list(Visa.objects.filter(approver=head.employee).order_by("pk"))
    base = visas[0].due_at
    for n, visa in enumerate(visas):
        visa.due_at = base + dt.timedelta(days=3 - n)
        visa.save(update_fields=["due_at"])
    page = head.client().get("/desk/").content.decode()
    order = [int(x) for x in re.findall(r'data-desk="visa" data-document="(\d+)"', page)]
    assert order == [v.run.document_id for v in reversed(visas)]
