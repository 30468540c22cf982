"""The search page and GET /api/v1/search: same results, same visibility, small pages."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bering.api.tests.conftest import bearer
from bering.documents import selectors, services
from bering.documents.models import Document
from bering.documents.tests.factories import doc_type
from bering.files import processing
from bering.files.samples import make_pdf

pytestmark = pytest.mark.django_db
MARKER = "Пштрыкс"


def draft(persona, title, *, body=None, **card):
    uploads = []
    if body is not None:
        uploads = [services.Upload(name="f.pdf", stream=io.BytesIO(make_pdf("Акт", body)))]
    document = services.document_create(
        actor=persona.actor,
        card=services.Card(doc_type=doc_type("memo"), title=title, **card),
        flow="internal",
        uploads=uploads,
    )
    for item in selectors.current_files(document):
        processing.process(item.stored_id)
    return document


def test_the_page_shows_marked_titles_and_snippets_without_javascript(registrar):
    doc = draft(registrar, "Об отоплении школ", body="Котельная переведена на резервное топливо.")
    response = registrar.client().get(reverse("documents:search"), {"q": "топлива отопление"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-hit="{doc.pk}"' in html
    assert "Об <mark>отоплении</mark> школ" in html
    assert "резервное <mark>топливо</mark>" in html
    assert 'data-total="1"' in html
    assert len(response.content) < 50_000


def test_the_page_without_a_query_is_the_form_only(registrar):
    response = registrar.client().get(reverse("documents:search"))
    assert response.status_code == 200
    assert "data-hit" not in response.content.decode()


def test_a_user_never_finds_what_he_may_not_see_over_pages_and_api(registrar, executor, outsider):
    draft(
        registrar,
        f"Закрытое {MARKER}",
        access=Document.Access.RESTRICTED,
        allowed=[registrar.employee],
    )
    draft(outsider, f"Чужое {MARKER}", body=f"В файле {MARKER}")
    for persona in (executor,):
        html = persona.client().get(reverse("documents:search"), {"q": MARKER}).content.decode()
        assert "data-hit" not in html and 'data-total="0"' in html
        body = bearer(persona.user).get("/api/v1/search", {"q": MARKER}).json()
        assert body["count"] == 0 and body["results"] == []
    body = bearer(registrar.user).get("/api/v1/search", {"q": MARKER}).json()
    assert body["count"] == 1 and MARKER in body["results"][0]["document"]["title"]


def test_the_page_reads_a_constant_number_of_queries(registrar, executor):
    def queries(n: int) -> int:
        client = registrar.client()
        client.get(reverse("documents:search"), {"q": "отопление"})  # session, post, warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("documents:search"), {"q": "отопление"})
        assert response.content.decode().count("data-hit=") == n
        return len(ctx.captured_queries)

    draft(registrar, "Об отоплении", body="отопление", executor=executor.employee)
    one = queries(1)
    for n in range(4):
        draft(
            registrar,
            f"Об отоплении {n}",
            body="отопление",
            signer=None,
            executor=executor.employee,
        )
    assert queries(5) == one


def test_more_comes_as_a_fragment(registrar):
    for n in range(3):
        draft(registrar, f"О паводке {n}")
    client = registrar.client()
    first = client.get(reverse("documents:search"), {"q": "паводок"}).content.decode()
    assert first.count("data-hit=") == 3
    rows = client.get(
        reverse("documents:search"), {"q": "паводок", "page": "2"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in rows.content.decode()
    assert "Nothing found" in rows.content.decode() or "Ничего не найдено" in rows.content.decode()


def test_api_search_filters_pages_and_refuses_bad_input(registrar, executor):
    mine = draft(registrar, "О паводке в Мильково", executor=executor.employee)
    draft(registrar, "О паводке в Елизово")
    client = bearer(registrar.user)
    body = client.get("/api/v1/search", {"q": "паводок", "executor": executor.employee.pk}).json()
    assert [r["document"]["id"] for r in body["results"]] == [mine.pk]
    assert body["results"][0]["title"][1] == {"text": "паводке", "marked": True}
    assert body["count"] == 1 and body["has_next"] is False and body["order"] == "relevance"
    for bad in ({}, {"q": ""}, {"q": "паводок", "page": "0"}, {"q": "паводок", "order": "x"}):
        response = client.get("/api/v1/search", bad)
        assert response.status_code == 400, bad
        assert response.json()
    assert (
        client.get("/api/v1/search", {"q": "паводок", "date_from": "31.12.2026"}).status_code == 400
    )


def test_a_page_of_long_hits_stays_small_for_a_slow_link(registrar):
    long_title = "О подготовке объектов жилищно-коммунального хозяйства к отопительному " * 12
    body = "Вступление. " * 200 + "Паводок затронул " + "сёла округа и дороги. " * 200
    for _ in range(12):
        draft(registrar, f"Паводок: {long_title}"[:1000], body=body)
    client = registrar.client()
    first = client.get(reverse("documents:search"), {"q": "паводок"})
    assert first.content.decode().count("data-hit=") == 8
    assert len(first.content) < 50_000
    more = client.get(
        reverse("documents:search"), {"q": "паводок", "page": "2"}, HTTP_HX_REQUEST="true"
    )
    assert more.content.decode().count("data-hit=") == 4
    rows = client.get(
        reverse("documents:search"), {"q": "паводок", "page": "1"}, HTTP_HX_REQUEST="true"
    )
    assert len(rows.content) < 10_000, len(rows.content)


def test_a_page_number_out_of_range_is_a_page_not_an_error(registrar, monkeypatch):
    for n in range(3):
        draft(registrar, f"О паводке {n}")
    monkeypatch.setattr(selectors, "MATCH_CAP", 1)  # the newest-first walk, with an OFFSET
    client = registrar.client()
    for page in ("0", "-3", "x", "99999999999999999999999", "1e9"):
        response = client.get(reverse("documents:search"), {"q": "паводок", "page": page})
        assert response.status_code == 200, page
