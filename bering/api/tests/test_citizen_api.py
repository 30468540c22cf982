"""The citizens' API: its own tokens, own appeals only, JSON errors, never a 500."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.test import TestCase
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from bering.api.models import IdempotencyKey
from bering.api.tests.conftest import bearer, pdf_bytes
from bering.appeals import citizen_auth
from bering.appeals import services as appeal_services
from bering.appeals.models import Appeal, Citizen, CitizenToken, Topic
from bering.appeals.tests.conftest import make_citizen, signed_answer

pytestmark = pytest.mark.django_db

BASE = "/api/citizen/v1/"
CITIZEN_ENDPOINTS = [
    ("get", "me"),
    ("patch", "me"),
    ("get", "appeals/"),
    ("post", "appeals/"),
    ("get", "appeals/1"),
    ("post", "appeals/1/supplement"),
    ("post", "appeals/1/withdraw"),
    ("get", "appeals/1/answer"),
    ("get", "organizations/"),
    ("get", "topics/"),
]


def citizen_client(citizen) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {citizen_auth.citizen_token_issue(citizen=citizen)}"
    )
    return client


@pytest.fixture
def galina(db):
    return make_citizen()


@pytest.fixture
def petr(db):
    return make_citizen("Петров", "Пётр", "petr@yandex.ru")


@pytest.fixture
def gapi(galina):
    return citizen_client(galina)


def _send(client: APIClient, health, **extra):
    data = {"organization": health.pk, "text": "Прошу помочь с записью к врачу.", "consent": True}
    data.update(extra)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(BASE + "appeals/", data, format="multipart")


@pytest.mark.parametrize("method, path", CITIZEN_ENDPOINTS)
def test_staff_token_gets_401_on_every_citizen_endpoint(method, path, registrar):
    response = getattr(bearer(registrar.user), method)(BASE + path)
    assert response.status_code == 401
    assert response.json()["code"]


@pytest.mark.parametrize("method, path", CITIZEN_ENDPOINTS)
def test_no_token_gets_401(method, path, db):
    assert getattr(APIClient(), method)(BASE + path).status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/documents/", "/api/v1/me"])
def test_citizen_token_gets_401_on_staff_endpoints(path, gapi):
    assert gapi.get(path).status_code == 401


def test_staff_session_does_not_open_the_citizen_api(registrar):
    client = APIClient()
    client.force_login(registrar.user)
    assert client.get(BASE + "me").status_code == 401


def test_code_then_token_then_me(db):
    client = APIClient()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(BASE + "auth/code", {"email": "Ivan@Mail.ru"}, format="json")
    assert response.status_code == 202
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    response = client.post(
        BASE + "auth/token", {"email": "ivan@mail.ru", "code": "000000"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "code"
    response = client.post(BASE + "auth/token", {"email": "ivan@mail.ru", "code": code})
    assert response.status_code == 201
    raw = response.json()["token"]
    assert not CitizenToken.objects.filter(key_hash=raw).exists()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    me = client.get(BASE + "me").json()
    assert me["login_email"] == "ivan@mail.ru" and me["profile_complete"] is False


def test_auth_code_rate_limit_gives_429_with_retry_after(db, settings):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "login_code": (1, 900)}
    client = APIClient()
    assert client.post(BASE + "auth/code", {"email": "a@mail.ru"}).status_code == 202
    response = client.post(BASE + "auth/code", {"email": "a@mail.ru"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "rate_limited"


def test_api_rate_limit_per_citizen(gapi, settings):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "citizen_api": (2, 60)}
    assert gapi.get(BASE + "me").status_code == 200
    assert gapi.get(BASE + "me").status_code == 200
    response = gapi.get(BASE + "me")
    assert response.status_code == 429 and response["Retry-After"]


def test_patch_me_checks_the_answer_email(gapi, galina):
    response = gapi.patch(BASE + "me", {"email": "galina@gmail.com"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "email" and ".ru" in body["detail"]
    response = gapi.patch(BASE + "me", {"middle_name": "Сергеевна"}, format="json")
    assert response.status_code == 200
    assert response.json()["middle_name"] == "Сергеевна"
    galina.refresh_from_db()
    assert galina.middle_name == "Сергеевна" and galina.last_name == "Гусева"


def test_create_with_files_list_get_supplement_withdraw(gapi, galina, health):
    upload = io.BytesIO(pdf_bytes("Справка"))
    upload.name = "справка.pdf"
    response = _send(gapi, health, files=[upload])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert "/reception/t/" in body["tracking_url"]
    appeal_id = body["id"]
    assert Appeal.objects.get(pk=appeal_id).files.count() == 1
    listing = gapi.get(BASE + "appeals/").json()
    assert [a["id"] for a in listing["results"]] == [appeal_id]
    detail = gapi.get(BASE + f"appeals/{appeal_id}").json()
    assert detail["text"].startswith("Прошу") and detail["steps"][0]["kind"] == "received"
    response = gapi.post(
        BASE + f"appeals/{appeal_id}/supplement", {"text": "Дополняю."}, format="json"
    )
    assert response.status_code == 201
    assert any(s["kind"] == "supplemented" for s in response.json()["steps"])
    response = gapi.post(BASE + f"appeals/{appeal_id}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    again = gapi.post(BASE + f"appeals/{appeal_id}/withdraw")
    assert again.status_code == 409 and again.json()["detail"]


def test_dont_know_whom_goes_to_the_reception(gapi, health, settings):
    settings.BERING_RECEPTION_ORG_CODE = health.code
    response = _send(gapi, health, organization="")
    assert response.status_code == 201, response.json()
    assert response.json()["addressed_to_reception"] is True


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"consent": False}, "consent"),
        ({"text": ""}, "text"),
        ({"organization": 999999}, "organization"),
        ({"organization": "abc"}, "organization"),
        ({"organization": 2**70}, "organization"),
        ({"topic": "9999.9999"}, "topic"),
        ({"answer_by_email": "maybe"}, "answer_by_email"),
        ({"text": "x" * 10_001}, "text"),
    ],
)
def test_bad_input_is_a_400_with_a_message(gapi, health, extra, field):
    response = _send(gapi, health, **extra)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] and body.get("field") == field


def test_too_many_files_is_a_400(gapi, health):
    files = []
    for i in range(6):
        f = io.BytesIO(pdf_bytes("x"))
        f.name = f"{i}.pdf"
        files.append(f)
    response = _send(gapi, health, files=files)
    assert response.status_code == 400
    assert response.json()["field"] == "files"


def test_incomplete_profile_is_a_400(health, db):
    nameless = Citizen.objects.create(last_name="", first_name="", login_email="x@mail.ru")
    response = _send(citizen_client(nameless), health)
    assert response.status_code == 400 and response.json()["field"] == "profile"


def test_garbage_json_is_a_400(gapi):
    response = gapi.generic("PATCH", BASE + "me", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_another_citizen_gets_404_like_missing(gapi, galina, petr, health):
    appeal_id = _send(gapi, health).json()["id"]
    papi = citizen_client(petr)
    missing = papi.get(BASE + "appeals/999999")
    for method, suffix in [
        ("get", ""),
        ("get", "/answer"),
        ("post", "/supplement"),
        ("post", "/withdraw"),
    ]:
        response = getattr(papi, method)(BASE + f"appeals/{appeal_id}{suffix}")
        assert response.status_code == 404, suffix
        assert response.json() == missing.json()
    assert papi.get(BASE + "appeals/").json()["results"] == []
    assert Appeal.objects.get(pk=appeal_id).status == "received"


def test_answer_pdf_is_an_attachment_for_its_citizen_only(
    gapi, galina, petr, health, registrar, executor, head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = appeal_services.appeal_send(
            citizen=galina, organization=health, text="Прошу помочь.", consent=True
        )
        appeal = appeal_services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
        answer = signed_answer(appeal, executor, head, registrar)
        appeal_services.appeal_answer_send(
            actor=registrar.actor, appeal=appeal, answer=answer, result="explained"
        )
    response = gapi.get(BASE + f"appeals/{appeal.pk}/answer")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert citizen_client(petr).get(BASE + f"appeals/{appeal.pk}/answer").status_code == 404


def test_no_answer_yet_is_a_404(gapi, health):
    appeal_id = _send(gapi, health).json()["id"]
    assert gapi.get(BASE + f"appeals/{appeal_id}/answer").status_code == 404


def test_reference_lists(gapi, health):
    parent, _ = Topic.objects.get_or_create(code="0001", defaults={"name": "Государство"})
    Topic.objects.update_or_create(
        code="0001.0001", defaults={"name": "Конституционный строй", "parent": parent}
    )
    orgs = gapi.get(BASE + "organizations/", {"q": health.name[:5]}).json()
    assert health.pk in [o["id"] for o in orgs]
    topics = gapi.get(BASE + "topics/").json()
    assert {"code": "0001.0001", "name": "Конституционный строй", "parent": "0001"} in topics


def test_separate_schema_lists_only_citizen_paths(db):
    citizen = APIClient().get(BASE + "schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert citizen.status_code == 200
    validate_schema(citizen.json())
    assert "citizenBearer" in citizen.json()["components"]["securitySchemes"]
    paths = set(citizen.json()["paths"])
    assert "/api/citizen/v1/appeals/" in paths
    assert all(p.startswith("/api/citizen/v1/") for p in paths)
    staff = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert not [p for p in staff.json()["paths"] if p.startswith("/api/citizen/")]


def test_revoked_citizen_is_401(gapi, galina):
    galina.is_active = False
    galina.save(update_fields=["is_active"])
    assert gapi.get(BASE + "me").status_code == 401


# --- Idempotency-Key (QUALITY.md item 2, decision 0002) ---------------------------------


def _send_keyed(client: APIClient, health, key: str, **extra):
    data = {"organization": health.pk, "text": "Прошу починить крышу.", "consent": True}
    data.update(extra)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(BASE + "appeals/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_resent_appeal_with_the_same_key_is_sent_once(gapi, galina, health):
    first = _send_keyed(gapi, health, "send-1")
    assert first.status_code == 201, first.json()
    assert "Idempotent-Replayed" not in first
    mails = len(mail.outbox)
    again = _send_keyed(gapi, health, "send-1")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == {**first.json(), "tracking_url": None}
    assert Appeal.objects.filter(citizen=galina).count() == 1
    assert len(mail.outbox) == mails
    row = IdempotencyKey.objects.get()
    assert (row.citizen, row.user, row.key, row.status) == (galina, None, "send-1", 201)
    token = first.json()["tracking_url"].rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(row.response)


def test_the_same_key_with_another_text_is_422(gapi, galina, health):
    assert _send_keyed(gapi, health, "send-2").status_code == 201
    response = _send_keyed(gapi, health, "send-2", text="Совсем другое обращение.")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused" and response.json()["detail"]
    assert Appeal.objects.filter(citizen=galina).count() == 1


def test_one_citizens_key_is_not_seen_by_another(gapi, galina, petr, health):
    mine = _send_keyed(gapi, health, "same-key")
    theirs = _send_keyed(citizen_client(petr), health, "same-key")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert theirs.json()["id"] != mine.json()["id"]
    assert Appeal.objects.filter(citizen=petr).count() == 1
    assert Appeal.objects.filter(citizen=galina).count() == 1
    assert IdempotencyKey.objects.filter(key="same-key").count() == 2


def test_a_staff_users_key_and_a_citizens_are_apart(gapi, galina, health, registrar):
    from bering.documents.tests.factories import doc_type

    draft = {"doc_type": doc_type("memo").pk, "flow": "internal", "title": "Записка"}
    staff = bearer(registrar.user).post(
        "/api/v1/documents/", draft, format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )
    assert staff.status_code == 201, staff.json()
    citizen = _send_keyed(gapi, health, "shared")
    assert citizen.status_code == 201 and "Idempotent-Replayed" not in citizen
    assert set(IdempotencyKey.objects.values_list("user", "citizen")) == {
        (registrar.user.pk, None),
        (None, galina.pk),
    }


def test_a_failed_send_leaves_no_key(gapi, galina, health):
    refused = _send_keyed(gapi, health, "send-3", consent=False)
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    response = _send_keyed(gapi, health, "send-3")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Appeal.objects.filter(citizen=galina).count() == 1


def test_supplement_withdraw_and_profile_replay_with_the_same_key(gapi, galina, health):
    appeal_id = _send_keyed(gapi, health, "send-4").json()["id"]
    url = BASE + f"appeals/{appeal_id}/supplement"
    for _ in range(2):
        response = gapi.post(url, {"text": "Дополняю."}, format="json", HTTP_IDEMPOTENCY_KEY="sup")
        assert response.status_code == 201
    assert response["Idempotent-Replayed"] == "true"
    assert [s["kind"] for s in response.json()["steps"]].count("supplemented") == 1
    url = BASE + f"appeals/{appeal_id}/withdraw"
    first = gapi.post(url, HTTP_IDEMPOTENCY_KEY="wd")
    again = gapi.post(url, HTTP_IDEMPOTENCY_KEY="wd")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert gapi.post(url, HTTP_IDEMPOTENCY_KEY="wd-new").status_code == 409
    for _ in range(2):
        response = gapi.patch(
            BASE + "me", {"middle_name": "Сергеевна"}, format="json", HTTP_IDEMPOTENCY_KEY="me"
        )
        assert response.status_code == 200
    assert response["Idempotent-Replayed"] == "true"
    assert set(IdempotencyKey.objects.values_list("citizen", flat=True)) == {galina.pk}


def test_a_bad_key_is_a_400(gapi, health):
    response = _send_keyed(gapi, health, "пробел и кириллица")
    assert response.status_code == 400 and response.json()["code"] == "bad_idempotency_key"
    assert not Appeal.objects.exists()


def test_a_key_has_exactly_one_owner(galina, registrar):
    from django.db import IntegrityError, transaction

    fields = {"key": "k", "method": "POST", "path": "/", "fingerprint": "f", "status": 201}
    for owner in ({}, {"user": registrar.user, "citizen": galina}):
        with pytest.raises(IntegrityError), transaction.atomic():
            IdempotencyKey.objects.create(**owner, **fields)
    IdempotencyKey.objects.create(citizen=galina, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(citizen=galina, **fields)


def test_the_schema_documents_the_key_on_every_write(db):
    schema = APIClient().get(BASE + "schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    keyed = set()
    for path, operations in schema.json()["paths"].items():
        for method, operation in operations.items():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            if "Idempotency-Key" in headers:
                assert "422" in operation["responses"], (path, method)
                keyed.add((method, path.removeprefix(BASE.rstrip("/"))))
            else:
                assert "422" not in operation["responses"], (path, method)
    assert keyed == {
        ("patch", "/me"),
        ("post", "/appeals/"),
        ("post", "/appeals/{id}/supplement"),
        ("post", "/appeals/{id}/withdraw"),
    }
