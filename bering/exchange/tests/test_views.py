"""Exchange pages: a third organization gets 404 everywhere; the addressee registers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from bering.api.tests.conftest import bearer
from bering.audit.models import AuditEvent
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.exchange import services
from bering.exchange.models import Delivery, Dispatch
from bering.exchange.tests.factories import MARKER, outgoing
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory, UserFactory
from conftest import Persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(db):
    org = OrganizationFactory(short_name="Минфин", name="Министерство финансов КК", code="MF")
    return Persona(
        EmployeeFactory(user=UserFactory(username="fedor"), organization=org, is_registrar=True)
    )


@pytest.fixture
def world(registrar, outsider):
    letter = outgoing(registrar)
    result = services.document_send(
        actor=registrar.actor,
        document=letter,
        addressee_org_ids=[outsider.org.pk],
        external_addressees=[services.ExternalAddressee(name=MARKER)],
    )
    return {
        "document": letter.pk,
        "delivery": result.deliveries[0].pk,
        "dispatch": result.dispatches[0].pk,
        "file": letter.files.get().pk,
    }


def _state():
    return (
        list(Delivery.objects.values_list("status", flat=True)),
        list(Dispatch.objects.values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


DELIVERY_URLS = [
    ("get", "/exchange/deliveries/{delivery}/"),
    ("post", "/exchange/deliveries/{delivery}/register/"),
    ("post", "/exchange/deliveries/{delivery}/refuse/"),
    ("get", "/exchange/deliveries/{delivery}/files/{file}/download/"),
]
SENDER_URLS = [
    ("get", "/exchange/document/{document}/"),
    ("post", "/exchange/document/{document}/send/"),
    ("post", "/exchange/deliveries/{delivery}/withdraw/"),
    ("post", "/exchange/dispatch/{dispatch}/sent/"),
]


def _hit(persona, method, url, world):
    client = persona.client()
    target = url.format(**world)
    data = {"reason": "illegible", "note": "x", "journal": "1", "doc_type": "1"}
    if url.endswith("/withdraw/"):
        data["reason"] = "Отзываем"
    return client.post(target, data) if method == "post" else client.get(target)


def _body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("method", "url"), DELIVERY_URLS + SENDER_URLS)
def test_third_organization_gets_404(world, third, method, url):
    before = _state()
    response = _hit(third, method, url, world)
    assert response.status_code == 404
    assert MARKER.encode() not in _body(response)
    assert _state() == before


@pytest.mark.parametrize(("method", "url"), SENDER_URLS)
def test_addressee_cannot_use_the_senders_pages(world, outsider, method, url):
    before = _state()
    response = _hit(outsider, method, url, world)
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("method", "url"), DELIVERY_URLS)
def test_senders_own_people_do_not_use_the_addressees_pages(world, registrar, method, url):
    response = _hit(registrar, method, url, world)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/exchange/", "/exchange/dispatch/"])
def test_lists_of_a_third_organization_are_empty(world, third, url):
    response = third.client().get(url)
    assert response.status_code == 200 and MARKER.encode() not in response.content


def test_addressee_registers_and_sender_sees_number(world, outsider, registrar):
    queue = outsider.client().get("/exchange/").content.decode()
    assert f'data-delivery="{world["delivery"]}"' in queue
    card = outsider.client().get("/exchange/deliveries/{delivery}/".format(**world))
    assert MARKER in card.content.decode()
    download = outsider.client().get(
        "/exchange/deliveries/{delivery}/files/{file}/download/".format(**world)
    )
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    journal = JournalFactory(organization=outsider.org, name="Входящие Минобра", index="05")
    response = outsider.client().post(
        "/exchange/deliveries/{delivery}/register/".format(**world),
        {"journal": journal.pk, "doc_type": doc_type("incoming-letter").pk},
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.status == "registered"
    page = registrar.client().get("/exchange/document/{document}/".format(**world)).content
    assert f"№ {delivery.their_number}".encode() in page
    assert b'data-status="registered"' in page


def test_refuse_through_the_page(world, outsider, registrar):
    response = outsider.client().post(
        "/exchange/deliveries/{delivery}/refuse/".format(**world),
        {"reason": "no_signature", "note": "Нет подписи"},
    )
    assert response.status_code == 302
    page = registrar.client().get("/exchange/document/{document}/".format(**world)).content
    assert b'data-status="refused"' in page


def test_send_and_dispatch_through_the_pages(registrar, outsider):
    letter = outgoing(registrar, title="Второе письмо")
    response = registrar.client().post(
        f"/exchange/document/{letter.pk}/send/",
        {"addressees": [outsider.org.pk], "external": "ООО Ромашка; info@example.org"},
    )
    assert response.status_code == 302
    assert Delivery.objects.filter(document=letter).count() == 1
    item = Dispatch.objects.get(document=letter)
    assert item.method == "email"
    assert registrar.client().post(f"/exchange/dispatch/{item.pk}/sent/").status_code == 302
    item.refresh_from_db()
    assert item.status == "sent"


def test_addressee_sees_who_signed_the_delivered_document(registrar, head, executor, outsider):
    """The recipient sees the signature record of each delivered file before registering."""
    from bering.approvals import services as approvals
    from bering.approvals.models import Visa
    from bering.approvals.tests.conftest import create_draft
    from bering.documents import services as documents
    from bering.orgs.tests.factories import PASSWORD

    draft = create_draft(executor, head, code="outgoing-letter")
    approvals.approval_start(actor=executor.actor, document=draft, plan=[], direct_to_signing=True)
    sign = Visa.objects.get(run__document=draft, kind=Visa.Kind.SIGN)
    approvals.approval_sign(actor=head.actor, visa=sign, password=PASSWORD)
    journal = JournalFactory(organization=registrar.org, flow="outgoing", name="Исходящие")
    letter = documents.document_register(actor=registrar.actor, document=draft, journal=journal)
    delivery = services.document_send(
        actor=registrar.actor, document=letter, addressee_org_ids=[outsider.org.pk]
    ).deliveries[0]
    page = outsider.client().get(f"/exchange/deliveries/{delivery.pk}/").content.decode()
    stored = letter.files.get().stored
    assert "Борисов Борис" in page and stored.sha256 in page
    assert "data-signature=" in page and "совпадает с доставленным файлом" in page
    api = bearer(outsider.user)
    signatures = api.get(f"/api/v1/deliveries/{delivery.pk}").json()["signatures"]
    assert [(s["sha256"], s["verdict"]) for s in signatures] == [(stored.sha256, "valid")]

    # The bytes in the sender's storage changed after signing: both say so at once.
    Path(default_storage.path(stored.storage_name)).write_bytes(b"%PDF-1.7 forged")
    page = outsider.client().get(f"/exchange/deliveries/{delivery.pk}/").content.decode()
    assert "не совпадает с доставленным файлом" in page
    signatures = api.get(f"/api/v1/deliveries/{delivery.pk}").json()["signatures"]
    assert [s["verdict"] for s in signatures] == ["bytes_changed"]


def test_an_unsigned_delivery_says_so(world, outsider):
    page = outsider.client().get(f"/exchange/deliveries/{world['delivery']}/").content.decode()
    assert "data-signature=" not in page and "не несут электронной подписи" in page


def test_queue_and_dispatch_register_are_paged(registrar, outsider):
    for _ in range(21):
        services.document_send(
            actor=registrar.actor,
            document=outgoing(registrar),
            addressee_org_ids=[outsider.org.pk],
            external_addressees=[services.ExternalAddressee(name="Прокуратура края")],
        )
    queue = outsider.client().get("/exchange/").content.decode()
    assert queue.count("data-delivery=") == 20 and 'data-more="page"' in queue
    rest = outsider.client().get("/exchange/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert rest.count("data-delivery=") == 1 and "<html" not in rest
    sent = registrar.client().get("/exchange/dispatch/").content.decode()
    assert sent.count("data-dispatch=") == 20 and 'data-more="page"' in sent


def _card(persona, world):
    return persona.client().get("/exchange/deliveries/{delivery}/".format(**world))


def _download(persona, world):
    return persona.client().get(
        "/exchange/deliveries/{delivery}/files/{file}/download/".format(**world)
    )


def test_a_refused_delivery_shows_the_addressee_only_the_refusal(world, outsider):
    response = outsider.client().post(
        "/exchange/deliveries/{delivery}/refuse/".format(**world),
        {"reason": "no_signature", "note": "Нет подписи"},
    )
    assert response.status_code == 302
    card = _card(outsider, world)
    page = card.content.decode()
    assert card.status_code == 200 and 'data-status="refused"' in page
    assert "Нет подписи" in page and "Министерство здравоохранения" in page
    assert MARKER not in page and "SHA-256" not in page
    assert 'data-action="register-delivery"' not in page
    assert _download(outsider, world).status_code == 404


def test_sender_withdraws_from_the_delivery_page(world, registrar, outsider, executor):
    page = registrar.client().get("/exchange/document/{document}/".format(**world)).content
    assert b'data-action="withdraw-delivery"' in page
    # The sender's other people see the statuses but not the button.
    other = executor.client().get("/exchange/document/{document}/".format(**world)).content
    assert b'data-action="withdraw-delivery"' not in other
    assert (
        executor.client()
        .post("/exchange/deliveries/{delivery}/withdraw/".format(**world), {"reason": "x"})
        .status_code
        == 403
    )
    response = registrar.client().post(
        "/exchange/deliveries/{delivery}/withdraw/".format(**world), {"reason": "Не то письмо"}
    )
    assert response.status_code == 302
    assert Delivery.objects.get().status == "withdrawn"
    page = registrar.client().get("/exchange/document/{document}/".format(**world)).content
    assert b'data-status="withdrawn"' in page and b'data-action="withdraw-delivery"' not in page
    again = registrar.client().post(
        "/exchange/deliveries/{delivery}/withdraw/".format(**world), {"reason": "ещё"}, follow=True
    )
    assert again.status_code == 200 and b'class="msg error"' in again.content
    card = _card(outsider, world).content.decode()
    assert 'data-status="withdrawn"' in card
    assert "Не то письмо" in card and MARKER not in card and "SHA-256" not in card
    assert 'data-action="register-delivery"' not in card
    assert _download(outsider, world).status_code == 404
    queue = outsider.client().get("/exchange/").content.decode()
    assert f'data-delivery="{world["delivery"]}"' not in queue


def test_the_waiting_card_offers_register_and_refuse_to_the_addressee(world, outsider):
    page = _card(outsider, world).content.decode()
    assert 'data-action="register-delivery"' in page and 'data-action="refuse-delivery"' in page
    assert MARKER in page and _download(outsider, world).status_code == 200


def test_dispatch_and_menu_flags(world, registrar, executor):
    """Only the sender's registrars get the «Отправлено» button and the exchange menu."""
    mine = registrar.client().get("/exchange/dispatch/").content.decode()
    assert 'data-action="dispatch-sent"' in mine and 'href="/exchange/"' in mine
    other = executor.client().get("/exchange/dispatch/").content.decode()
    assert 'data-action="dispatch-sent"' not in other and 'href="/exchange/"' not in other
    services.dispatch_mark_sent(actor=registrar.actor, dispatch=Dispatch.objects.get())
    done = registrar.client().get("/exchange/dispatch/").content.decode()
    assert 'data-action="dispatch-sent"' not in done and 'data-status="sent"' in done


def test_withdrawing_answers_403_and_404_as_error_pages_and_a_conflict_as_a_message(
    world, registrar, executor, third
):
    """The refusals of the service the clerk cannot fix are the error pages of the
    middleware; the ones they can (already answered) come back as a message."""
    url = "/exchange/deliveries/{delivery}/withdraw/".format(**world)
    before = _state()
    forbidden = executor.client().post(url, {"reason": "Отзываем"})
    assert forbidden.status_code == 403
    assert "web/error.html" in [t.name for t in forbidden.templates]
    hidden = third.client().post(url, {"reason": "Отзываем"})
    assert hidden.status_code == 404
    assert "web/error.html" in [t.name for t in hidden.templates]
    assert _state() == before

    assert registrar.client().post(url, {"reason": "Не то письмо"}).status_code == 302
    again = registrar.client().post(url, {"reason": "ещё"})
    assert again.status_code == 302
    assert again["Location"] == "/exchange/document/{document}/".format(**world)
