"""What schemathesis found the API accepting or answering off its schema, each now fixed.

* An address under /api/v1/ that names no operation (or an id that is not a number) got
  Django's HTML 404 page; it is the JSON error of every other API answer.
* DRF quietly converts what the schema forbids: ``"title": 0`` became "0", ``"pages": "12"``
  became 12, ``"confirm_duplicate": "yes"`` became true, ``status=`` (blank) became "no
  filter", ``limit=abc`` became the default page. Each is a 400 naming the field.
* A blank ``X-Bering-Post`` header was read as "no header"; it is a 400 like any other
  value that is not an employee id.
"""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import incoming_card, pdf_upload
from bering.documents.models import Document

# --- The JSON 404 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nothing-here",
        "/api/v1/documents/abc/",
        "/api/v1/documents/-1/history",
        "/api/v1/approvals/visas/1.5/decide",
        "/api/v1/documents/1/files/x/download",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_address_is_a_json_404(registrar, api, url, method):
    for client in (api(registrar), api(registrar).__class__()):  # with a token and without
        response = getattr(client, method)(url)
        assert response.status_code == 404, (url, method)
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
        assert response.json()["detail"]


def test_a_read_without_the_final_slash_is_still_redirected(registrar, api):
    response = api(registrar).get("/api/v1/documents?limit=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/documents/?limit=1"
    assert api(registrar).post("/api/v1/documents", {}).status_code == 404


def test_a_missing_object_and_an_unknown_address_answer_alike(registrar, api):
    client = api(registrar)
    missing = client.get("/api/v1/documents/987654/")
    unknown = client.get("/api/v1/documents/abc/")
    assert missing.status_code == unknown.status_code == 404
    assert missing.json()["code"] == unknown.json()["code"]


# --- JSON values of the wrong type ----------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", 0),
        ("correspondent", 12.5),
        ("correspondent_number", True),
        ("pages", "12"),
        ("pages", True),
        ("doc_type", "1"),
        ("signer", "1"),
        ("confirm_duplicate", "yes"),
        ("confirm_duplicate", 1),
        ("journal", [1]),
    ],
)
def test_json_value_of_the_wrong_type_is_400_on_its_field(registrar, journal, api, field, value):
    data = {**incoming_card(), "journal": journal.pk, field: value}
    response = api(registrar).post("/api/v1/documents/register-incoming", data, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert response.json()["detail"]
    assert not Document.objects.exists()


def test_wrong_type_messages_are_plain(registrar, journal, api):
    client = api(registrar)
    for field, value, message in [
        ("title", 0, "This must be text."),
        ("confirm_duplicate", "yes", "This must be true or false."),
    ]:
        data = {**incoming_card(), "journal": journal.pk, field: value}
        response = client.post(
            "/api/v1/documents/register-incoming", data, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.json()["detail"] == message


def test_wrong_type_inside_a_list_names_the_item(registrar, journal, api):
    data = {**incoming_card(), "journal": journal.pk, "allowed": [registrar.employee.pk, "2"]}
    response = api(registrar).post("/api/v1/documents/register-incoming", data, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "allowed.1"


def test_json_of_the_right_types_still_registers(registrar, journal, api):
    data = {**incoming_card(pages=3, confirm_duplicate=False), "journal": journal.pk}
    response = api(registrar).post("/api/v1/documents/register-incoming", data, format="json")
    assert response.status_code == 201, response.json()


def test_form_fields_are_text_and_still_parse(registrar, journal, api):
    """Multipart values are always text: "3" for pages is right there."""
    data = {**incoming_card(pages="3"), "journal": journal.pk, "files": [pdf_upload()]}
    response = api(registrar).post("/api/v1/documents/register-incoming", data)
    assert response.status_code == 201, response.json()
    assert response.json()["pages"] == 3


# --- Blank values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/documents/", {"status": ""}),
        ("/api/v1/documents/", {"doc_type": " "}),
        ("/api/v1/documents/", {"date_from": ""}),
        ("/api/v1/journals/", {"flow": ""}),
        ("/api/v1/notifications/", {"unread": ""}),
        ("/api/v1/reports/visas", {"to": ""}),
        ("/api/v1/reports/assignments", {"org": ""}),
        ("/api/v1/reports/visas", {"group": ""}),
        ("/api/v1/reports/approval-time", {"from": ""}),
    ],
)
def test_blank_query_value_is_400_on_its_field(head, api, url, params):
    response = api(head).get(url, params)
    assert response.status_code == 400, (url, params, response.content)
    assert response.json()["field"] == next(iter(params))


def test_blank_text_filters_are_no_filter(registrar, api):
    response = api(registrar).get("/api/v1/documents/", {"q": "", "number": ""})
    assert response.status_code == 200


def test_blank_form_field_is_400_on_its_field(registrar, journal, api):
    data = {**incoming_card(), "journal": journal.pk, "correspondent_date": ""}
    response = api(registrar).post("/api/v1/documents/register-incoming", data)
    assert response.status_code == 400
    assert response.json()["field"] == "correspondent_date"
    blank_text = {**incoming_card(), "journal": journal.pk, "addressee": ""}
    assert api(registrar).post("/api/v1/documents/register-incoming", blank_text).status_code == 201


@pytest.mark.parametrize("value", ["", " "])
def test_blank_acting_post_header_is_400(registrar, api, value):
    response = api(registrar).get("/api/v1/journals/", HTTP_X_BERING_POST=value)
    assert response.status_code == 400
    assert response.json()["field"] == "X-Bering-Post"
