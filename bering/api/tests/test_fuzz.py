"""Random input never makes a server error (a small in-process fuzz; QUALITY.md item 5)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bering.api.tests.conftest import incoming_card

FIELDS = [
    "doc_type",
    "title",
    "access",
    "pages",
    "correspondent",
    "correspondent_number",
    "correspondent_date",
    "signer",
    "executor",
    "in_reply_to",
    "allowed",
    "journal",
    "flow",
    "confirm_duplicate",
    "files",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6)
QUERY = st.dictionaries(
    st.sampled_from(["doc_type", "status", "flow", "date_from", "date_to", "number", "q"])
    | st.sampled_from(["limit", "offset", "cursor"]),
    st.text(max_size=25).filter(lambda s: "\x00" not in s),
    max_size=4,
)
RELAXED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize(
    "url", ["/api/v1/documents/", "/api/v1/documents/register-incoming", "/api/v1/auth/token"]
)
@RELAXED
@given(body=BODIES, base=st.booleans())
def test_random_json_bodies_are_never_500(registrar, journal, api, url, body, base):
    data = {**incoming_card(), "journal": journal.pk, **body} if base else body
    response = api(registrar).post(url, data, format="json")
    assert response.status_code < 500, (data, response.content)
    if response.status_code >= 400:
        assert response.json()["detail"]


@RELAXED
@given(params=QUERY)
def test_random_list_queries_are_never_500(registrar, api, params):
    response = api(registrar).get("/api/v1/documents/", params)
    assert response.status_code in (200, 400), (params, response.content)


LATIN1 = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


@RELAXED
@given(post=LATIN1, on_behalf=LATIN1, key=LATIN1)
def test_random_headers_are_never_500(registrar, api, post, on_behalf, key):
    response = api(registrar).post(
        "/api/v1/documents/",
        {"doc_type": 1, "flow": "internal", "title": "x"},
        format="json",
        HTTP_X_BERING_POST=post,
        HTTP_X_BERING_ON_BEHALF_OF=on_behalf,
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code < 500, response.content
