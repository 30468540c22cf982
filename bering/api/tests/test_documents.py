"""Documents through the API: list, create, register, read, history."""

from __future__ import annotations

import datetime as dt

from bering.api.tests.conftest import incoming_card, pdf_upload
from bering.audit.models import AuditEvent
from bering.documents import services
from bering.documents.models import Document
from bering.documents.tests.factories import DocumentFactory, JournalFactory, doc_type


def test_registrar_registers_an_incoming_letter_with_its_scan(registrar, journal, api):
    client = api(registrar)
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    response = client.post("/api/v1/documents/register-incoming", data, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered"
    assert body["reg_number"] == "01-15/1"
    assert body["journal"] == {"id": journal.pk, "name": journal.name}
    assert body["registered_by"]["id"] == registrar.employee.pk
    [slot] = body["files"]
    assert slot["slot"] == 1 and slot["role"] == "main"
    [version] = slot["versions"]
    assert version["name"] == "скан письма.pdf"
    assert version["content_type"] == "application/pdf"
    assert len(version["sha256"]) == 64
    assert version["text_status"] == "pending"
    assert version["preview_available"] is False
    assert version["download_url"].endswith(f"/files/{version['id']}/download")
    doc = Document.objects.get()
    assert doc.reg_number == "01-15/1"
    assert doc.files.count() == 1


def test_register_incoming_as_json_without_files(registrar, journal, api):
    response = api(registrar).post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"] == []


def test_duplicate_letter_gets_409_with_the_duplicates(registrar, journal, api):
    client = api(registrar)
    first = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk},
        format="json",
    ).json()
    again = {
        **incoming_card(correspondent=" администрация алеутского муниципального  округа"),
        "journal": journal.pk,
    }
    response = client.post("/api/v1/documents/register-incoming", again, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicate"
    assert "01-15/1" in body["detail"]
    assert body["duplicates"] == [
        {"id": first["id"], "reg_number": "01-15/1", "reg_date": first["reg_date"]}
    ]
    assert Document.objects.count() == 1
    confirmed = client.post(
        "/api/v1/documents/register-incoming",
        {**again, "confirm_duplicate": True},
        format="json",
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["reg_number"] == "01-15/2"


def test_executor_may_not_register(executor, journal, api):
    response = api(executor).post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Document.objects.exists()


def test_card_errors_name_the_field(registrar, journal, outsider, api):
    client = api(registrar)
    url = "/api/v1/documents/register-incoming"
    cases = {
        "title": {**incoming_card(title=""), "journal": journal.pk},
        "doc_type": {**incoming_card(doc_type=999_999), "journal": journal.pk},
        "journal": {**incoming_card(), "journal": 10**30},
        "correspondent_date": {**incoming_card(correspondent_date="2026-13-45"), "journal": 1},
        "signer": {**incoming_card(signer=outsider.employee.pk), "journal": journal.pk},
        "allowed": {**incoming_card(allowed=["x"]), "journal": journal.pk},
    }
    for field, data in cases.items():
        response = client.post(url, data, format="json")
        assert response.status_code == 400, (field, response.content)
        body = response.json()
        assert body["field"].split(".")[0] == field, body
        assert body["detail"]
    foreign_journal = JournalFactory(organization=outsider.org)
    response = client.post(url, {**incoming_card(), "journal": foreign_journal.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "journal"
    assert not Document.objects.exists()


def test_author_creates_a_draft_and_registrar_registers_it(
    executor, registrar, outgoing_journal, api
):
    data = {
        "doc_type": doc_type("outgoing-letter").pk,
        "flow": "outgoing",
        "title": "О направлении отчёта",
        "addressee": "Министерство финансов",
        "executor": executor.employee.pk,
        "files": [pdf_upload("проект.pdf"), pdf_upload("приложение.pdf", "Приложение")],
    }
    created = api(executor).post("/api/v1/documents/", data, format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["author"]["id"] == executor.employee.pk
    assert [s["role"] for s in body["files"]] == ["main", "attachment"]
    doc_id = body["id"]

    refused = api(executor).post(
        f"/api/v1/documents/{doc_id}/register", {"journal": outgoing_journal.pk}, format="json"
    )
    assert refused.status_code == 403
    registered = api(registrar).post(
        f"/api/v1/documents/{doc_id}/register", {"journal": outgoing_journal.pk}, format="json"
    )
    assert registered.status_code == 200, registered.content
    assert registered.json()["reg_number"] == "02/1"
    assert registered.json()["status"] == "registered"


def test_registering_twice_is_a_conflict(registrar, outgoing_journal, api):
    client = api(registrar)
    doc = client.post(
        "/api/v1/documents/",
        {"doc_type": doc_type("outgoing-letter").pk, "flow": "outgoing", "title": "Письмо"},
        format="json",
    ).json()
    url = f"/api/v1/documents/{doc['id']}/register"
    assert client.post(url, {"journal": outgoing_journal.pk}, format="json").status_code == 200
    again = client.post(url, {"journal": outgoing_journal.pk}, format="json")
    assert again.status_code == 409
    assert "02/1" in again.json()["detail"]


def test_create_as_json_and_restricted_access(registrar, executor, head, api):
    data = {
        "doc_type": doc_type("memo").pk,
        "flow": "internal",
        "title": "О кадровых вопросах",
        "access": "restricted",
        "allowed": [head.employee.pk],
    }
    response = api(registrar).post("/api/v1/documents/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["access"] == "restricted"
    assert [p["id"] for p in body["allowed"]] == [head.employee.pk]
    assert api(head).get(f"/api/v1/documents/{body['id']}/").status_code == 200
    assert api(executor).get(f"/api/v1/documents/{body['id']}/").status_code == 404
    assert body["id"] not in [
        d["id"] for d in api(executor).get("/api/v1/documents/").json()["results"]
    ]


def test_detail_shows_card_people_and_file_versions(registrar, journal, api):
    client = api(registrar)
    doc = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(pages=3), "journal": journal.pk, "files": [pdf_upload()]},
        format="multipart",
    ).json()
    client.post(
        f"/api/v1/documents/{doc['id']}/files",
        {"file": pdf_upload("скан v2.pdf", "v2"), "replaces_slot": 1},
        format="multipart",
    )
    body = client.get(f"/api/v1/documents/{doc['id']}/").json()
    assert body["pages"] == 3
    assert body["correspondent_number"] == "125-ОД"
    assert body["doc_type"]["code"] == "incoming-letter"
    [slot] = body["files"]
    assert [v["version"] for v in slot["versions"]] == [2, 1]
    assert slot["versions"][0]["name"] == "скан v2.pdf"


def test_history_tells_who_did_what(registrar, head, journal, api):
    client = api(registrar)
    doc = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]},
        format="multipart",
    ).json()
    client.post(
        f"/api/v1/documents/{doc['id']}/files",
        {"file": pdf_upload("приложение.pdf")},
        format="multipart",
    )
    response = api(head).get(f"/api/v1/documents/{doc['id']}/history")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["verb"] == "document.registered"
    assert first["who"] == registrar.user.display_name
    assert first["post"] == {"id": registrar.employee.pk, "position": "Делопроизводитель"}
    assert first["on_behalf_of"] is None
    assert first["data"]["number"] == "01-15/1"
    assert first["time"]
    assert second["verb"] == "document.file_added"
    assert second["data"]["file"] == "приложение.pdf"


def _doc(org, author, **kw):
    return DocumentFactory(organization=org, author=author, **kw)


def test_list_filters(registrar, journal, api):
    actor = registrar.actor
    card = services.Card(
        doc_type=doc_type("incoming-letter"),
        title="О паводке на реке Камчатка",
        correspondent="МЧС",
        correspondent_number="7",
        correspondent_date=dt.date(2026, 11, 1),
    )
    letter = services.document_register_incoming(actor=actor, card=card, journal=journal)
    memo = _doc(registrar.org, registrar.employee, title="О совещании по паводку")
    client = api(registrar)

    def ids(**params):
        response = client.get("/api/v1/documents/", params)
        assert response.status_code == 200, response.content
        return [d["id"] for d in response.json()["results"]]

    assert ids() == [memo.pk, letter.pk]
    assert ids(status="registered") == [letter.pk]
    assert ids(flow="internal") == [memo.pk]
    assert ids(doc_type=doc_type("memo").pk) == [memo.pk]
    assert ids(number="01-15/1") == [letter.pk]
    assert ids(q="паводке Камчатка") == [letter.pk]
    today = dt.date.today()
    assert ids(date_from=(today + dt.timedelta(days=2)).isoformat()) == []
    assert set(ids(date_to=(today + dt.timedelta(days=2)).isoformat())) == {memo.pk, letter.pk}
    assert ids(limit=1, offset=1) == [letter.pk]
    page = client.get("/api/v1/documents/", {"limit": 1}).json()
    assert page["count"] == 2 and page["next"]


def test_list_rejects_bad_filters(registrar, api):
    client = api(registrar)
    for params in [
        {"status": "nonsense"},
        {"date_from": "yesterday"},
        {"doc_type": "x"},
        {"doc_type": str(10**30)},
        {"q": "я" * 500},
    ]:
        response = client.get("/api/v1/documents/", params)
        assert response.status_code == 400, params
        assert response.json()["field"] == next(iter(params))
    past = client.get("/api/v1/documents/", {"offset": str(10**30), "limit": "0"})
    assert past.status_code == 400  # past 10 000 rows: the cursor (decision 0021)
    assert past.json()["field"] == "offset"
    for name, value in [("limit", "abc"), ("offset", "1.5"), ("limit", ""), ("offset", "١٢")]:
        response = client.get("/api/v1/documents/", {name: value})
        assert response.status_code == 400, (name, value)
        assert response.json()["field"] == name


def test_list_query_count_is_bounded(registrar, head, api, django_assert_max_num_queries):
    client = api(registrar)
    client.get("/api/v1/documents/")  # warm up: the token's last use is recorded once
    for n in range(30):
        _doc(registrar.org, head.employee if n % 2 else registrar.employee)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/documents/", {"limit": 30})
    assert len(response.json()["results"]) == 30


def test_journals_and_document_types(registrar, journal, outgoing_journal, outsider, api):
    JournalFactory(organization=outsider.org, name="Журнал Минобра")
    journal.document_types.add(doc_type("incoming-letter"))
    client = api(registrar)
    journals = client.get("/api/v1/journals/").json()
    assert {j["name"] for j in journals} == {"Входящие", "Исходящие"}
    [incoming] = client.get("/api/v1/journals/", {"flow": "incoming"}).json()
    assert incoming["document_types"] == [doc_type("incoming-letter").pk]
    types = client.get("/api/v1/document-types/").json()
    assert {"incoming-letter", "memo", "order"} <= {t["code"] for t in types}
    outgoing = client.get("/api/v1/document-types/", {"flow": "outgoing"}).json()
    assert {t["flow"] for t in outgoing} == {"outgoing"}
    assert client.get("/api/v1/journals/", {"flow": "x"}).status_code == 400


def test_audit_event_written_once_per_action(registrar, journal, api):
    api(registrar).post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk},
        format="json",
    )
    assert AuditEvent.objects.filter(verb="document.registered").count() == 1
