import datetime as dt

import pytest
import weasyprint
from django.urls import reverse

from bering.documents import services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type


def make_pdf(text: str = "Письмо о ремонте") -> bytes:
    return weasyprint.HTML(string=f"<h1>{text}</h1>").write_pdf()


def register(persona, journal, **kw):
    card = services.Card(
        doc_type=doc_type("incoming-letter"),
        title=kw.pop("title", "О ремонте ФАП в с. Никольское"),
        correspondent="Администрация Алеутского МО",
        correspondent_number=kw.pop("number", "125-ОД"),
        correspondent_date=dt.date(2026, 11, 20),
        **kw,
    )
    return services.document_register_incoming(actor=persona.actor, card=card, journal=journal)


@pytest.fixture
def journal(health):
    return JournalFactory(organization=health)


def test_register_incoming_page_shows_number(
    registrar, journal, django_capture_on_commit_callbacks
):
    client = registrar.client()
    page = client.get(reverse("documents:register-incoming"))
    assert page.status_code == 200
    assert "Зарегистрировать" in page.content.decode() or "Register" in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:register-incoming"),
            {
                "journal": journal.pk,
                "doc_type": doc_type("incoming-letter").pk,
                "correspondent": "Администрация Алеутского МО",
                "correspondent_number": "77",
                "correspondent_date": "2026-11-20",
                "title": "О завозе топлива",
                "access": "general",
                "scan": SimpleUploadedFile("скан.pdf", make_pdf(), "application/pdf"),
            },
            follow=True,
        )
    assert response.status_code == 200
    doc = Document.objects.get()
    assert doc.reg_number == "01-15/1"
    body = response.content.decode()
    assert "01-15/1" in body
    assert "скан.pdf" in body
    item = doc.files.get()
    item.stored.refresh_from_db()
    assert item.stored.preview_status == "done"
    preview = client.get(reverse("documents:file-preview", args=[doc.pk, item.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    download = client.get(reverse("documents:file-download", args=[doc.pk, item.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_register_incoming_bad_input_is_400_and_keeps_nothing(registrar, journal):
    response = registrar.client().post(
        reverse("documents:register-incoming"),
        {"journal": journal.pk, "title": "", "access": "general"},
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_duplicate_warning_then_confirm(registrar, journal):
    register(registrar, journal)
    data = {
        "journal": journal.pk,
        "doc_type": doc_type("incoming-letter").pk,
        "correspondent": "администрация алеутского мо",
        "correspondent_number": "125-ОД",
        "correspondent_date": "2026-11-20",
        "title": "Повторно",
        "access": "general",
    }
    client = registrar.client()
    response = client.post(reverse("documents:register-incoming"), data)
    assert response.status_code == 400
    assert "01-15/1" in response.content.decode()
    assert Document.objects.count() == 1
    response = client.post(
        reverse("documents:register-incoming"), {**data, "confirm_duplicate": "on"}
    )
    assert response.status_code == 302
    assert Document.objects.count() == 2


def test_list_filters_and_query_count(registrar, journal, django_assert_max_num_queries):
    for i in range(30):
        register(
            registrar,
            journal,
            number=f"N{i}",
            title=f"Письмо {i} о топливе" if i % 2 else f"Письмо {i} о дорогах",
        )
    client = registrar.client()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("documents:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('class="row"') == 15
    filtered = client.get(reverse("documents:list"), {"q": "топливе"})
    assert filtered.content.decode().count('class="row"') == 15
    swap = client.get(
        reverse("documents:list"),
        {"q": "дорогах"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    assert swap.status_code == 200
    assert "<html" not in swap.content.decode()
    assert len(swap.content) < 10_000


def test_restricted_document_visible_only_to_named(registrar, executor, head, journal):
    doc = register(registrar, journal, access="restricted", allowed=[executor.employee])
    assert executor.client().get(reverse("documents:detail", args=[doc.pk])).status_code == 200
    assert head.client().get(reverse("documents:detail", args=[doc.pk])).status_code == 404
    assert "ФАП" not in head.client().get(reverse("documents:list")).content.decode()


def test_outsider_gets_404_everywhere(registrar, outsider, journal):
    doc = register(registrar, journal, title="Секретная-метка-42")
    client = outsider.client()
    for name in ("documents:detail",):
        response = client.get(reverse(name, args=[doc.pk]))
        assert response.status_code == 404
        assert "Секретная-метка-42" not in response.content.decode()
    assert "Секретная-метка-42" not in client.get(reverse("documents:list")).content.decode()


def test_executor_cannot_open_register_form(executor):
    assert executor.client().get(reverse("documents:register-incoming")).status_code == 403


def test_draft_then_register(registrar, health):
    journal = JournalFactory(
        organization=health, flow="outgoing", name="Исходящие", template="{seq}/{yy}"
    )
    client = registrar.client()
    response = client.post(
        reverse("documents:create"),
        {
            "doc_type": doc_type("outgoing-letter").pk,
            "title": "Ответ на запрос",
            "access": "general",
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    response = client.post(reverse("documents:register", args=[doc.pk]), {"journal": journal.pk})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "registered" and doc.reg_number.startswith("1/")
    again = client.post(reverse("documents:register", args=[doc.pk]), {"journal": journal.pk})
    assert again.status_code == 409


def _card(persona, document):
    return persona.client().get(reverse("documents:detail", args=[document.pk])).content.decode()


def test_the_card_offers_what_the_flags_say(registrar, executor, journal):
    """The card's links and forms follow ``permissions.actions_for``, not the template."""
    from bering.documents import permissions

    incoming = register(registrar, journal)
    draft = services.document_create(
        actor=executor.actor,
        card=services.Card(doc_type=doc_type("outgoing-letter"), title="Ответ", access="general"),
        flow="outgoing",
    )
    for persona, document in [
        (registrar, incoming),
        (executor, incoming),
        (registrar, draft),
        (executor, draft),
    ]:
        flags = permissions.actions_for(persona.employee, document)
        page = _card(persona, document)
        assert ('data-link="resolutions"' in page) == flags.resolutions
        assert ('data-link="delivery"' in page) == flags.delivery
        assert ('data-action="approval-route"' in page) == flags.approval_route
        assert (reverse("documents:register", args=[document.pk]) in page) == flags.register
        assert (reverse("documents:file-add", args=[document.pk]) in page) == flags.edit
    assert permissions.actions_for(registrar.employee, incoming).resolutions
    assert not permissions.actions_for(registrar.employee, incoming).approval_route
    assert permissions.actions_for(registrar.employee, draft).register
    assert not permissions.actions_for(executor.employee, draft).register
    assert permissions.actions_for(executor.employee, draft).edit
    list_page = executor.client().get(reverse("documents:list")).content.decode()
    assert reverse("documents:register-incoming") not in list_page
