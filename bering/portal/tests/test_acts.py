"""The public pages of published acts: list, search, act, PDF, feeds, caching."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from bering.publication import services
from bering.publication.models import Publication
from bering.publication.tests.conftest import BUDGET, act, act_pdf, mark, published, signed_act

__all__ = ["act", "published"]  # the fixtures of publication's tests

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def other(executor, head, registrar):
    title = "О мерах поддержки рыболовецких артелей"
    act = signed_act(
        executor, head, registrar, title=title, data=act_pdf(title, "Выделить средства артелям.")
    )
    mark(executor, act)
    return services.publication_publish(actor=registrar.actor, document=act)


def test_the_list_shows_published_acts_and_the_search_finds_budget(published, other, client):
    body = client.get("/acts/").content.decode()
    assert BUDGET in body and "рыболовецких" in body
    found = client.get("/acts/", {"q": "о бюджете"}).content.decode()
    assert BUDGET in found
    assert "рыболовецких" not in found
    # Russian morphology: another form of the word, and a word only inside the PDF.
    assert BUDGET in client.get("/acts/", {"q": "бюджетов"}).content.decode()
    assert BUDGET in client.get("/acts/", {"q": "заимствования"}).content.decode()
    assert BUDGET not in client.get("/acts/", {"q": "артели"}).content.decode()


def test_filters_by_organization_kind_and_year(published, client, education):
    assert (
        BUDGET in client.get("/acts/", {"organization": published.organization_id}).content.decode()
    )
    assert BUDGET not in client.get("/acts/", {"organization": education.pk}).content.decode()
    assert BUDGET in client.get("/acts/", {"kind": "decree"}).content.decode()
    assert BUDGET not in client.get("/acts/", {"kind": "order"}).content.decode()
    year = published.date.year
    assert BUDGET in client.get("/acts/", {"year": year}).content.decode()
    assert BUDGET not in client.get("/acts/", {"year": year - 1}).content.decode()
    assert client.get("/acts/", {"year": "x", "organization": "y"}).status_code == 200


def test_the_act_page_and_the_pdf_download(published, client):
    page = client.get(f"/acts/{published.pk}/").content.decode()
    for value in (published.number, BUDGET, published.signed_sha256, published.pdf.sha256):
        assert value in page
    assert published.signed_by in page
    response = client.get(f"/acts/{published.pk}/pdf/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == published.pdf.sha256
    assert response["Content-Type"] == "application/pdf"
    assert client.get("/acts/999999/").status_code == 404


def test_after_unpublishing_the_page_says_so_and_offers_no_download(published, registrar, client):
    services.publication_unpublish(
        actor=registrar.actor, publication=published, reason="Признан утратившим силу"
    )
    published.refresh_from_db()
    day = published.unpublished_at.astimezone(published.organization.tz).strftime("%d.%m.%Y")
    page = client.get(f"/acts/{published.pk}/").content.decode()
    assert _("Taken off publication on %(date)s") % {"date": day} in page
    assert "Признан утратившим силу" in page
    assert f"/acts/{published.pk}/pdf/" not in page
    assert published.signed_sha256 in page  # the record of what was public
    assert client.get(f"/acts/{published.pk}/pdf/").status_code == 404
    assert BUDGET not in client.get("/acts/").content.decode()
    assert BUDGET not in client.get("/acts/", {"q": "бюджет"}).content.decode()


@pytest.mark.parametrize("path", ["/acts/", "/acts/{pk}/", "/acts/feed/", "/acts/{pk}/pdf/"])
def test_public_cache_headers_and_304(published, path, registrar):
    url = path.format(pk=published.pk)
    for client in (Client(), registrar.client()):  # signed in or not: the same answer
        first = client.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, max-age=300"
        assert "noindex" not in first.get("X-Robots-Tag", "")
        assert "Set-Cookie" not in first.headers
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == first["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_when_the_list_does(published, executor, head, registrar, client):
    before = client.get("/acts/")["ETag"]
    act = signed_act(executor, head, registrar, title="О тарифах")
    mark(executor, act)
    services.publication_publish(actor=registrar.actor, document=act)
    assert client.get("/acts/", HTTP_IF_NONE_MATCH=before).status_code == 200


def test_pages_are_small_without_javascript_or_noindex(published, other, client):
    for url in ("/acts/", f"/acts/{published.pk}/", "/acts/?q=бюджет"):
        body = client.get(url).content
        assert len(body) < 30 * 1024, (url, len(body))
        assert b"<script" not in body
        assert b"noindex" not in body


def test_the_atom_feeds_list_the_act(published, client, education):
    for url in ("/acts/feed/", f"/acts/feed/{published.organization_id}/"):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(  # noqa: S314 - our own feed
            response.content
        )
        titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
        assert any(BUDGET in (t or "") for t in titles), titles
        links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
        assert any(link.endswith(f"/acts/{published.pk}/") for link in links)
    root = ET.fromstring(  # noqa: S314 - our own feed
        client.get(f"/acts/feed/{education.pk}/").content
    )
    assert root.findall(f"{ATOM}entry") == []


def test_the_public_side_shows_only_what_was_published(published, client):
    Publication.objects.update(title="x")  # nothing but the publication rows is read
    assert BUDGET not in client.get(f"/acts/{published.pk}/").content.decode()


def test_a_republished_act_links_its_earlier_periods_but_not_itself(published, registrar, client):
    services.publication_unpublish(actor=registrar.actor, publication=published, reason="Ошибка")
    again = services.publication_publish(actor=registrar.actor, document=published.document)
    page = client.get(f"/acts/{again.pk}/").content.decode()
    assert f'href="/acts/{published.pk}/"' in page
    assert f'href="/acts/{again.pk}/"' not in page
    old = client.get(f"/acts/{published.pk}/").content.decode()
    assert f'href="/acts/{again.pk}/"' in old and f'href="/acts/{published.pk}/"' not in old
