"""Citizens' appeals over the staff API: each endpoint for its role, isolation between
organizations, 400s that name the field, Idempotency-Key, file download.

Galina writes to the Ministry of Health; Alice (registrar) registers, redirects and
sends the answer, Boris (head) extends, Vera (executor) drafts the answer. Oleg of
the Ministry of Education must get 404 for all of it.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse

from bering.api.tests.conftest import pdf_bytes, pdf_upload
from bering.appeals import services
from bering.appeals.models import Appeal, Citizen, Milestone
from bering.appeals.tests.conftest import (  # noqa: F401 (fixtures)
    galina,
    make_citizen,
    registered,
    sent,
    signed_answer,
)
from bering.audit.models import AuditEvent
from bering.core import clock
from bering.documents import services as document_services
from bering.documents.models import Document

pytestmark = pytest.mark.django_db

MARKER = "МЕТКА-ЧУЖОГО-ОБРАЩЕНИЯ-API-5521"


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


@pytest.fixture
def received(galina, health, registrar, django_capture_on_commit_callbacks) -> Appeal:  # noqa: F811
    """A received (unregistered) appeal with a file and the marker in its text."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.appeal_send(
            citizen=galina,
            organization=health,
            text=f"Прошу помочь с записью к врачу. {MARKER}",
            consent=True,
            uploads=[
                document_services.Upload(name="скан.pdf", stream=io.BytesIO(pdf_bytes(MARKER)))
            ],
        ).appeal


# --- lists ---------------------------------------------------------------------------


def test_list_filters_and_pages(received, registered, registrar, api, monkeypatch):  # noqa: F811
    client = api(registrar)
    body = client.get(url("api-appeals")).json()
    assert body["count"] == 2
    row = next(r for r in body["results"] if r["id"] == registered.pk)
    assert row["reg_number"].endswith("-ОГ") and row["citizen"] == "Гусева Галина Петровна"
    assert row["due"]["due_at"] and row["overdue"] == ""
    only = client.get(url("api-appeals"), {"status": "received"}).json()
    assert [r["id"] for r in only["results"]] == [received.pk]
    paged = client.get(url("api-appeals"), {"limit": 1}).json()
    assert paged["count"] == 2 and len(paged["results"]) == 1 and paged["next"]
    rest = client.get(paged["next"]).json()  # a cursor link (decision 0021)
    assert [r["id"] for r in paged["results"] + rest["results"]] == [
        r["id"] for r in body["results"]
    ]
    assert client.get(url("api-appeals"), {"q": "Гусева"}).json()["count"] == 2
    assert client.get(url("api-appeals"), {"q": "Никто"}).json()["count"] == 0
    assert client.get(url("api-appeals"), {"overdue": "true"}).json()["count"] == 0
    later = clock.now() + dt.timedelta(days=10)
    monkeypatch.setattr(clock, "now", lambda: later)
    late = client.get(url("api-appeals"), {"overdue": "true"}).json()
    assert [r["id"] for r in late["results"]] == [received.pk]
    assert late["results"][0]["overdue"]


def test_list_is_for_registrars_heads_controllers(received, head, controller, executor, api):
    assert api(head).get(url("api-appeals")).json()["count"] == 1
    assert api(controller).get(url("api-appeals")).json()["count"] == 1
    response = api(executor).get(url("api-appeals"))
    assert response.status_code == 403 and response.json()["detail"]


def test_list_bad_filters_are_400_naming_the_field(registrar, api):
    client = api(registrar)
    for query, field in (
        ({"status": "planet"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"limit": "x"}, "limit"),
        ({"status": ""}, "status"),
    ):
        response = client.get(url("api-appeals"), query)
        assert response.status_code == 400, query
        assert response.json()["field"] == field


def test_queue_for_the_registrar_only(received, registrar, head, api):
    body = api(registrar).get(url("api-appeals-queue")).json()
    assert [r["id"] for r in body] == [received.pk]
    assert body[0]["due"]["stage"]
    assert api(head).get(url("api-appeals-queue")).status_code == 403


# --- detail and files ----------------------------------------------------------------


def test_detail_has_due_milestones_related_and_files(received, registered, registrar, api):  # noqa: F811
    body = api(registrar).get(url("api-appeal", received.pk)).json()
    assert MARKER in body["text"]
    assert body["due"]["note"] and "3" in body["registration_due_note"]
    assert [m["kind"] for m in body["milestones"]] == ["received"]
    assert [r["id"] for r in body["related"]] == [registered.pk]
    [item] = body["files"]
    assert item["name"] == "скан.pdf"
    download = api(registrar).get(item["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes(MARKER)
    assert download["Content-Type"] == "application/pdf"


def test_overdue_label_in_detail(received, registrar, api, monkeypatch):
    later = received.registration_due_at + dt.timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    body = api(registrar).get(url("api-appeal", received.pk)).json()
    assert body["overdue"] and body["due"]["overdue"] == body["overdue"]


def test_executor_sees_a_registered_appeal_but_not_the_list(registered, executor, api):  # noqa: F811
    assert api(executor).get(url("api-appeal", registered.pk)).status_code == 200


def test_missing_file_of_an_appeal_is_404(received, registrar, api):
    response = api(registrar).get(url("api-appeal-file-download", received.pk, 999999))
    assert response.status_code == 404


# --- register ------------------------------------------------------------------------


def test_register_with_title_and_executor_once_per_key(received, registrar, executor, api):
    client = api(registrar)
    key = str(uuid.uuid4())
    data = {"title": "О записи к врачу", "executor": executor.employee.pk}
    first = client.post(
        url("api-appeal-register", received.pk), data, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["status"] == "registered" and body["reg_number"].endswith("-ОГ")
    document = Document.objects.get(pk=body["document"])
    assert document.title == "О записи к врачу" and document.executor_id == executor.employee.pk
    # The citizen's scan goes with it (beside the text of the appeal as the main file).
    assert "скан.pdf" in {f.stored.original_name for f in document.files.all()}
    again = client.post(
        url("api-appeal-register", received.pk), data, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert Document.objects.filter(doc_type__code="appeal").count() == 1
    assert AuditEvent.objects.filter(verb="appeal.registered").count() == 1
    # Without the key, a second registration is a conflict, not a second number.
    conflict = client.post(url("api-appeal-register", received.pk), {}, format="json")
    assert conflict.status_code == 409 and conflict.json()["detail"]


def test_register_by_the_head_is_403(received, head, api):
    response = api(head).post(url("api-appeal-register", received.pk), {}, format="json")
    assert response.status_code == 403
    assert Appeal.objects.get(pk=received.pk).status == Appeal.Status.RECEIVED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"executor": "Вера"}, "executor"),
        ({"executor": 10**30}, "executor"),
        ({"journal": 999999}, "journal"),
        ({"title": 5}, "title"),
    ],
)
def test_register_bad_input_is_400(received, registrar, outsider, api, data, field):
    response = api(registrar).post(url("api-appeal-register", received.pk), data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Appeal.objects.get(pk=received.pk).status == Appeal.Status.RECEIVED


def test_register_with_an_executor_of_another_organization_is_400(
    received, registrar, outsider, api
):
    data = {"executor": outsider.employee.pk}
    response = api(registrar).post(url("api-appeal-register", received.pk), data, format="json")
    assert response.status_code == 400 and response.json()["field"] == "executor"


# --- paper appeals and citizens --------------------------------------------------------


def test_find_create_citizen_and_register_a_paper_appeal(registrar, executor, api):
    client = api(registrar)
    make_citizen()
    found = client.get(url("api-citizens"), {"q": "Гус"}).json()
    assert [c["full_name"] for c in found] == ["Гусева Галина Петровна"]
    created = client.post(
        url("api-citizens"),
        {"last_name": "Иванов", "first_name": "Иван", "postal_address": "г. Елизово, д. 3"},
        format="json",
    )
    assert created.status_code == 201, created.content
    citizen = created.json()
    assert citizen["has_account"] is False
    response = client.post(
        url("api-appeals-paper"),
        {
            "citizen": citizen["id"],
            "channel": "personal",
            "text": "Прошу отремонтировать ФАП.",
            "topic": "0002.0015",
            "executor": executor.employee.pk,
            "files": [pdf_upload("заявление.pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "/" in body["tracking_url"] and body["tracking_url"].startswith("http")
    appeal = body["appeal"]
    assert appeal["status"] == "registered" and appeal["channel"] == "personal"
    assert appeal["topic"] == "0002.0015" and len(appeal["files"]) == 1
    token = body["tracking_url"].rstrip("/").rsplit("/", 1)[-1]
    # The link works, and the API never shows it again.
    from bering.appeals.selectors import appeal_by_token

    assert appeal_by_token(token).pk == appeal["id"]
    assert token not in api(registrar).get(url("api-appeal", appeal["id"])).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "x"}, "citizen"),
        ({"citizen": 999999, "text": "x"}, "citizen"),
        ({"citizen": "CITIZEN", "text": "  "}, "text"),
        ({"citizen": "CITIZEN", "text": "x", "channel": "portal"}, "channel"),
        ({"citizen": "CITIZEN", "text": "x", "topic": "9999"}, "topic"),
        ({"citizen": "CITIZEN", "text": "x", "received_on": "2099-01-01"}, "received_on"),
        ({"citizen": "CITIZEN", "text": "x", "received_on": "вчера"}, "received_on"),
    ],
)
def test_paper_appeal_bad_input_is_400(registrar, galina, api, data, field):  # noqa: F811
    data = {k: galina.pk if v == "CITIZEN" else v for k, v in data.items()}
    response = api(registrar).post(url("api-appeals-paper"), data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Appeal.objects.exists()


def test_citizens_and_paper_appeals_are_for_registrars(head, galina, api):  # noqa: F811
    client = api(head)
    assert client.get(url("api-citizens"), {"q": "Гус"}).status_code == 403
    create = client.post(url("api-citizens"), {"last_name": "А", "first_name": "Б"}, format="json")
    assert create.status_code == 403
    paper = client.post(
        url("api-appeals-paper"), {"citizen": galina.pk, "text": "x"}, format="json"
    )
    assert paper.status_code == 403
    assert Citizen.objects.count() == 1 and not Appeal.objects.exists()


def test_citizen_bad_input_is_400(registrar, api):
    client = api(registrar)
    response = client.get(url("api-citizens"), {"q": "Г"})
    assert response.status_code == 400 and response.json()["field"] == "q"
    response = client.post(
        url("api-citizens"),
        {"last_name": "Иванов", "first_name": "Иван", "email": "нет"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "email"


# --- redirect, extend, close, answer -------------------------------------------------


def test_redirect_to_an_organization_of_the_region(registered, registrar, outsider, api):  # noqa: F811
    response = api(registrar).post(
        url("api-appeal-redirect", registered.pk),
        {"organization": outsider.org.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "redirected"
    assert response.json()["redirected_to_name"] == outsider.org.name
    child = Appeal.objects.get(redirected_from=registered)
    assert child.organization == outsider.org and child.status == Appeal.Status.RECEIVED


def test_redirect_outside_and_bad_input(registered, head, registrar, executor, api):  # noqa: F811
    client = api(registrar)
    neither = client.post(url("api-appeal-redirect", registered.pk), {}, format="json")
    assert neither.status_code == 400 and neither.json()["field"] == "organization"
    unknown = client.post(
        url("api-appeal-redirect", registered.pk), {"organization": 999999}, format="json"
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "organization"
    forbidden = api(executor).post(
        url("api-appeal-redirect", registered.pk), {"outside_name": "Прокуратура"}, format="json"
    )
    assert forbidden.status_code == 403
    done = api(head).post(
        url("api-appeal-redirect", registered.pk),
        {"outside_name": "Прокуратура Камчатского края"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["result"] == "redirected"


def test_extend_by_the_head_once(registered, head, registrar, api):  # noqa: F811
    target = url("api-appeal-extend", registered.pk)
    assert (
        api(registrar).post(target, {"days": 10, "reason": "Запрос"}, format="json").status_code
        == 403
    )
    for data, field in (
        ({"days": 0, "reason": "x"}, "days"),
        ({"days": 31, "reason": "x"}, "days"),
        ({"days": "десять", "reason": "x"}, "days"),
        ({"days": 10}, "reason"),
    ):
        response = api(head).post(target, data, format="json")
        assert response.status_code == 400 and response.json()["field"] == field, data
    client = api(head)
    key = "extend-1"
    data = {"days": 10, "reason": "Запрос в поликлинику"}
    first = client.post(target, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 200, first.content
    assert first.json()["extended_at"] and first.json()["extension_reason"]
    again = client.post(target, data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Milestone.objects.filter(appeal=registered, kind="extended").count() == 1
    assert client.post(target, data, format="json").status_code == 409


def test_close_without_answer(registered, registrar, executor, api):  # noqa: F811
    target = url("api-appeal-close", registered.pk)
    bad = api(registrar).post(target, {"ground": "boring"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "ground"
    assert api(executor).post(target, {"ground": "obscene"}, format="json").status_code == 403
    # Ending correspondence on a repeated appeal is the head's.
    assert api(registrar).post(target, {"ground": "repeated"}, format="json").status_code == 403
    done = api(registrar).post(target, {"ground": "obscene", "note": "угрозы"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "no_answer" and done.json()["no_answer_ground"] == "obscene"
    assert api(registrar).post(target, {"ground": "obscene"}, format="json").status_code == 409


def test_send_answer(registered, registrar, executor, head, outsider, api):  # noqa: F811
    answer = signed_answer(registered, executor, head, registrar)
    target = url("api-appeal-answer", registered.pk)
    for data, field in (
        ({"answer": answer.pk, "result": "no_answer"}, "result"),
        ({"answer": 999999, "result": "explained"}, "answer"),
        ({"answer": registered.document_id, "result": "explained"}, "answer"),
        ({"result": "explained"}, "answer"),
    ):
        response = api(registrar).post(target, data, format="json")
        assert response.status_code == 400 and response.json()["field"] == field, data
    data = {"answer": answer.pk, "result": "explained"}
    assert api(head).post(target, data, format="json").status_code == 403
    done = api(registrar).post(target, data, format="json", HTTP_IDEMPOTENCY_KEY="answer-1")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "answered" and body["answer"] == answer.pk
    assert body["result"] == "explained" and body["due"] is None
    again = api(registrar).post(target, data, format="json", HTTP_IDEMPOTENCY_KEY="answer-1")
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(verb="appeal.answered").count() == 1


# --- isolation -----------------------------------------------------------------------

OBJECT_ROUTES = [
    ("api-appeal", "get", {}),
    ("api-appeal-register", "post", {}),
    ("api-appeal-redirect", "post", {"outside_name": "Прокуратура"}),
    ("api-appeal-extend", "post", {"days": 5, "reason": "x"}),
    ("api-appeal-close", "post", {"ground": "obscene"}),
    ("api-appeal-answer", "post", {"answer": 1, "result": "explained"}),
    ("api-appeal-file-download", "get", {}),
]


def _args(name: str, appeal: Appeal, file_id: int) -> list[int]:
    return [appeal.pk, file_id] if name == "api-appeal-file-download" else [appeal.pk]


def _snapshot(appeal: Appeal) -> tuple[object, ...]:
    appeal.refresh_from_db()
    return (
        appeal.status,
        appeal.document_id,
        appeal.extended_at,
        appeal.closed_at,
        appeal.milestones.count(),
        AuditEvent.objects.filter(object_type="appeal", object_id=appeal.pk).count(),
    )


@pytest.mark.parametrize(("name", "method", "data"), OBJECT_ROUTES)
def test_another_organization_gets_404_as_for_a_missing_appeal(
    name, method, data, received, registrar, outsider, api
):
    file_id = received.files.get().pk
    before = _snapshot(received)
    client = api(outsider)  # Oleg is a registrar and the head of the Ministry of Education
    call = client.get if method == "get" else client.post
    foreign = call(url(name, *_args(name, received, file_id)), data, format="json")
    assert foreign.status_code == 404, (name, foreign.status_code)
    content = b"".join(foreign.streaming_content) if foreign.streaming else foreign.content
    assert MARKER.encode() not in content
    missing = call(
        url(name, *_args(name, Appeal(pk=received.pk + 1000), file_id)), data, format="json"
    )
    assert missing.status_code == 404
    assert foreign.json() == missing.json()
    assert _snapshot(received) == before


@pytest.mark.parametrize("name", ["api-appeal", "api-appeal-file-download"])
def test_owner_reaches_the_object_routes(name, received, registrar, api):
    """Positive control for the isolation test: the same URLs work for the owner."""
    file_id = received.files.get().pk
    assert api(registrar).get(url(name, *_args(name, received, file_id))).status_code == 200


def test_another_organization_sees_none_of_ours_in_lists(received, outsider, api):
    client = api(outsider)
    assert client.get(url("api-appeals")).json()["count"] == 0
    assert client.get(url("api-appeals-queue")).json() == []
    assert MARKER not in client.get(url("api-appeals"), {"q": MARKER}).content.decode()


def test_a_replayed_paper_appeal_keeps_no_tracking_token(registrar, api):
    """Only the token's hash is stored: the replay record keeps the link as null."""
    from bering.api.models import IdempotencyKey

    citizen = make_citizen()
    data = {"citizen": citizen.pk, "channel": "paper", "text": "Прошу ответить письмом."}
    client = api(registrar)
    first = client.post(url("api-appeals-paper"), data, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == 201 and first.json()["tracking_url"]
    token = first.json()["tracking_url"].rstrip("/").rsplit("/", 1)[-1]
    again = client.post(url("api-appeals-paper"), data, format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.status_code == 201 and again.json()["tracking_url"] is None
    assert again.json()["appeal"]["id"] == first.json()["appeal"]["id"]
    assert token not in str(list(IdempotencyKey.objects.values_list("response", flat=True)))
