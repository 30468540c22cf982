"""Bodies over their limit are refused before they are read; private answers are not
cached (issue 11, decision 0014)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from bering.api.tests.conftest import bearer
from bering.api.tests.test_citizen_api import citizen_client
from bering.appeals.tests.conftest import make_citizen
from bering.core.middleware import PRIVATE, PrivateCacheMiddleware, RequestSizeMiddleware
from bering.portal.session import SESSION_KEY

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=xyz"


class UnreadableInput:
    """A ``wsgi.input`` that fails the test if anything reads the body."""

    def __init__(self) -> None:
        self.reads = 0

    def read(self, *args: object) -> bytes:
        self.reads += 1
        raise AssertionError("the body was read")

    readline = read


def _send(client: Client, url: str, length: int, content_type: str = MULTIPART):
    body = UnreadableInput()
    client.raise_request_exception = True
    response = client.generic(
        "POST",
        url,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    assert body.reads == 0
    return response


def test_the_limit_covers_five_largest_files_and_refuses_200_mb():
    assert settings.BERING_MAX_REQUEST_BYTES > 5 * settings.BERING_MAX_UPLOAD_BYTES
    assert settings.BERING_MAX_REQUEST_BYTES < 200 * MB


def test_a_200_mb_upload_page_is_a_413_before_reading(registrar):
    response = _send(registrar.client(), "/documents/new/", 200 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert "25" in page and str(settings.BERING_MAX_REQUEST_BYTES // MB) in page
    assert response["Content-Type"].startswith("text/html")


def test_a_citizens_upload_page_is_a_413_in_the_reception_look(db):
    client = Client()
    session = client.session
    session[SESSION_KEY] = make_citizen().pk
    session.save()
    response = _send(client, "/reception/write/", 200 * MB)
    assert response.status_code == 413
    assert "portal/base.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_200_mb_api_upload_is_a_json_413_before_reading(registrar, signed_in):
    client = bearer(registrar.user) if signed_in else APIClient()
    response = _send(client, "/api/v1/documents/register-incoming", 200 * MB)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_200_mb_citizens_api_upload_is_a_json_413_before_reading(db):
    response = _send(citizen_client(make_citizen()), "/api/citizen/v1/appeals/", 200 * MB)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_big_form_without_files_is_a_413_before_reading(registrar):
    response = _send(
        registrar.client(), "/documents/new/", 6 * MB, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_a_body_within_the_limit_is_read(registrar):
    """The control: the same unreadable body under the limit does reach the view's reading."""
    with pytest.raises(AssertionError, match="the body was read"):
        registrar.client().generic(
            "POST",
            "/documents/new/",
            CONTENT_TYPE=MULTIPART,
            CONTENT_LENGTH=str(10 * MB),
            **{"wsgi.input": UnreadableInput()},
        )


def test_the_middleware_alone_never_calls_the_view_when_too_large(rf: RequestFactory):
    calls = []
    middleware = RequestSizeMiddleware(lambda request: calls.append(request) or HttpResponse())
    request = rf.generic(
        "POST", "/api/v1/documents/", CONTENT_TYPE=MULTIPART, CONTENT_LENGTH=str(200 * MB)
    )
    assert middleware(request).status_code == 413
    assert calls == []
    request = rf.generic("POST", "/api/v1/documents/", CONTENT_TYPE=MULTIPART, CONTENT_LENGTH="x")
    assert middleware(request).status_code == 200  # not a number: Django decides


# --- Cache-Control ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/documents/", "/notifications/", "/documents/new/"])
def test_signed_in_pages_are_private_no_store(registrar, url):
    response = registrar.client().get(url)
    assert response.status_code in (200, 302), url
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/api/v1/me", "/api/v1/documents/", "/api/v1/journals/"])
def test_api_answers_are_private_no_store(registrar, url):
    response = bearer(registrar.user).get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "url", ["/api/v1/me", "/api/v1/no-such-thing", "/api/citizen/v1/me", "/api/v1/schema/"]
)
def test_api_errors_and_anonymous_answers_are_private_no_store(db, url):
    assert APIClient().get(url)["Cache-Control"] == PRIVATE


def test_citizens_api_answers_are_private_no_store(db):
    response = citizen_client(make_citizen()).get("/api/citizen/v1/me")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_public_pages_keep_their_own_headers(db):
    login = Client().get("/login/")
    assert login.status_code == 200
    assert login.get("Cache-Control") != PRIVATE  # Django's never_cache, as before
    reception = Client().get("/reception/")
    assert reception.status_code == 200
    assert reception.get("Cache-Control") != PRIVATE


def test_a_views_own_cache_control_is_kept(registrar, rf: RequestFactory):
    def view(request):
        response = HttpResponse(b"png")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    request = rf.get("/documents/1/files/1/preview/")
    request.user = registrar.user
    assert PrivateCacheMiddleware(view)(request)["Cache-Control"] == "private, max-age=3600"
    plain = PrivateCacheMiddleware(lambda r: HttpResponse())(request)
    assert plain["Cache-Control"] == PRIVATE
