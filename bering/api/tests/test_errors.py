"""Bad input never becomes a 500: each gets a 4xx with a message in the common shape."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from bering.api.tests.conftest import incoming_card
from bering.documents.models import Document

BAD_BODIES = [
    (b"{not json", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b"null", "application/json"),
    (b'{"title": "\\u0000"}', "application/json"),
    (b'{"title": "\\ud800"}', "application/json"),
    (b'{"doc_type": 1e400}', "application/json"),
    (b'{"doc_type": NaN, "pages": Infinity}', "application/json"),
    (b'{"doc_type": "1", "title": {"a": 1}}', "application/json"),
    (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
    (b"whatever", "multipart/form-data"),
    (b"<xml/>", "application/xml"),
    (b"\xff\xfe\x00", "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), BAD_BODIES)
@pytest.mark.parametrize(
    "url", ["/api/v1/documents/", "/api/v1/documents/register-incoming", "/api/v1/auth/token"]
)
def test_bad_bodies_are_4xx_with_a_message(registrar, journal, api, url, body, content_type):
    response = api(registrar).post(url, data=body, content_type=content_type)
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    assert response.json()["detail"]
    assert response.json()["code"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/documents/99999999999999999999/",
        "/api/v1/documents/9223372036854775808/history",
        "/api/v1/documents/1/files/99999999999999999999999/download",
        "/api/v1/documents/0/",
    ],
)
def test_huge_ids_are_404(registrar, api, url):
    assert api(registrar).get(url).status_code == 404


def test_huge_numbers_in_bodies_are_400(registrar, journal, api):
    for field in ["doc_type", "signer", "in_reply_to", "journal", "pages"]:
        data = {**incoming_card(), "journal": journal.pk, field: 10**40}
        response = api(registrar).post("/api/v1/documents/register-incoming", data, format="json")
        assert response.status_code == 400, field
        assert response.json()["field"] == field


def test_lock_errors_become_503_with_retry_after(registrar, journal, api, monkeypatch):
    from bering.documents import services

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "document_register_incoming", locked)
    response = api(registrar).post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk},
        format="json",
    )
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["code"] == "busy"


def test_unknown_method_is_405_json(registrar, api):
    response = api(registrar).put("/api/v1/documents/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unauthenticated_is_401_json(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/documents/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
