"""The МЭДО API: export, download, import, queue, register, messages; refusals as 4xx."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bering.api.tests.conftest import bearer
from bering.documents.tests.factories import JournalFactory
from bering.exchange.models import MedoInbound, MedoMessage
from bering.exchange.tests.factories import outgoing
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def send(client, data: bytes, key: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/medo/import",
        {"container": SimpleUploadedFile("medo.zip", data, content_type="application/zip")},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_round_trip_over_the_api(signed, registrar, outsider, education):
    alice, oleg = bearer(registrar.user), bearer(outsider.user)
    made = alice.post(
        f"/api/v1/documents/{signed.pk}/medo-packages",
        {"addressee": education.name, "addressee_code": education.code},
        format="json",
        HTTP_IDEMPOTENCY_KEY="export-1",
    )
    assert made.status_code == 201, made.json()
    package = made.json()
    assert package["status"] == "sent"
    listed = alice.get(f"/api/v1/documents/{signed.pk}/medo-packages").json()
    assert [p["id"] for p in listed] == [package["id"]]
    zipped = alice.get(f"/api/v1/medo/packages/{package['id']}/container")
    assert zipped.status_code == 200
    data = b"".join(zipped.streaming_content) if zipped.streaming else zipped.content
    assert hashlib.sha256(data).hexdigest() == package["sha256"]

    received = send(oleg, data, "import-1")
    assert received.status_code == 201, received.json()
    body = received.json()
    assert body["kind"] == "документ" and body["acknowledgement"]["kind"] == "квитанция"
    (item,) = oleg.get("/api/v1/medo/inbound").json()
    assert item["number"] == signed.reg_number and item["status"] == "delivered"
    assert oleg.get(f"/api/v1/medo/inbound/{item['id']}").json()["title"] == signed.title
    journal = JournalFactory(organization=outsider.org, flow="incoming", index="05")
    registered = oleg.post(
        f"/api/v1/medo/inbound/{item['id']}/register",
        {"journal": journal.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reg-1",
    )
    assert registered.status_code == 200, registered.json()
    assert registered.json()["status"] == "registered" and registered.json()["incoming"]

    messages = oleg.get("/api/v1/medo/messages").json()
    assert sorted(m["kind"] for m in messages) == ["квитанция", "уведомление"]
    for n, message in enumerate(messages):
        got = oleg.get(f"/api/v1/medo/messages/{message['id']}/container")
        assert got.status_code == 200 and got["X-Bering-SHA256"] == message["sha256"]
        assert send(alice, got.content, f"answer-{n}").status_code == 201
    final = alice.get(f"/api/v1/medo/packages/{package['id']}").json()
    assert final["status"] == "registered" and final["their_number"]
    assert final["acknowledged_at"] and final["receipt_mismatch"] == ""


def test_refusals_over_the_api(container_data, registrar, outsider, education):
    oleg = bearer(outsider.user)
    bad = send(oleg, b"not a zip", "bad-1")
    assert bad.status_code == 400 and bad.json()["code"] == "container_refused"
    assert MedoInbound.objects.count() == 0
    assert send(oleg, container_data, "ok-1").status_code == 201
    again = send(oleg, container_data, "ok-2")
    assert again.status_code == 409
    (item,) = oleg.get("/api/v1/medo/inbound").json()
    refused = oleg.post(
        f"/api/v1/medo/inbound/{item['id']}/refuse",
        {"reason": "illegible", "note": "Не читается"},
        format="json",
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert MedoMessage.objects.filter(event="refused").count() == 1
    unsigned = bearer(registrar.user).post(
        f"/api/v1/documents/{outgoing(registrar).pk}/medo-packages",
        {"addressee": education.name},
        format="json",
    )
    assert unsigned.status_code == 409


def test_a_third_organization_gets_404(container_data, package, outsider):
    oleg = bearer(outsider.user)
    send(oleg, container_data, "ok-1")
    inbound = MedoInbound.objects.get()
    message = MedoMessage.objects.get()
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    fedor = bearer(
        EmployeeFactory(
            user=UserFactory(username="fedor"), organization=org, is_registrar=True
        ).user
    )
    for url in [
        f"/api/v1/medo/packages/{package.pk}",
        f"/api/v1/medo/packages/{package.pk}/container",
        f"/api/v1/medo/inbound/{inbound.pk}",
        f"/api/v1/medo/messages/{message.pk}/container",
        f"/api/v1/documents/{package.document_id}/medo-packages",
    ]:
        assert fedor.get(url).status_code == 404, url
    response = fedor.post(
        f"/api/v1/medo/inbound/{inbound.pk}/refuse", {"reason": "illegible"}, format="json"
    )
    assert response.status_code == 404
    assert fedor.get("/api/v1/medo/inbound").json() == []
    assert fedor.get("/api/v1/medo/messages").json() == []
    assert bearer(outsider.user).get(f"/api/v1/medo/packages/{package.pk}").status_code == 404
