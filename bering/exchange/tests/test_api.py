"""The exchange API: send, queue, register, refuse, statuses; a third organization sees nothing."""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import bearer
from bering.audit.models import AuditEvent
from bering.documents.tests.factories import JournalFactory
from bering.exchange.models import Delivery
from bering.exchange.tests.factories import MARKER, outgoing
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(db):
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    return EmployeeFactory(user=UserFactory(username="fedor"), organization=org, is_registrar=True)


def test_send_register_and_the_sender_sees_the_number(registrar, outsider):
    letter = outgoing(registrar)
    sent = bearer(registrar.user).post(
        f"/api/v1/documents/{letter.pk}/deliveries",
        {"addressees": [outsider.org.pk], "external": [{"name": "ООО Ромашка"}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="send-1",
    )
    assert sent.status_code == 201, sent.json()
    oleg = bearer(outsider.user)
    (item,) = oleg.get("/api/v1/deliveries/queue").json()
    assert item["number"] == letter.reg_number
    journal = JournalFactory(organization=outsider.org)
    registered = oleg.post(
        f"/api/v1/deliveries/{item['id']}/register",
        {"journal": journal.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-1",
    )
    assert registered.status_code == 200, registered.json()
    assert registered.json()["status"] == "registered"
    (status,) = bearer(registrar.user).get(f"/api/v1/documents/{letter.pk}/deliveries").json()
    assert status["status"] == "registered" and status["their_number"]


def test_refuse_over_the_api(registrar, outsider):
    letter = outgoing(registrar)
    bearer(registrar.user).post(
        f"/api/v1/documents/{letter.pk}/deliveries",
        {"addressees": [outsider.org.pk]},
        format="json",
    )
    delivery = Delivery.objects.get()
    bad = bearer(outsider.user).post(
        f"/api/v1/deliveries/{delivery.pk}/refuse", {"reason": "nonsense"}, format="json"
    )
    assert bad.status_code == 400
    ok = bearer(outsider.user).post(
        f"/api/v1/deliveries/{delivery.pk}/refuse", {"reason": "illegible"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "refused"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/deliveries/{delivery}"),
        ("post", "/api/v1/deliveries/{delivery}/register"),
        ("post", "/api/v1/deliveries/{delivery}/refuse"),
        ("post", "/api/v1/deliveries/{delivery}/withdraw"),
        ("get", "/api/v1/documents/{document}/deliveries"),
        ("post", "/api/v1/documents/{document}/deliveries"),
    ],
)
def test_third_organization_gets_404(registrar, outsider, third, method, url):
    letter = outgoing(registrar)
    bearer(registrar.user).post(
        f"/api/v1/documents/{letter.pk}/deliveries",
        {"addressees": [outsider.org.pk]},
        format="json",
    )
    delivery = Delivery.objects.get()
    before = (list(Delivery.objects.values_list("status", flat=True)), AuditEvent.objects.count())
    client = bearer(third.user)
    target = url.format(delivery=delivery.pk, document=letter.pk)
    body = {"journal": 1, "reason": "illegible", "addressees": [third.organization_id]}
    response = client.post(target, body, format="json") if method == "post" else client.get(target)
    assert response.status_code == 404
    assert MARKER.encode() not in response.content
    after = (list(Delivery.objects.values_list("status", flat=True)), AuditEvent.objects.count())
    assert after == before
    assert bearer(third.user).get("/api/v1/deliveries/queue").json() == []


def _sent(registrar, outsider):
    letter = outgoing(registrar)
    bearer(registrar.user).post(
        f"/api/v1/documents/{letter.pk}/deliveries",
        {"addressees": [outsider.org.pk]},
        format="json",
    )
    return letter, Delivery.objects.get()


def test_a_refused_delivery_shows_the_addressee_no_contents(registrar, outsider):
    letter, delivery = _sent(registrar, outsider)
    oleg = bearer(outsider.user)
    assert oleg.get(f"/api/v1/deliveries/{delivery.pk}").json()["title"] == MARKER
    oleg.post(f"/api/v1/deliveries/{delivery.pk}/refuse", {"reason": "illegible"}, format="json")
    card = oleg.get(f"/api/v1/deliveries/{delivery.pk}")
    assert card.status_code == 200 and MARKER.encode() not in card.content
    body = card.json()
    assert body["status"] == "refused" and body["refusal_reason"] == "illegible"
    assert body["number"] == letter.reg_number and body["title"] == ""
    # The sender still reads its own document's title in the statuses.
    (mine,) = bearer(registrar.user).get(f"/api/v1/documents/{letter.pk}/deliveries").json()
    assert mine["title"] == MARKER and mine["status"] == "refused"


def test_withdraw_over_the_api(registrar, outsider, executor):
    _letter, delivery = _sent(registrar, outsider)
    url = f"/api/v1/deliveries/{delivery.pk}/withdraw"
    assert bearer(outsider.user).post(url, {"reason": "x"}, format="json").status_code == 404
    assert bearer(executor.user).post(url, {"reason": "x"}, format="json").status_code == 403
    alice = bearer(registrar.user)
    assert alice.post(url, {"reason": ""}, format="json").status_code == 400
    ok = alice.post(url, {"reason": "Ошибка"}, format="json", HTTP_IDEMPOTENCY_KEY="wd-1")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "withdrawn" and ok.json()["withdrawal_reason"] == "Ошибка"
    again = alice.post(url, {"reason": "Ошибка"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    card = bearer(outsider.user).get(f"/api/v1/deliveries/{delivery.pk}")
    assert card.json()["status"] == "withdrawn" and MARKER.encode() not in card.content
    journal = JournalFactory(organization=outsider.org)
    late = bearer(outsider.user).post(
        f"/api/v1/deliveries/{delivery.pk}/register", {"journal": journal.pk}, format="json"
    )
    assert late.status_code == 409 and late.json()["detail"]
