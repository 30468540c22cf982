"""The staff pages of publication: marks, publishing, unpublishing, isolation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bering.publication.models import Publication, PublicationMark
from bering.publication.tests.conftest import BUDGET, act_pdf

ROUTES = ["", "mark/", "publish/", "unpublish/"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organization_gets_404(act, outsider, route, method):
    url = f"/publication/documents/{act.pk}/{route}"
    response = getattr(outsider.client(), method)(url, {"to_publish": "on", "reason": "x"})
    assert response.status_code in (404, 405)
    assert BUDGET.encode() not in response.content
    assert not Publication.objects.exists()
    assert not PublicationMark.objects.exists()


def test_the_card_links_to_the_publication_page(act, registrar):
    body = registrar.client().get(f"/documents/{act.pk}/").content.decode()
    assert f"/publication/documents/{act.pk}/" in body


def test_author_marks_registrar_publishes_and_unpublishes_through_the_pages(
    act, executor, registrar
):
    page = executor.client().get(f"/publication/documents/{act.pk}/").content.decode()
    assert 'name="to_publish"' in page
    assert f"/publication/documents/{act.pk}/publish/" not in page
    executor.client().post(f"/publication/documents/{act.pk}/mark/", {"to_publish": "on"})
    client = registrar.client()
    waiting = client.get("/publication/").content.decode()
    assert f"/publication/documents/{act.pk}/" in waiting.split('data-list="candidates"')[1]
    page = client.get(f"/publication/documents/{act.pk}/").content.decode()
    assert f"/publication/documents/{act.pk}/publish/" in page
    client.post(f"/publication/documents/{act.pk}/publish/")
    publication = Publication.objects.get()
    assert BUDGET in client.get("/publication/").content.decode()
    refused = client.post(
        f"/publication/documents/{act.pk}/unpublish/", {"publication": publication.pk}, follow=True
    )
    assert refused.status_code == 200
    publication.refresh_from_db()
    assert publication.unpublished_at is None
    client.post(
        f"/publication/documents/{act.pk}/unpublish/",
        {"publication": publication.pk, "reason": "Ошибка в реквизитах"},
    )
    publication.refresh_from_db()
    assert publication.unpublish_reason == "Ошибка в реквизитах"


def test_a_redacted_copy_is_uploaded_on_the_page(act, executor):
    executor.client().post(
        f"/publication/documents/{act.pk}/mark/",
        {
            "to_publish": "on",
            "personal_data": "on",
            "redacted": SimpleUploadedFile("обезличено.pdf", act_pdf(BUDGET, "Обезличено.")),
        },
    )
    act.refresh_from_db()
    assert act.publication_mark.redacted is not None


def test_the_menu_offers_the_list_to_registrars_only(act, registrar, executor):
    assert 'data-link="publication"' in registrar.client().get("/documents/").content.decode()
    assert 'data-link="publication"' not in executor.client().get("/documents/").content.decode()
    assert executor.client().get("/publication/").status_code == 404
