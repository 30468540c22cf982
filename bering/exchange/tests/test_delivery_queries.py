"""The delivery page checks every signature of the delivered files without a query per
signature: its query count does not grow with the number of signatures."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bering.core import clock
from bering.exchange import services
from bering.exchange.tests.factories import outgoing
from bering.signatures.services import signatures_create_simple

pytestmark = pytest.mark.django_db


def _delivery_signed(registrar, head, outsider, times: int) -> int:
    letter = outgoing(registrar, title=f"Письмо с {times} подписями")
    item = letter.files.get()
    with transaction.atomic():
        for _ in range(times):
            signatures_create_simple(
                document_file_ids=[item.pk],
                signer_id=head.employee.pk,
                post_id=head.employee.pk,
                on_behalf_of_id=None,
                user_id=head.user.pk,
                at=clock.now(),
            )
    sent = services.document_send(
        actor=registrar.actor, document=letter, addressee_org_ids=[outsider.org.pk]
    )
    return sent.deliveries[0].pk


def _page_queries(client, pk: int) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/exchange/deliveries/{pk}/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_delivery_page_reads_as_much_for_three_signatures_as_for_one(registrar, head, outsider):
    one = _delivery_signed(registrar, head, outsider, 1)
    three = _delivery_signed(registrar, head, outsider, 3)
    client = outsider.client()
    _page_queries(client, one)  # the session and the post are read once first
    _page_queries(client, three)

    queries_one, page_one = _page_queries(client, one)
    queries_three, page_three = _page_queries(client, three)

    assert (page_one.count("data-signature="), page_three.count("data-signature=")) == (1, 3)
    assert queries_three == queries_one
