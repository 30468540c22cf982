"""The МЭДО pages without JavaScript: export and download, upload, register, messages;
a refused container shows its reason; other organizations get 404."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange import services_medo
from bering.exchange.models import MedoInbound, MedoMessage, MedoPackage
from bering.exchange.tests.medo_kit import medo_files, medo_named
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(db):
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    return Persona(
        EmployeeFactory(user=UserFactory(username="fedor"), organization=org, is_registrar=True)
    )


def upload(persona: Persona, data: bytes):  # type: ignore[no-untyped-def]
    return persona.client().post(
        "/exchange/medo/upload/",
        {"container": SimpleUploadedFile("medo.zip", data, content_type="application/zip")},
    )


def test_round_trip_through_the_pages(signed, registrar, outsider, education):
    made = registrar.client().post(
        f"/exchange/document/{signed.pk}/medo-export/",
        {"addressee": education.name, "addressee_code": education.code},
    )
    assert made.status_code == 302
    package = MedoPackage.objects.get()
    page = registrar.client().get(f"/exchange/document/{signed.pk}/").content.decode()
    assert f'data-medo-package="{package.pk}"' in page and 'data-status="sent"' in page
    download = registrar.client().get(f"/exchange/medo/packages/{package.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    data = download.content
    assert hashlib.sha256(data).hexdigest() == package.sha256 == download["X-Bering-SHA256"]

    assert outsider.client().get("/exchange/medo/upload/").status_code == 200
    received = upload(outsider, data)
    inbound = MedoInbound.objects.get()
    assert received.status_code == 302 and received["Location"].endswith(
        f"/exchange/medo/inbound/{inbound.pk}/"
    )
    queue = outsider.client().get("/exchange/").content.decode()
    assert f'data-medo-inbound="{inbound.pk}"' in queue
    card = outsider.client().get(f"/exchange/medo/inbound/{inbound.pk}/").content.decode()
    assert signed.title in card and 'data-form="medo-register"' in card
    assert "Борисов Борис" in card  # the signature checked on receipt
    journal = JournalFactory(organization=outsider.org, flow="incoming", index="05")
    registered = outsider.client().post(
        f"/exchange/medo/inbound/{inbound.pk}/register/",
        {"journal": journal.pk, "doc_type": doc_type("incoming-letter").pk},
    )
    assert registered.status_code == 302
    inbound.refresh_from_db()
    assert inbound.status == "registered" and inbound.incoming is not None

    listed = outsider.client().get("/exchange/medo/messages/").content.decode()
    messages = list(MedoMessage.objects.filter(inbound=inbound).order_by("created_at", "id"))
    assert [m.kind for m in messages] == ["квитанция", "уведомление"]
    for message in messages:
        assert f'data-medo-message="{message.pk}"' in listed
        got = outsider.client().get(f"/exchange/medo/messages/{message.pk}/download/")
        assert hashlib.sha256(got.content).hexdigest() == message.sha256
        assert upload(registrar, got.content).status_code == 302
    page = registrar.client().get(f"/exchange/document/{signed.pk}/").content.decode()
    assert 'data-status="registered"' in page
    assert f"№ {inbound.incoming.reg_number}" in page


def test_a_refused_container_shows_why_and_keeps_nothing(container_data, outsider):
    kept = medo_files()
    assert kept == medo_named() and len(kept) == 1  # the exported package only
    response = upload(outsider, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert b"data-refusal" in response.content
    assert MedoInbound.objects.count() == 0 and MedoMessage.objects.count() == 0
    assert medo_files() == kept
    assert upload(outsider, container_data).status_code == 302
    received = medo_files()
    assert received == medo_named() and len(received) == len(kept) + 2
    again = upload(outsider, container_data)
    assert again.status_code == 409 and b"data-refusal" in again.content
    assert medo_files() == received


def test_refuse_through_the_page(container_data, outsider):
    services_medo.medo_import(actor=outsider.actor, data=container_data)
    inbound = MedoInbound.objects.get()
    response = outsider.client().post(
        f"/exchange/medo/inbound/{inbound.pk}/refuse/",
        {"reason": "wrong_addressee", "note": "Не нам"},
    )
    assert response.status_code == 302
    inbound.refresh_from_db()
    assert (inbound.status, inbound.refusal_reason) == ("refused", "wrong_addressee")


def test_export_without_a_qualified_signature_says_why(letter, registrar, education):
    response = registrar.client().post(
        f"/exchange/document/{letter.pk}/medo-export/",
        {"addressee": education.name},
        follow=True,
    )
    assert response.status_code == 200 and MedoPackage.objects.count() == 0
    assert list(response.context["messages"])


def test_other_organizations_get_404_and_clerks_403(
    container_data, package, outsider, third, executor
):
    services_medo.medo_import(actor=outsider.actor, data=container_data)
    inbound = MedoInbound.objects.get()
    message = MedoMessage.objects.get()
    urls = [
        ("get", f"/exchange/medo/inbound/{inbound.pk}/"),
        ("post", f"/exchange/medo/inbound/{inbound.pk}/register/"),
        ("post", f"/exchange/medo/inbound/{inbound.pk}/refuse/"),
        ("get", f"/exchange/medo/messages/{message.pk}/download/"),
        ("get", f"/exchange/medo/packages/{package.pk}/download/"),
        ("post", f"/exchange/document/{package.document_id}/medo-export/"),
    ]
    for method, url in urls:
        client = third.client()
        data = {"reason": "illegible", "journal": "1", "addressee": "x"}
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    assert MedoInbound.objects.get().status == "delivered" and MedoPackage.objects.count() == 1
    assert executor.client().get("/exchange/medo/upload/").status_code == 403
    assert b"data-medo-message" not in third.client().get("/exchange/medo/messages/").content
