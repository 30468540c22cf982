"""The main stories on the scale configuration (decision 0022), in order, over HTTP.

PostgreSQL, the RQ queue on Redis with two workers, the Redis cache, files on S3 (moto
in server mode behind the production ``storages.backends.s3.S3Storage``), two gunicorn
masters on one port. A later story uses what an earlier one made (``state``).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path
from typing import Any

import docx
import redis
import requests
import weasyprint

from scale.tests.harness import BASE_URL, PASSWORD, bucket_keys, manage, needs_servers, wait_for

pytestmark = needs_servers

BUCKET = os.environ.get("BERING_S3_BUCKET", "")
# A word found only inside the files' text, never on a card.
PDF_WORD = "гейзерообразный"
DOCX_WORD = "вулканологический"
state: dict[str, Any] = {}


def pdf_bytes(text: str) -> bytes:
    html = f"<html lang='ru'><meta charset='utf-8'><body><p>{text}</p></body></html>"
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]


def test_register_incoming_with_a_pdf_and_a_docx(login: Any, s3: Any) -> None:
    registrar = login("registrar")
    journals = registrar.get("/api/v1/journals/").json()
    journal = next(j for j in journals if j["flow"] == "incoming")
    types = registrar.get("/api/v1/document-types/").json()
    letter_type = next(
        t for t in types if t["flow"] == "incoming" and t["id"] in journal["document_types"]
    )
    state["keys_before"] = bucket_keys(s3, BUCKET)
    pdf = pdf_bytes(f"Сообщаем: {PDF_WORD} источник у посёлка Эссо.")
    office = docx_bytes(f"Заключение: {DOCX_WORD} мониторинг вулкана Шивелуч.")
    response = registrar.post(
        "/api/v1/documents/register-incoming",
        data={
            "journal": journal["id"],
            "doc_type": letter_type["id"],
            "title": "О мониторинге вулканов Камчатки",
            "correspondent": "Институт вулканологии и сейсмологии ДВО РАН",
            "correspondent_number": "ИВиС-2026/14",
            "correspondent_date": "2026-12-01",
        },
        files=[
            ("files", ("письмо.pdf", pdf, "application/pdf")),
            ("files", ("заключение.docx", office, "application/octet-stream")),
        ],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "registered" and body["reg_number"]
    state["letter"] = body["id"]
    versions = [slot["versions"][0] for slot in body["files"]]
    state["pdf"] = one(versions, name="письмо.pdf")
    state["docx"] = one(versions, name="заключение.docx")
    assert state["pdf"]["sha256"] == sha(pdf) and state["docx"]["sha256"] == sha(office)
    state["pdf_bytes"], state["docx_bytes"] = pdf, office


def test_workers_extract_text_make_the_copy_and_previews_on_s3(login: Any, s3: Any) -> None:
    registrar = login("registrar")
    letter = state["letter"]

    def processed() -> list[dict[str, Any]] | None:
        body = registrar.get(f"/api/v1/documents/{letter}/").json()
        versions = [slot["versions"][0] for slot in body["files"]]
        done = all(v["text_status"] == "done" and v["preview_status"] == "done" for v in versions)
        return versions if done else None

    wait_for("text and previews of both files made by the RQ workers", processed, seconds=120)
    docx_id = state["docx"]["id"]
    text = registrar.get(f"/api/v1/documents/{letter}/files/{docx_id}/text").json()
    assert DOCX_WORD in str(text)
    copy = wait_for(
        "the DOCX's PDF copy",
        lambda: (
            (r := registrar.get(f"/api/v1/documents/{letter}/files/{docx_id}/pdf")).status_code
            == 200
            and r
        ),
    )
    assert copy.content.startswith(b"%PDF") and copy.content != state["docx_bytes"]
    state["copy_bytes"] = copy.content

    # Every byte is in the bucket: both originals, the copy, the previews and page images.
    new = bucket_keys(s3, BUCKET) - state["keys_before"]
    assert all(key.startswith("files/") for key in new), new
    by_hash = {sha(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()): key for key in new}
    assert state["pdf"]["sha256"] in by_hash and state["docx"]["sha256"] in by_hash
    assert sha(copy.content) in by_hash
    pngs = [key for key in new if key.endswith(".png")]
    assert len(pngs) >= 2, new  # at least a preview of each file
    state["letter_keys"] = new
    media = Path(os.environ["BERING_DATA_DIR"]) / "media"
    assert not media.exists() or not any(media.rglob("*")), "bytes went to local disk, not S3"


def test_search_finds_words_inside_the_files(login: Any) -> None:
    registrar = login("registrar")
    for word in (PDF_WORD, DOCX_WORD):
        # The file's part of the index is written when its text is extracted (above).
        body = registrar.get("/api/v1/search", params={"q": word}).json()
        assert [hit["document"]["id"] for hit in body["results"]] == [state["letter"]], body


def test_download_whole_and_in_a_range(login: Any) -> None:
    registrar = login("registrar")
    letter, version = state["letter"], state["pdf"]
    url = f"/api/v1/documents/{letter}/files/{version['id']}/download"
    whole = registrar.get(url)
    assert whole.status_code == 200 and whole.content == state["pdf_bytes"]
    assert whole.headers["X-Bering-SHA256"] == version["sha256"]
    part = registrar.get(url, headers={"Range": "bytes=100-1123"})
    assert part.status_code == 206, part.text
    assert part.headers["Content-Range"] == f"bytes 100-1123/{len(state['pdf_bytes'])}"
    assert part.content == state["pdf_bytes"][100:1124]
    tail = registrar.get(
        f"/api/v1/documents/{letter}/files/{state['docx']['id']}/pdf",
        headers={"Range": "bytes=-200"},
    )
    assert tail.status_code == 206 and tail.content == state["copy_bytes"][-200:]


def test_approval_round_visa_and_signature(login: Any) -> None:
    executor, controller, head = login("executor"), login("controller"), login("head")
    types = executor.get("/api/v1/document-types/").json()
    outgoing = next(t for t in types if t["flow"] == "outgoing")
    draft = executor.post(
        "/api/v1/documents/",
        data={
            "flow": "outgoing",
            "doc_type": outgoing["id"],
            "title": "Ответ о мониторинге вулканов",
            "addressee": "Институт вулканологии и сейсмологии ДВО РАН",
            "signer": head.post_id,
        },
        files=[("files", ("ответ.pdf", pdf_bytes("Ответ на письмо."), "application/pdf"))],
    )
    assert draft.status_code == 201, draft.text
    document = draft.json()["id"]
    started = executor.post(
        f"/api/v1/documents/{document}/rounds",
        json={"add": [controller.post_id]},
        headers={"Idempotency-Key": "scale-start-1"},
    )
    assert started.status_code == 201, started.text
    visa = one(controller.get("/api/v1/approvals/inbox").json(), document=document)
    agreed = controller.post(
        f"/api/v1/approvals/visas/{visa['id']}/decide", json={"outcome": "agreed"}
    )
    assert agreed.status_code == 200, agreed.text
    sign = one(head.get("/api/v1/approvals/inbox").json(), document=document)
    signed = head.post(f"/api/v1/approvals/visas/{sign['id']}/sign", json={"password": PASSWORD})
    assert signed.status_code == 200 and signed.json()["status"] == "signed", signed.text
    assert head.get(f"/api/v1/documents/{document}/").json()["status"] == "signed"


def test_resolution_with_an_assignment(login: Any) -> None:
    registrar, head, executor = login("registrar"), login("head"), login("executor")
    controller = login("controller")
    created = registrar.post(
        f"/api/v1/documents/{state['letter']}/resolutions",
        json={
            "text": "Подготовить ответ о мониторинге",
            "responsible": executor.post_id,
            "controller": controller.post_id,
            "term_kind": "working",
            "days": 5,
            "draft_for": head.post_id,
        },
    )
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    confirmed = head.post(
        f"/api/v1/resolutions/{draft}/confirm", headers={"Idempotency-Key": "scale-tap-1"}
    )
    assert confirmed.status_code == 200, confirmed.text
    mine = executor.get("/api/v1/assignments/mine").json()
    assert [a for a in mine if a["document"] == state["letter"]], mine


def test_report_page_renders_in_a_session(login: Any) -> None:
    session = requests.Session()
    page = session.get(f"{BASE_URL}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    signed_in = session.post(
        f"{BASE_URL}/login/",
        data={"username": "controller", "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{BASE_URL}/login/"},
    )
    assert signed_in.status_code == 200 and "/login/" not in signed_in.url, signed_in.url
    report = session.get(f"{BASE_URL}/reports/visas/")
    assert report.status_code == 200 and "<table" in report.text


def test_sweep_keeps_region_figures_in_the_redis_cache() -> None:
    swept = manage("sweep", "-v0")
    assert swept.returncode == 0, swept.stderr
    cache = redis.Redis.from_url(os.environ["BERING_CACHE_URL"])
    assert cache.dbsize() > 0


def test_orphan_bytes_of_a_refused_upload_are_swept_from_s3(login: Any, s3: Any) -> None:
    registrar = login("registrar")
    journal = next(j for j in registrar.get("/api/v1/journals/").json() if j["flow"] == "incoming")
    before = bucket_keys(s3, BUCKET)
    refused = registrar.post(
        "/api/v1/documents/register-incoming",
        data={
            "journal": journal["id"],
            "doc_type": journal["document_types"][0],
            "title": "Письмо с испорченным вложением",
            "correspondent": "Администрация Елизовского района",
        },
        files=[
            ("files", ("хорошее.pdf", pdf_bytes("Хорошее письмо."), "application/pdf")),
            ("files", ("плохое.pdf", b"not a pdf at all", "application/pdf")),
        ],
    )
    assert refused.status_code == 400, refused.text
    (orphan,) = bucket_keys(s3, BUCKET) - before  # the first file's bytes, row rolled back
    folder = orphan.split("/")[1]
    swept = manage(
        "shell",
        "-c",
        "import datetime as dt; from bering.files import orphans; "
        f"r = orphans.orphans_sweep(folders=[{folder!r}], grace=dt.timedelta(0)); "
        "print('deleted', *r.deleted)",
    )
    assert swept.returncode == 0, swept.stderr
    assert swept.stdout.splitlines()[-1].split() == ["deleted", orphan]
    after = bucket_keys(s3, BUCKET)
    assert orphan not in after and state["letter_keys"] <= after


def test_backup_verify_and_restore_with_files_on_s3(s3: Any) -> None:
    work = Path(os.environ["SCALE_WORK"])
    backup = work / "backup"
    made = manage("backup", str(backup))
    assert made.returncode == 0, made.stdout + made.stderr
    assert (backup / "database.pgdump").is_file() and (backup / "manifest.json").is_file()
    verified = manage("backup_verify", str(backup))
    assert verified.returncode == 0, verified.stdout + verified.stderr

    restored_bucket = os.environ["SCALE_RESTORE_BUCKET"]
    target = {
        "DATABASE_URL": os.environ["SCALE_RESTORE_DATABASE_URL"],
        "BERING_S3_BUCKET": restored_bucket,
    }
    restored = manage("restore", str(backup), env=target)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    audit = manage("audit_verify", env=target)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    # Every stored file of the story is back in the other bucket, byte for byte.
    assert state["letter_keys"] <= bucket_keys(s3, restored_bucket)
    for key in state["letter_keys"]:
        original = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        again = s3.get_object(Bucket=restored_bucket, Key=key)["Body"].read()
        assert sha(again) == sha(original), key


def test_both_app_servers_answered() -> None:
    logs = [Path(p) for p in os.environ["SCALE_ACCESS_LOGS"].split(":")]
    counts = [len(log.read_text().splitlines()) for log in logs]
    assert all(count > 0 for count in counts), counts
