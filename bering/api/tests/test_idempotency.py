"""Idempotency-Key: a retry over a bad link never applies twice (QUALITY.md item 2)."""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from bering.api.idempotency import idempotency_keys_purge, is_idempotent
from bering.api.models import IdempotencyKey
from bering.api.tests.conftest import bearer, incoming_card, pdf_bytes, pdf_upload
from bering.audit.models import AuditEvent
from bering.documents.models import Document, DocumentFile
from bering.documents.tests.factories import doc_type

URL = "/api/v1/documents/register-incoming"


def test_register_incoming_twice_with_the_same_key_applies_once(registrar, journal, api):
    client = api(registrar)
    key = str(uuid.uuid4())
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    first = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    second = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second.json()["reg_number"] == "01-15/1"
    assert Document.objects.count() == 1
    assert DocumentFile.objects.count() == 1
    assert AuditEvent.objects.filter(verb="document.registered").count() == 1
    row = IdempotencyKey.objects.get()
    assert (row.key, row.method, row.path, row.status) == (key, "POST", URL, 201)
    assert len(row.fingerprint) == 64


def test_same_key_different_body_is_422(registrar, journal, api):
    client = api(registrar)
    key = "retry-42"
    data = {**incoming_card(), "journal": journal.pk}
    assert client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    other = {**incoming_card(correspondent_number="777"), "journal": journal.pk}
    response = client.post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["detail"]
    assert Document.objects.count() == 1


def test_same_key_on_another_endpoint_is_422(registrar, journal, outgoing_journal, api):
    client = api(registrar)
    key = "one-key"
    draft = {"doc_type": doc_type("memo").pk, "flow": "internal", "title": "Записка"}
    created = client.post("/api/v1/documents/", draft, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert created.status_code == 201
    response = client.post(
        f"/api/v1/documents/{created.json()['id']}/register",
        {"journal": outgoing_journal.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 422


def test_different_file_same_key_is_422(registrar, journal, api):
    client = api(registrar)
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    assert client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload(text="другой")]}
    response = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422


def test_keys_belong_to_one_user(registrar, head, journal, api):
    draft = {"doc_type": doc_type("memo").pk, "flow": "internal", "title": "Записка"}
    a = api(registrar).post("/api/v1/documents/", draft, format="json", HTTP_IDEMPOTENCY_KEY="k")
    b = api(head).post("/api/v1/documents/", draft, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert a.status_code == b.status_code == 201
    assert "Idempotent-Replayed" not in b
    assert a.json()["id"] != b.json()["id"]


def test_failed_call_does_not_keep_the_key(registrar, executor, journal, api):
    key = "after-failure"
    data = {**incoming_card(), "journal": journal.pk}
    refused = api(executor).post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert refused.status_code == 403
    invalid = api(registrar).post(
        URL, {**data, "title": ""}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert invalid.status_code == 400
    assert not IdempotencyKey.objects.exists()
    # The duplicate warning is a failure too: confirming with the same key goes through.
    client = api(registrar)
    assert client.post(URL, data, format="json").status_code == 201
    duplicate = client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert duplicate.status_code == 409
    confirmed = client.post(
        URL, {**data, "confirm_duplicate": True}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["reg_number"] == "01-15/2"


def test_missing_key_is_allowed(registrar, journal, api):
    client = api(registrar)
    data = {**incoming_card(), "journal": journal.pk}
    assert client.post(URL, data, format="json").status_code == 201
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "ключ", "a b", "a\tb"])
def test_malformed_key_is_400(registrar, journal, api, key):
    data = {**incoming_card(), "journal": journal.pk}
    response = api(registrar).post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    assert not Document.objects.exists()


def test_replayed_file_add_and_register(registrar, outgoing_journal, api):
    client = api(registrar)
    draft = {"doc_type": doc_type("memo").pk, "flow": "internal", "title": "Записка"}
    doc = client.post("/api/v1/documents/", draft, format="json").json()
    files_url = f"/api/v1/documents/{doc['id']}/files"
    for _ in range(2):
        response = client.post(
            files_url, {"file": pdf_upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="f1"
        )
        assert response.status_code == 201
    assert DocumentFile.objects.count() == 1
    outgoing_journal.flow = "internal"
    outgoing_journal.save()
    register_url = f"/api/v1/documents/{doc['id']}/register"
    answers = [
        client.post(
            register_url, {"journal": outgoing_journal.pk}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert answers[1]["Idempotent-Replayed"] == "true"


def _all_patterns(entries, prefix=""):
    for entry in entries:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry.url_patterns, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield entry


def test_every_state_changing_endpoint_honours_the_key():
    """A new POST/PUT/PATCH/DELETE handler must be wrapped in ``@idempotent``."""
    # Calls that verify a password or an authenticator code: outside a transaction, so a
    # wrong code's throttle is kept; their replays are harmless (decision 0011).
    exempt = {
        ("auth/token", "post"),
        ("auth/token", "delete"),
        ("me/second-factor/setup", "post"),
        ("me/second-factor/confirm", "post"),
        ("me/second-factor/disable", "post"),
    }
    # The citizens' sign-in has no owner for a key yet, and its answer is a secret token.
    exempt_citizen = {("auth/code", "post"), ("auth/token", "post")}
    unwrapped = []
    for urlconf, skip in (
        ("bering.api.urls", exempt),
        ("bering.api.citizen.urls", exempt_citizen),
    ):
        for entry in _all_patterns(get_resolver(urlconf).url_patterns):
            view_class = getattr(entry.callback, "cls", None)
            if view_class is None or str(entry.pattern) == "schema/":
                continue
            for method in ("post", "put", "patch", "delete"):
                handler = getattr(view_class, method, None)
                if handler is None or (str(entry.pattern), method) in skip:
                    continue
                if not is_idempotent(handler):
                    unwrapped.append((urlconf, str(entry.pattern), method))
    assert not unwrapped


def test_purge_forgets_old_answers(registrar, api):
    client = api(registrar)
    draft = {"doc_type": doc_type("memo").pk, "flow": "internal", "title": "Записка"}
    client.post("/api/v1/documents/", draft, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert idempotency_keys_purge(older_than=dt.timedelta(days=30)) == 0
    IdempotencyKey.objects.update(created_at="2000-01-01T00:00Z")
    out = io.StringIO()
    call_command("api_purge_idempotency_keys", stdout=out)
    assert "Deleted 1 " in out.getvalue()
    assert not IdempotencyKey.objects.exists()


def test_purge_forgets_citizens_old_answers_too(registrar, api):
    from bering.appeals.tests.conftest import make_citizen

    citizen = make_citizen()
    fields = {"method": "POST", "path": "/", "fingerprint": "f", "status": 201}
    IdempotencyKey.objects.create(citizen=citizen, key="old", **fields)
    IdempotencyKey.objects.create(user=registrar.user, key="old", **fields)
    IdempotencyKey.objects.update(created_at="2000-01-01T00:00Z")
    IdempotencyKey.objects.create(citizen=citizen, key="new", **fields)
    assert idempotency_keys_purge(older_than=dt.timedelta(days=30)) == 2
    assert list(IdempotencyKey.objects.values_list("key", "citizen")) == [("new", citizen.pk)]


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_apply_once(registrar, journal):
    """Eight clients send the same request with the same key at once: one document."""
    pdf_bytes()  # render outside the threads
    key = str(uuid.uuid4())
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        try:
            client = bearer(registrar.user)
            data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
            barrier.wait()
            response = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
            results.append((response.status_code, response.json().get("reg_number", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Document.objects.count() == 1
    # A duplicate that came while the first answer was being built (after the commit)
    # is told to retry; the others replay the answer.
    assert {r for r in results} <= {(201, "01-15/1"), (409, "")}, results
    assert (201, "01-15/1") in results
    assert IdempotencyKey.objects.count() == 1
    client = bearer(registrar.user)
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    again = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert (again.status_code, again.json()["reg_number"]) == (201, "01-15/1")


def test_the_fingerprint_leaves_passwords_out():
    from rest_framework.test import APIRequestFactory

    from bering.api.idempotency import request_fingerprint

    factory = APIRequestFactory()

    def fingerprint(password):
        from rest_framework.parsers import JSONParser
        from rest_framework.request import Request

        raw = factory.post("/api/v1/x", {"password": password, "a": 1}, format="json")
        return request_fingerprint(Request(raw, parsers=[JSONParser()]))

    assert fingerprint("first-secret") == fingerprint("other-secret")


def test_a_key_whose_first_request_has_not_finished_is_a_409_to_retry(registrar, journal, api):
    """What a tablet's outbox retries (same key) instead of taking it for a conflict."""
    client = api(registrar)
    IdempotencyKey.objects.create(
        user=registrar.user, key="slow-1", method="POST", path=URL, fingerprint="", status=0
    )
    data = {**incoming_card(), "journal": journal.pk}
    response = client.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="slow-1")
    assert response.status_code == 409
    assert response.json()["code"] == "request_in_progress"
    assert response["Retry-After"] == "1"
    assert Document.objects.count() == 0


# --- The answer is built after the commit (issue 14) ----------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_registration_answer_is_built_after_the_commit(registrar, journal, api, monkeypatch):
    """Building the card's detail held the journal's counter and the audit chain's lock
    for nothing: it runs once the registration has committed."""
    from bering.api.views import documents as views

    seen: list[bool] = []
    real = views.document_out

    def body(document):
        seen.append(connection.in_atomic_block)
        return real(document)

    monkeypatch.setattr(views, "document_out", body)
    key = str(uuid.uuid4())
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    first = api(registrar).post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    assert seen == [False]
    # The full answer was kept for replays.
    row = IdempotencyKey.objects.get()
    assert (row.response, row.answer_pending) == (first.json(), False)


@pytest.mark.django_db(transaction=True)
def test_a_registration_whose_answer_was_lost_replays_its_reference(
    registrar, journal, api, monkeypatch
):
    """The process dies after the commit, before the answer is built: the registration
    stands and a retry with the key learns which document it made."""
    from bering.api.views import documents as views

    def dies(document):
        raise RuntimeError("the worker was killed")

    monkeypatch.setattr(views, "document_out", dies)
    client = api(registrar)
    client.raise_request_exception = False
    key = str(uuid.uuid4())
    data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
    lost = client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)
    assert lost.status_code == 500
    document = Document.objects.get()
    assert document.reg_number == "01-15/1"

    def retry():
        data = {**incoming_card(), "journal": journal.pk, "files": [pdf_upload()]}
        return client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY=key)

    # At first the answer may still be being built: try again in a second.
    early = retry()
    assert early.status_code == 409
    assert early.json()["code"] == "request_in_progress"
    assert early["Retry-After"] == "1"
    # Past the grace the builder is taken for dead: the reference is the answer.
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(seconds=31))
    late = retry()
    assert late.status_code == 201
    assert late["Idempotent-Replayed"] == "true"
    assert late.json() == {"id": document.pk}
    assert Document.objects.count() == 1
