"""Hostile bodies are the API's JSON errors, never a 500 or Django's HTML page (issue 11).

Nested JSON past any depth is a 400 with or without a token; a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 before it is read; valid JSON still works.
"""

from __future__ import annotations

import sys

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from bering.api.parsers import MAX_DEPTH, nested_deeper_than
from bering.api.tests.conftest import bearer, incoming_card
from bering.api.tests.test_citizen_api import citizen_client
from bering.appeals.tests.conftest import make_citizen
from bering.documents.models import Document

pytestmark = pytest.mark.django_db


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


DEEP_BODIES = {
    "100000": nested(100_000),
    "past the recursion limit": nested(sys.getrecursionlimit() + 1),
    "one past the API's depth": nested(MAX_DEPTH + 1),
    "deep object": b'{"title": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
}
SIX_MB = b'{"title": "' + b"x" * (6 * 1024 * 1024) + b'"}'
STAFF_URLS = ["/api/v1/documents/", "/api/v1/documents/register-incoming", "/api/v1/auth/token"]
CITIZEN_URLS = [
    "/api/citizen/v1/appeals/",
    "/api/citizen/v1/me",
    "/api/citizen/v1/auth/code",
    "/api/citizen/v1/auth/token",
]


def _json_error(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"] and body["detail"]
    return body


def _client(signed_in: bool, persona) -> APIClient:
    client = bearer(persona.user) if signed_in else APIClient()
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("url", STAFF_URLS)
def test_deep_json_is_a_400_with_a_token(registrar, journal, url, body):
    response = _client(True, registrar).post(url, data=body, content_type="application/json")
    error = _json_error(response, 400)
    assert error["code"] == "nested_too_deeply"
    assert not Document.objects.exists()


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("url", STAFF_URLS + CITIZEN_URLS)
def test_deep_json_without_a_token_is_a_json_4xx(db, url, body):
    response = _client(False, None).post(url, data=body, content_type="application/json")
    # Endpoints behind a token refuse first (401); the sign-in ones read the body: 400.
    error = _json_error(response, 400, 401)
    if response.status_code == 400:
        assert error["code"] == "nested_too_deeply"


@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("method, path", [("post", "appeals/"), ("patch", "me")])
def test_deep_json_with_a_citizens_token_is_a_400(db, method, path, body):
    client = citizen_client(make_citizen())
    client.raise_request_exception = False
    response = getattr(client, method)(
        "/api/citizen/v1/" + path,
        data=body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deep-1",
    )
    assert _json_error(response, 400)["code"] == "nested_too_deeply"


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("url", STAFF_URLS + CITIZEN_URLS)
def test_a_body_over_the_limit_is_a_json_413(registrar, url, signed_in):
    assert len(SIX_MB) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = _client(signed_in, registrar).post(url, data=SIX_MB, content_type="application/json")
    error = _json_error(response, 413)
    assert error["code"] == "request_too_large"
    assert " 5 " in error["detail"]  # the limit in MB


def test_django_refusing_a_big_body_is_a_json_413_too(registrar, settings):
    """Behind the middleware: Django's own RequestDataTooBig in a view is the API's 413."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "bering.core.middleware.RequestSizeMiddleware"
    ]
    for signed_in in (False, True):
        response = _client(signed_in, registrar).post(
            "/api/v1/auth/token", data=SIX_MB, content_type="application/json"
        )
        assert _json_error(response, 413)["code"] == "request_too_large"


def test_valid_json_still_works(registrar, journal):
    client = _client(True, registrar)
    card = {**incoming_card(), "journal": journal.pk}
    response = client.post(
        "/api/v1/documents/register-incoming", card, format="json", HTTP_IDEMPOTENCY_KEY="ok-1"
    )
    assert response.status_code == 201, response.content
    again = client.post(
        "/api/v1/documents/register-incoming", card, format="json", HTTP_IDEMPOTENCY_KEY="ok-1"
    )
    assert again.status_code == 201
    assert Document.objects.count() == 1


def test_nesting_up_to_the_limit_is_not_refused_for_depth(registrar):
    response = _client(True, registrar).post(
        "/api/v1/auth/token", data=nested(MAX_DEPTH), content_type="application/json"
    )
    assert _json_error(response, 400)["code"] != "nested_too_deeply"


def test_depth_is_counted_without_recursion():
    assert not nested_deeper_than({"a": [1, {"b": []}]}, 4)
    assert nested_deeper_than({"a": [1, {"b": []}]}, 3)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert nested_deeper_than(deep, MAX_DEPTH)
