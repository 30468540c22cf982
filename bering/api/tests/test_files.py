"""Files through the API: add, new version, download, preview, hostile uploads."""

from __future__ import annotations

import hashlib
import io
import urllib.parse

import pytest

from bering.api.tests.conftest import incoming_card, pdf_bytes, pdf_upload
from bering.documents.models import Document, DocumentFile
from bering.files.models import StoredFile


@pytest.fixture
def letter(registrar, journal, api):
    response = api(registrar).post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_registrar_adds_an_attachment_and_a_new_version(registrar, letter, api):
    client = api(registrar)
    url = f"/api/v1/documents/{letter['id']}/files"
    added = client.post(url, {"file": pdf_upload("опись.pdf", "Опись")}, format="multipart")
    assert added.status_code == 201, added.content
    assert added.json()["version"] == 1
    assert added.json()["name"] == "опись.pdf"
    version = client.post(
        url, {"file": pdf_upload("скан-2.pdf", "v2"), "replaces_slot": 1}, format="multipart"
    )
    assert version.status_code == 201, version.content
    assert version.json()["version"] == 2
    files = DocumentFile.objects.filter(document_id=letter["id"])
    assert sorted((f.slot, f.version) for f in files) == [(1, 1), (1, 2), (2, 1)]
    missing = client.post(url, {"file": pdf_upload(), "replaces_slot": 9}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["field"] == "slot"


def test_executor_may_read_but_not_add_files(executor, letter, api):
    client = api(executor)
    assert client.get(f"/api/v1/documents/{letter['id']}/").status_code == 200
    response = client.post(
        f"/api/v1/documents/{letter['id']}/files", {"file": pdf_upload()}, format="multipart"
    )
    assert response.status_code == 403
    assert DocumentFile.objects.count() == 1


def test_download_is_an_attachment_with_the_real_name(executor, letter, api):
    version = letter["files"][0]["versions"][0]
    response = api(executor).get(version["download_url"])
    assert response.status_code == 200
    data = _body(response)
    assert data == pdf_bytes("Письмо")
    assert hashlib.sha256(data).hexdigest() == version["sha256"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''" + urllib.parse.quote("скан письма.pdf") in disposition
    assert 'filename="____ ______.pdf"' in disposition


def test_download_ignores_accept_header(executor, letter, api):
    version = letter["files"][0]["versions"][0]
    response = api(executor).get(version["download_url"], HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200


def test_file_of_another_document_is_404(registrar, letter, journal, api):
    client = api(registrar)
    other = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(correspondent_number="2"), "journal": journal.pk},
        format="json",
    ).json()
    file_id = letter["files"][0]["versions"][0]["id"]
    response = client.get(f"/api/v1/documents/{other['id']}/files/{file_id}/download")
    assert response.status_code == 404
    assert client.get(f"/api/v1/documents/{letter['id']}/files/999999/download").status_code == 404


def test_preview_404_until_ready_then_png(
    registrar, journal, api, django_capture_on_commit_callbacks
):
    client = api(registrar)
    pending = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]},
        format="multipart",
    ).json()
    file_id = pending["files"][0]["versions"][0]["id"]
    url = f"/api/v1/documents/{pending['id']}/files/{file_id}/preview"
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "preview_not_ready"
    assert response.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        ready = client.post(
            "/api/v1/documents/register-incoming",
            {
                **incoming_card(correspondent_number="126"),
                "journal": journal.pk,
                "files": [pdf_upload()],
            },
            format="multipart",
        )
    assert ready.status_code == 201
    doc_id = ready.json()["id"]
    detail = client.get(f"/api/v1/documents/{doc_id}/").json()
    version = detail["files"][0]["versions"][0]
    assert version["preview_available"] is True
    assert version["text_status"] == "done"
    response = client.get(version["preview_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response).startswith(b"\x89PNG\r\n\x1a\n")


def test_preview_of_a_file_that_has_none(registrar, letter, api):
    StoredFile.objects.update(preview_status=StoredFile.Processing.FAILED)
    version = letter["files"][0]["versions"][0]
    url = f"/api/v1/documents/{letter['id']}/files/{version['id']}/preview"
    response = api(registrar).get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "preview_failed"


HTML = b"<html><script>alert(1)</script></html>"
HOSTILE = {
    "html-as-pdf": ("letter.pdf", HTML, "upload_rejected"),
    "html": ("page.html", HTML, "upload_rejected"),
    "exe-as-pdf": ("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200, "upload_rejected"),
    "no-extension": ("noext", b"%PDF-1.7\n", "upload_rejected"),
    "empty": ("empty.pdf", b"", "invalid"),
}


@pytest.mark.parametrize(("name", "data", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_upload_gets_400_with_a_message(registrar, letter, journal, api, name, data, code):
    client = api(registrar)
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post(
        f"/api/v1/documents/{letter['id']}/files", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert response.json()["code"] == code
    assert DocumentFile.objects.count() == 1

    upload = io.BytesIO(data)
    upload.name = name
    registered = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(correspondent_number="99"), "journal": journal.pk, "files": [upload]},
        format="multipart",
    )
    assert registered.status_code == 400
    assert Document.objects.count() == 1


def test_path_traversal_and_rtl_names_are_cleaned(registrar, letter, api):
    client = api(registrar)
    for name in ["../../../etc/passwd.pdf", "отчёт\u202eFDP.exe.pdf"]:
        response = client.post(
            f"/api/v1/documents/{letter['id']}/files",
            {"file": pdf_upload(name)},
            format="multipart",
        )
        assert response.status_code == 201, response.content
        shown = response.json()["name"]
        assert "/" not in shown and "\u202e" not in shown and ".." not in shown
    for stored in StoredFile.objects.all():
        assert stored.storage_name.startswith("files/")
        assert "passwd" not in stored.storage_name


def test_json_file_field_is_400(registrar, letter, api):
    response = api(registrar).post(
        f"/api/v1/documents/{letter['id']}/files", {"file": "abc"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "file"
