"""Another organization gets 404 on every object endpoint, learns nothing, changes nothing.

Oleg (Ministry of Education, registrar and head there) tries every API route that
names a Ministry of Health document, with every method, with a valid-looking body.
The owner reaching the same URLs is the positive control.
"""

from __future__ import annotations

import pytest

from bering.api.tests.conftest import MARKER, incoming_card, pdf_upload
from bering.audit.models import AuditEvent
from bering.documents.models import Document, DocumentFile, Journal
from bering.documents.tests.factories import JournalFactory
from bering.files.models import StoredFile

ROUTE_METHODS = {
    "/api/v1/documents/{doc}/": {"get"},
    "/api/v1/documents/{doc}/register": {"post"},
    "/api/v1/documents/{doc}/history": {"get"},
    "/api/v1/documents/{doc}/files": {"post"},
    "/api/v1/documents/{doc}/files/{file}/download": {"get"},
    "/api/v1/documents/{doc}/files/{file}/preview": {"get"},
}
OBJECT_URLS = sorted(ROUTE_METHODS)
METHODS = ["get", "post", "put", "patch", "delete"]


def _snapshot(doc: Document) -> tuple[object, ...]:
    doc.refresh_from_db()
    return (
        doc.status,
        doc.reg_number,
        doc.title,
        doc.updated_at,
        DocumentFile.objects.filter(document=doc).count(),
        AuditEvent.objects.count(),
        StoredFile.objects.count(),
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def oleg_journal(outsider) -> Journal:
    return JournalFactory(organization=outsider.org, name="Входящие Минобра")


@pytest.mark.parametrize("template", OBJECT_URLS)
@pytest.mark.parametrize("method", METHODS)
def test_outsider_gets_404_and_learns_nothing(
    template, method, foreign_document, outsider, oleg_journal, api
):
    item = foreign_document.files.get()
    url = template.format(doc=foreign_document.pk, file=item.pk)
    before = _snapshot(foreign_document)
    client = api(outsider)
    data = {"journal": oleg_journal.pk, "file": pdf_upload("x.pdf"), "replaces_slot": 1}
    headers = {"HTTP_IDEMPOTENCY_KEY": f"oleg-{method}-{template}"}
    response = getattr(client, method)(url, data, format="multipart", **headers)
    if method in ROUTE_METHODS[template]:
        assert response.status_code == 404, (url, method, response.status_code)
        assert response.json()["code"] == "not_found"
    else:
        assert response.status_code == 405, (url, method, response.status_code)
    assert MARKER.encode() not in _body(response)
    assert MARKER not in str(response.headers)
    assert _snapshot(foreign_document) == before


@pytest.mark.parametrize("template", OBJECT_URLS)
def test_missing_object_gets_the_same_404(template, foreign_document, registrar, api):
    item = foreign_document.files.get()
    missing = template.format(doc=foreign_document.pk + 1000, file=item.pk)
    [method] = ROUTE_METHODS[template]
    response = getattr(api(registrar), method)(missing, {"journal": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_owner_reaches_every_object_url(foreign_document, registrar, journal, api):
    """Positive control: the same URLs work for the owning organization."""
    client = api(registrar)
    item = foreign_document.files.get()
    for template in OBJECT_URLS:
        url = template.format(doc=foreign_document.pk, file=item.pk)
        response = client.get(url)
        assert response.status_code in (200, 405), (url, response.status_code)
    detail = client.get(f"/api/v1/documents/{foreign_document.pk}/")
    assert MARKER in detail.json()["title"]
    added = client.post(
        f"/api/v1/documents/{foreign_document.pk}/files",
        {"file": pdf_upload()},
        format="multipart",
    )
    assert added.status_code == 201


def test_outsider_lists_do_not_show_foreign_documents(foreign_document, outsider, api):
    client = api(outsider)
    listing = client.get("/api/v1/documents/", {"q": MARKER})
    assert listing.status_code == 200
    assert listing.json()["results"] == []
    assert MARKER.encode() not in client.get("/api/v1/documents/").content
    journals = client.get("/api/v1/journals/").json()
    assert foreign_document.journal_id not in [j["id"] for j in journals]


def test_outsider_cannot_use_foreign_references(foreign_document, outsider, oleg_journal, api):
    """Ids of the Ministry of Health in Oleg's own card are refused as unknown."""
    client = api(outsider)
    before = _snapshot(foreign_document)
    for field, value in [
        ("in_reply_to", foreign_document.pk),
        ("signer", foreign_document.author_id),
        ("allowed", [foreign_document.author_id]),
    ]:
        data = {**incoming_card(), "journal": oleg_journal.pk, field: value}
        response = client.post("/api/v1/documents/register-incoming", data, format="json")
        assert response.status_code == 400, (field, response.content)
        assert response.json()["field"] == field
        assert MARKER.encode() not in response.content
    foreign_journal = {**incoming_card(), "journal": foreign_document.journal_id}
    response = client.post("/api/v1/documents/register-incoming", foreign_journal, format="json")
    assert response.status_code == 400
    assert _snapshot(foreign_document) == before
