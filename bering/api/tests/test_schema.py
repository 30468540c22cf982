"""The OpenAPI description: valid, complete, with every error answer documented."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

PATHS = {
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/me": {"get"},
    "/api/v1/documents/": {"get", "post"},
    "/api/v1/documents/register-incoming": {"post"},
    "/api/v1/documents/{id}/": {"get"},
    "/api/v1/documents/{id}/register": {"post"},
    "/api/v1/documents/{id}/history": {"get"},
    "/api/v1/documents/{id}/files": {"post"},
    "/api/v1/documents/{id}/files/{file_id}/download": {"get"},
    "/api/v1/documents/{id}/files/{file_id}/preview": {"get"},
    "/api/v1/journals/": {"get"},
    "/api/v1/document-types/": {"get"},
}
ERRORS = {"400", "401", "403", "404", "409", "429", "503"}
# Calls that verify a password or an authenticator code run outside a transaction, so a
# wrong code's throttle counter is kept; their replays are harmless (decision 0011).
NOT_IDEMPOTENT = {
    "/api/v1/auth/token",
    "/api/v1/me/second-factor/setup",
    "/api/v1/me/second-factor/confirm",
    "/api/v1/me/second-factor/disable",
}


@pytest.fixture
def schema(db):
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_has_every_path_and_method(schema):
    found = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    for path, methods in PATHS.items():
        assert found.get(path) == methods, path


def test_every_api_route_is_in_the_schema(schema):
    """Every route under /api/v1/ (but the schema itself and the JSON 404) is described."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(entries, prefix):
        for entry in entries:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name != "api-not-found":
                yield prefix + str(entry.pattern)

    documented = set(schema["paths"])
    for route in walk(get_resolver("bering.api.urls").url_patterns, "/api/v1/"):
        if route == "/api/v1/schema/":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}")
        assert path in documented, route


def test_every_operation_documents_the_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert codes >= ERRORS, (path, method, ERRORS - codes)
            for code in ERRORS:
                content = operation["responses"][code]["content"]["application/json"]
                assert "$ref" in content["schema"]
            if method in {"post", "put", "patch", "delete"} and path not in NOT_IDEMPOTENT:
                assert "422" in codes, (path, method)
                names = {p["name"] for p in operation.get("parameters", [])}
                assert "Idempotency-Key" in names, (path, method)


def test_schema_describes_headers_bearer_and_duplicates(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    listing = schema["paths"]["/api/v1/documents/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"X-Bering-Post", "X-Bering-On-Behalf-Of", "limit", "offset", "q", "status"} <= names
    conflict = schema["paths"]["/api/v1/documents/register-incoming"]["post"]["responses"]["409"]
    ref = conflict["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/DuplicateErrorOut")
    token = schema["paths"]["/api/v1/auth/token"]["post"]
    assert token.get("security") in (None, [], [{}])
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "detail"}


def test_headers_say_what_the_api_accepts(schema):
    """What schemathesis checks requests against: a schema-valid header is never refused
    for its form (an id below 1, a key with a space)."""
    start = schema["paths"]["/api/v1/documents/{id}/register"]["post"]
    params = {p["name"]: p["schema"] for p in start["parameters"] if p["in"] == "header"}
    for name in ("X-Bering-Post", "X-Bering-On-Behalf-Of"):
        assert params[name] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, name
    key = params["Idempotency-Key"]
    assert (key["minLength"], key["maxLength"]) == (1, 255)
    assert re.fullmatch(key["pattern"], "0b9c7f0e-4d1a-4c3e-9a57-1f0b2c3d4e5f")
    assert not re.fullmatch(key["pattern"], "a key")


def test_download_documents_the_file_own_content_type(schema):
    download = schema["paths"]["/api/v1/documents/{id}/files/{file_id}/download"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"*/*"}
