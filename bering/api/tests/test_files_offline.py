"""Files for reading offline: the text in parts, the PDF to read, both files in byte ranges.

Real files throughout: a long letter rendered by WeasyPrint (several pages, text in
several parts), a DOCX turned into its PDF copy by LibreOffice in the worker.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from functools import cache
from typing import Any

import pytest
from django.core.files.storage import default_storage

from bering.api.tests.conftest import MARKER, incoming_card, pdf_upload
from bering.documents.models import DocumentFile
from bering.documents.selectors import file_offline_links
from bering.files import processing, samples
from bering.files.models import StoredFile
from bering.files.tests.conftest import soffice  # noqa: F401 - a fixture used below

Processing = StoredFile.Processing
PARAGRAPH = (
    "Пункт {n}. Министерству здравоохранения Камчатского края обеспечить ремонт "
    "фельдшерско-акушерского пункта в с. Никольское Алеутского муниципального округа "
    "до 1 июля 2027 года, с отчётом о ходе работ ежемесячно, к 5 числу."
)
PARAGRAPHS = 60


@cache
def long_pdf() -> bytes:
    body = "\n".join(PARAGRAPH.format(n=n) for n in range(1, PARAGRAPHS + 1))
    return samples.make_pdf("О ремонте ФАП", body)


def upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def register(client: Any, journal: Any, files: list[io.BytesIO], number: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/documents/register-incoming",
        {**incoming_card(correspondent_number=number), "journal": journal.pk, "files": files},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


@pytest.fixture
def letter(registrar, journal, api, django_capture_on_commit_callbacks) -> dict[str, Any]:
    """A registered letter with the long PDF, its text and preview made by the worker."""
    with django_capture_on_commit_callbacks(execute=True):
        created = register(api(registrar), journal, [upload(long_pdf(), "письмо.pdf")], "7")
    version = created["files"][0]["versions"][0]
    base = f"/api/v1/documents/{created['id']}/files/{version['id']}"
    return {"document": created["id"], "file": version["id"], "base": base}


def test_chunks_put_together_are_the_file_and_match_its_hash(registrar, letter, api):
    client = api(registrar)
    whole = client.get(letter["base"] + "/download")
    assert whole.status_code == 200
    data = body_of(whole)
    assert data == long_pdf()
    sha = hashlib.sha256(data).hexdigest()
    assert whole["X-Bering-SHA256"] == sha
    assert whole["ETag"] == f'"{sha}"'
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == str(len(data))
    assert whole["Cache-Control"].startswith("private")
    assert whole["Content-Disposition"].startswith("attachment; ")

    for path in ("/download", "/pdf"):  # a PDF original is its own PDF to read
        chunks, start, size = [], 0, 8192
        while start < len(data):
            part = client.get(
                letter["base"] + path,
                HTTP_RANGE=f"bytes={start}-{start + size - 1}",
                HTTP_IF_RANGE=f'"{sha}"',
            )
            assert part.status_code == 206, (path, start)
            last = min(start + size, len(data)) - 1
            assert part["Content-Range"] == f"bytes {start}-{last}/{len(data)}"
            assert part["X-Bering-SHA256"] == sha
            assert part["ETag"] == f'"{sha}"'
            chunk = body_of(part)
            assert len(chunk) == int(part["Content-Length"]) == last - start + 1
            chunks.append(chunk)
            start += size
        assert len(chunks) > 2
        assembled = b"".join(chunks)
        assert assembled == data
        assert hashlib.sha256(assembled).hexdigest() == sha


def _ranged(client: Any, url: str, header: str, **extra: str) -> tuple[int, Any, bytes]:
    response = client.get(url, HTTP_RANGE=header, **extra)
    return response.status_code, response, body_of(response)


def test_the_forms_of_a_range(registrar, letter, api):
    client = api(registrar)
    url = letter["base"] + "/pdf"
    data = long_pdf()
    size = len(data)
    expected = {
        "bytes=0-99": (0, 99),  # the first chunk
        "bytes=1000-1999": (1000, 1999),  # one in the middle
        "bytes=-100": (size - 100, size - 1),  # the last 100 bytes
        f"bytes={size - 50}-": (size - 50, size - 1),  # to the end
        f"bytes=10-{size + 1000}": (10, size - 1),  # an end past the file: cut to it
        f"bytes=-{size + 5}": (0, size - 1),  # a suffix longer than the file: all of it
        f"bytes={size - 1}-{size - 1}": (size - 1, size - 1),  # the last byte
        "Bytes= 5-9": (5, 9),  # the unit in any case, a space before the range
    }
    for header, (first, last) in expected.items():
        status, response, body = _ranged(client, url, header)
        assert status == 206, header
        assert response["Content-Range"] == f"bytes {first}-{last}/{size}", header
        assert body == data[first : last + 1], header
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{bigger}", "bytes=-0"])
def test_a_range_past_the_end_is_416(registrar, letter, api, header):
    size = len(long_pdf())
    status, response, _ = _ranged(
        api(registrar), letter["base"] + "/download", header.format(size=size, bigger=size + 9)
    )
    assert status == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert response.json()["code"] == "range_not_satisfiable"
    assert str(size) in response.json()["detail"]
    assert response["X-Bering-SHA256"] == hashlib.sha256(long_pdf()).hexdigest()


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-9,20-29",  # several ranges: the whole file
        "bytes=9-2",  # the end before the start
        "items=0-9",  # another unit
        "bytes=a-b",
        "bytes=-",
        "bytes=5 - 9",
        "bytes=" + "9" * 5000 + "-",  # not a number any file reaches (nor int() takes)
        "bytes=",
        "0-9",
    ],
)
def test_a_range_that_cannot_be_read_gives_the_whole_file(registrar, letter, api, header):
    status, response, body = _ranged(api(registrar), letter["base"] + "/pdf", header)
    assert status == 200, header
    assert body == long_pdf()
    assert "Content-Range" not in response


def test_if_range_keeps_the_range_only_for_the_current_etag(registrar, letter, api):
    client = api(registrar)
    data = long_pdf()
    etag = f'"{hashlib.sha256(data).hexdigest()}"'
    url = letter["base"] + "/download"
    status, _, body = _ranged(client, url, "bytes=100-199", HTTP_IF_RANGE=etag)
    assert (status, body) == (206, data[100:200])
    for stale in ('"0123abcd"', f"W/{etag}", "Thu, 03 Dec 2026 02:00:00 GMT"):
        status, response, body = _ranged(client, url, "bytes=100-199", HTTP_IF_RANGE=stale)
        assert status == 200, stale
        assert body == data
        assert response["ETag"] == etag
    # An If-Range mismatch also lifts a 416: the client gets the new file whole.
    status, _, body = _ranged(client, url, f"bytes={len(data)}-", HTTP_IF_RANGE='"0123abcd"')
    assert (status, body) == (200, data)


def test_if_none_match_with_the_etag_is_304(registrar, letter, api):
    client = api(registrar)
    first = client.get(letter["base"] + "/pdf")
    again = client.get(letter["base"] + "/pdf", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert body_of(again) == b""
    assert again["ETag"] == first["ETag"]
    assert again["X-Bering-SHA256"] == first["X-Bering-SHA256"]
    other = client.get(letter["base"] + "/pdf", HTTP_IF_NONE_MATCH='"0123abcd"')
    assert other.status_code == 200


def test_ranged_answers_are_never_gzipped(registrar, letter, api):
    """The bytes on the wire are the file's own, and the ETag stays strong for If-Range."""
    client = api(registrar)
    data = long_pdf()
    whole = client.get(letter["base"] + "/download", HTTP_ACCEPT_ENCODING="gzip")
    part = client.get(
        letter["base"] + "/pdf", HTTP_ACCEPT_ENCODING="gzip", HTTP_RANGE="bytes=0-4095"
    )
    for response in (whole, part):
        assert "Content-Encoding" not in response
        assert response["ETag"].startswith('"')
    assert body_of(whole) == data
    assert body_of(part) == data[:4096]
    # Other answers still travel compressed.
    text = client.get(letter["base"] + "/text", HTTP_ACCEPT_ENCODING="gzip")
    assert text["Content-Encoding"] == "gzip"
    assert b"parts" in gzip.decompress(text.content)


def test_the_text_in_parts(registrar, letter, api):
    client = api(registrar)
    first = client.get(letter["base"] + "/text")
    assert first.status_code == 200
    answer = first.json()
    assert answer["file_id"] == letter["file"]
    assert answer["name"] == "письмо.pdf"
    assert answer["part"] == 1
    assert answer["status"] == "done"
    assert answer["detail"] == ""
    parts = answer["parts"]
    assert parts >= 2
    texts = [answer["text"]]
    for number in range(2, parts + 1):
        response = client.get(letter["base"] + f"/text?part={number}")
        assert response.status_code == 200
        assert response.json()["part"] == number
        texts.append(response.json()["text"])
    text = " ".join("".join(texts).split())
    for n in (1, PARAGRAPHS // 2, PARAGRAPHS):
        assert f"Пункт {n}. Министерству" in text
    past = client.get(letter["base"] + f"/text?part={parts + 1}")
    assert past.status_code == 404
    assert past.json()["code"] == "no_part"
    assert past.json()["detail"]
    for bad in ("0", "-1", "abc", ""):
        response = client.get(letter["base"] + f"/text?part={bad}")
        assert response.status_code == 400, bad
        assert response.json()["field"] == "part"


@pytest.mark.parametrize(
    ("text_status", "status"),
    [(Processing.PENDING, "pending"), (Processing.FAILED, "failed"), (Processing.DONE, "none")],
)
def test_no_text_yet_is_200_with_the_reason(registrar, journal, api, text_status, status):
    """Without the worker the text is pending; failed, or done with no text (a scan)."""
    created = register(api(registrar), journal, [pdf_upload()], "8")
    file_id = created["files"][0]["versions"][0]["id"]
    StoredFile.objects.update(text_status=text_status, text="")
    base = f"/api/v1/documents/{created['id']}/files/{file_id}/text"
    response = api(registrar).get(base)
    assert response.status_code == 200
    assert response.json() | {"detail": ""} == {
        "file_id": file_id,
        "name": "скан письма.pdf",
        "part": 1,
        "parts": 0,
        "text": "",
        "status": status,
        "detail": "",
    }
    assert response.json()["detail"]
    assert api(registrar).get(base + "?part=2").json()["code"] == "no_part"


@pytest.mark.usefixtures("soffice")
def test_an_office_file_is_read_in_its_pdf_copy(registrar, journal, api):
    client = api(registrar)
    docx = samples.make_docx("Проект постановления", "Утвердить порядок ремонта ФАП.")
    created = register(client, journal, [upload(docx, "проект.docx")], "9")
    file_id = created["files"][0]["versions"][0]["id"]
    base = f"/api/v1/documents/{created['id']}/files/{file_id}"
    missing = client.get(base + "/pdf")  # the worker has not run yet
    assert missing.status_code == 404
    assert missing.json()["code"] == "no_rendition"
    item = DocumentFile.objects.select_related("stored").get(pk=file_id)
    links = file_offline_links([item])[file_id]
    assert (links["pdf_url"], links["pdf_sha256"], links["pdf_size"]) == (None, None, None)
    assert links["preview_url"] is None

    assert processing.process(item.stored_id)  # what the worker does
    stored = StoredFile.objects.get(pk=item.stored_id)
    assert stored.rendition_status == Processing.DONE, stored.rendition_error
    with default_storage.open(stored.rendition_name, "rb") as fh:
        copy = fh.read()
    assert stored.rendition_sha256 == hashlib.sha256(copy).hexdigest()
    assert stored.rendition_size == len(copy)

    whole = client.get(base + "/pdf")
    assert whole.status_code == 200
    assert body_of(whole) == copy
    assert whole["Content-Type"] == "application/pdf"
    assert whole["X-Bering-SHA256"] == stored.rendition_sha256
    assert whole["Content-Disposition"].startswith("inline; ")
    tail = client.get(base + "/pdf", HTTP_RANGE="bytes=-64", HTTP_IF_RANGE=whole["ETag"])
    assert tail.status_code == 206
    assert body_of(tail) == copy[-64:]
    original = client.get(base + "/download")
    assert body_of(original) == docx  # the download stays the original
    assert original["X-Bering-SHA256"] == hashlib.sha256(docx).hexdigest()
    text = client.get(base + "/text").json()
    assert text["status"] == "done" and "Утвердить порядок" in text["text"]

    # A copy made before its hash was kept: hashed once on first use, then kept.
    StoredFile.objects.filter(pk=stored.pk).update(rendition_sha256="", rendition_size=None)
    links = file_offline_links(DocumentFile.objects.filter(pk=file_id))[file_id]
    assert links["pdf_url"] == base + "/pdf"
    assert links["pdf_sha256"] == hashlib.sha256(copy).hexdigest()
    assert links["pdf_size"] == len(copy)
    assert links["preview_url"] == base + "/preview"
    kept = StoredFile.objects.get(pk=stored.pk)
    assert (kept.rendition_sha256, kept.rendition_size) == (links["pdf_sha256"], len(copy))
    StoredFile.objects.filter(pk=stored.pk).update(rendition_sha256="", rendition_size=None)
    assert client.get(base + "/pdf")["X-Bering-SHA256"] == links["pdf_sha256"]


def test_offline_links_of_a_list_cost_one_query(
    registrar, letter, journal, api, django_assert_num_queries
):
    register(api(registrar), journal, [pdf_upload(), pdf_upload("опись.pdf", "Опись")], "10")
    files = list(DocumentFile.objects.all())
    assert len(files) == 3
    with django_assert_num_queries(1):
        links = file_offline_links(files)
    processed = links[letter["file"]]
    sha = hashlib.sha256(long_pdf()).hexdigest()
    assert processed == {
        "id": letter["file"],
        "name": "письмо.pdf",
        "size": len(long_pdf()),
        "sha256": sha,
        "text_url": letter["base"] + "/text",
        "pdf_url": letter["base"] + "/pdf",
        "pdf_sha256": sha,
        "pdf_size": len(long_pdf()),
        "preview_url": letter["base"] + "/preview",
    }
    with django_assert_num_queries(0):
        file_offline_links(files)  # the stored files are loaded now
    for link in links.values():
        assert api(registrar).get(link["text_url"]).status_code == 200
        assert api(registrar).get(link["pdf_url"], HTTP_RANGE="bytes=0-9").status_code == 206


def test_another_organizations_file_is_404(outsider, foreign_document, api, registrar):
    item = foreign_document.files.get()
    base = f"/api/v1/documents/{foreign_document.pk}/files/{item.pk}"
    oleg = api(outsider)
    for path in ("/text", "/text?part=2", "/pdf", "/download"):
        for headers in ({}, {"HTTP_RANGE": "bytes=0-9"}):
            response = oleg.get(base + path, **headers)
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found"
            assert MARKER not in response.content.decode()
            assert "X-Bering-SHA256" not in response and "ETag" not in response
    alice = api(registrar)
    assert alice.get(base + "/text").json()["text"].strip().startswith(MARKER)
    assert alice.get(base + "/pdf", HTTP_RANGE="bytes=0-9").status_code == 206


def test_the_tablet_reads_with_its_session(head, registrar, letter, client):
    """The tablet is a signed-in page: the same calls with the session and X-Bering-Post."""
    tablet = registrar.client()
    post = {"HTTP_X_BERING_POST": str(registrar.employee.pk)}
    text = tablet.get(letter["base"] + "/text", **post)
    assert text.status_code == 200 and text.json()["status"] == "done"
    part = tablet.get(letter["base"] + "/pdf", HTTP_RANGE="bytes=0-1023", **post)
    assert part.status_code == 206 and body_of(part) == long_pdf()[:1024]
    assert client.get(letter["base"] + "/pdf").status_code in (401, 403)


def test_the_pages_serve_ranges_too(registrar, letter):
    """The staff pages (download, PDF to read) answer ranges the same way."""
    browser = registrar.client()
    data = long_pdf()
    page = f"/documents/{letter['document']}/files/{letter['file']}"
    for path in ("/download/", "/pdf/"):
        part = browser.get(page + path, HTTP_RANGE="bytes=10-19")
        assert part.status_code == 206, path
        assert body_of(part) == data[10:20]
        assert part["X-Bering-SHA256"] == hashlib.sha256(data).hexdigest()
        assert part["Cache-Control"] == "private, no-store"
    download = browser.get(page + "/download/")
    assert download["Content-Disposition"].startswith("attachment; ")
    assert body_of(download) == data
    assert browser.get(page + "/pdf/")["Content-Disposition"].startswith("inline; ")
