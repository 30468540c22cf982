"""The tablet's sync: ``GET /api/v1/desk/changes`` gives the head's queue whole, then only
what changed; a decision with ``If-Match`` on an item that changed or left the queue is a
412 or a 409 that says what happened, and nothing is applied (decision 0019)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.assignments import services as assignments
from bering.assignments.models import Assignment, Extension, Report, Resolution
from bering.assignments.tests.factories import draft_resolution
from bering.core import clock
from bering.desk.models import SyncCursor
from bering.desk.sync import cursors_purge
from bering.web.tests.test_desk import _visas_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/desk/changes"


def _sync(client: Any, cursor: str | None = None, **params: Any) -> Any:
    query = {"cursor": cursor, **params} if cursor else params
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def _issued(registrar: Any, head: Any, executor: Any) -> Resolution:
    draft = draft_resolution(registrar, head, executor)
    return assignments.resolution_confirm(actor=head.actor, resolution=draft, spec=None)


def test_full_sync_holds_every_kind_with_what_to_read_and_how_to_decide(
    api, head, executor, controller, registrar
):
    _visas_for(head, executor, controller, 2)
    draft = draft_resolution(registrar, head, executor)
    issued = _issued(registrar, head, executor)
    task = Assignment.objects.get(resolution=issued, executor=executor.employee)
    extension = assignments.extension_request(
        actor=executor.actor,
        assignment=task,
        new_date=clock.now().date() + dt.timedelta(days=40),
        reason="Ждём ответа подрядчика",
    )
    body = _sync(api(head))
    assert body["reset"] is True and body["more"] is False
    kinds = sorted(item["kind"] for item in body["changed"])
    assert kinds == ["extension", "resolution", "visa", "visa"]
    assert body["count"] == 4 and body["removed"] == []
    by_key = {item["key"]: item for item in body["changed"]}
    resolution = by_key[f"resolution:{draft.pk}"]
    assert draft.text in resolution["text"] and "Васильева" in resolution["text"]
    assert [a["name"] for a in resolution["actions"]] == ["confirm", "return"]
    assert resolution["actions"][1]["comment_required"] is True
    ext = by_key[f"extension:{extension.pk}"]
    assert "Ждём ответа подрядчика" in ext["text"]
    assert ext["actions"][0]["body"] == {"grant": True, "note": ""}
    visa = next(i for i in body["changed"] if i["kind"] == "visa")
    assert visa["files"] and visa["files"][0]["sha256"]
    for file in visa["files"]:  # what the tablet fetches to read offline answers
        assert api(head).get(file["text_url"]).status_code == 200
        if file["pdf_url"]:
            pdf = api(head).get(file["pdf_url"], HTTP_RANGE="bytes=0-99")
            assert pdf.status_code == 206 and pdf["X-Bering-SHA256"] == file["pdf_sha256"]
    assert visa["actions"][0]["url"] == f"/api/v1/approvals/visas/{visa['id']}/decide"
    assert visa["etag"].startswith('"') and len(visa["version"]) == 16

    # The executor's report reaches the head as controller, not the executor himself.
    extension_after = assignments.extension_decide(
        actor=head.actor, extension=extension, grant=True, note=""
    )
    assert extension_after.status == Extension.Status.GRANTED
    report = assignments.report_submit(actor=executor.actor, assignment=task, text="Сделано.")
    keys = {i["key"] for i in _sync(api(head))["changed"]}
    assert f"report:{report.pk}" in keys and f"extension:{extension.pk}" not in keys
    assert not any(i["kind"] == "report" for i in _sync(api(executor))["changed"])


def test_second_sync_sends_only_what_changed_and_304_when_nothing(api, head, executor, controller):
    _visas_for(head, executor, controller, 3)
    client = api(head)
    first = client.get(URL)
    etag = first["ETag"]
    cursor = first.json()["cursor"]
    again = _sync(client, cursor)
    assert again["cursor"] == cursor and again["changed"] == [] and again["removed"] == []
    assert again["reset"] is False
    assert client.get(URL, {"cursor": cursor}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert SyncCursor.objects.count() == 1  # nothing changed, nothing written

    # One more visa, one decided: exactly those two keys come back.
    visa = Visa.objects.filter(approver=head.employee).order_by("pk").first()
    assert visa is not None
    approvals.visa_decide(actor=head.actor, visa=visa, outcome=Visa.Status.AGREED, comment="")
    _visas_for(head, executor, controller, 1)
    delta = _sync(client, cursor)
    assert delta["removed"] == [f"visa:{visa.pk}"]
    assert len(delta["changed"]) == 1 and delta["count"] == 3
    assert client.get(URL, {"cursor": cursor}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    # The answer was lost: the same old cursor gives the same changes again.
    assert _sync(client, cursor)["changed"] == delta["changed"]
    # The new cursor: nothing more.
    assert _sync(client, delta["cursor"])["changed"] == []


def test_paged_by_limit_until_more_is_false(api, head, executor, controller):
    _visas_for(head, executor, controller, 5)
    client = api(head)
    seen: list[str] = []
    cursor = None
    for _page in range(5):
        body = _sync(client, cursor, limit=2)
        seen += [i["key"] for i in body["changed"]]
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert len(seen) == len(set(seen)) == 5
    assert _sync(client, cursor)["changed"] == []


def test_a_cursor_of_someone_else_or_forgotten_is_a_full_sync(api, head, executor, controller):
    _visas_for(head, executor, controller, 1)
    _visas_for(controller, executor, head, 1)
    cursor = _sync(api(head))["cursor"]
    other = _sync(api(controller), cursor)
    assert other["reset"] is True and len(other["changed"]) == 1
    SyncCursor.objects.update(created_at=clock.now() - dt.timedelta(days=15))
    young = SyncCursor.objects.create(token="young", user=head.user, post_id=head.employee.pk)
    call_command("desk_purge_cursors", verbosity=0)  # in the sweep
    assert list(SyncCursor.objects.all()) == [young]
    assert cursors_purge() == 0
    assert not SyncCursor.objects.filter(token=cursor).exists()
    assert _sync(api(head), cursor)["reset"] is True


def test_bad_query_is_a_400(api, head):
    client = api(head)
    assert client.get(URL, {"limit": "0"}).status_code == 400
    assert client.get(URL, {"limit": "abc"}).status_code == 400
    assert client.get(URL, {"cursor": "x" * 300}).status_code == 400


def _decide(client: Any, item: dict[str, Any], action: str, *, etag: str, **extra: Any) -> Any:
    chosen = next(a for a in item["actions"] if a["name"] == action)
    body = dict(chosen["body"])
    if chosen["comment_field"]:
        body[chosen["comment_field"]] = extra.get("comment", "")
    return client.post(
        chosen["url"],
        body,
        format="json",
        HTTP_IF_MATCH=etag,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def test_if_match_applies_once_and_a_lost_answer_replays(api, head, executor, controller):
    _visas_for(head, executor, controller, 1)
    client = api(head)
    item = _sync(client)["changed"][0]
    key = str(uuid.uuid4())
    action = item["actions"][0]
    headers = {"HTTP_IF_MATCH": item["etag"], "HTTP_IDEMPOTENCY_KEY": key}
    first = client.post(action["url"], action["body"], format="json", **headers)
    assert first.status_code == 200, first.content
    again = client.post(action["url"], action["body"], format="json", **headers)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert Visa.objects.get(pk=item["id"]).status == Visa.Status.AGREED


def test_a_new_round_meanwhile_is_a_409_saying_what_happened(api, head, executor, controller):
    _visas_for(head, executor, controller, 1)
    client = api(head)
    item = _sync(client)["changed"][0]
    visa = Visa.objects.get(pk=item["id"])
    approvals.approval_recall(actor=executor.actor, document=visa.run.document, reason="Правки")
    answer = _decide(client, item, "agree", etag=item["etag"])
    assert answer.status_code == 409, answer.content
    assert answer.json()["code"] == "item_gone"
    assert "отозван автором" in answer.json()["detail"]
    visa.refresh_from_db()
    assert visa.status != Visa.Status.AGREED


def test_a_changed_item_is_a_412_with_the_item_as_it_is_now(api, head, executor, registrar):
    draft = draft_resolution(registrar, head, executor)
    client = api(head)
    item = _sync(client)["changed"][0]
    Resolution.objects.filter(pk=draft.pk).update(text="Подготовить ответ до пятницы.")
    answer = _decide(client, item, "confirm", etag=item["etag"])
    assert answer.status_code == 412, answer.content
    body = answer.json()
    assert body["code"] == "item_changed" and body["item"]["key"] == item["key"]
    assert "Подготовить ответ до пятницы." in body["item"]["text"]
    draft.refresh_from_db()
    assert draft.status == Resolution.Status.DRAFT
    # Decided again on what it is now: applied.
    ok = _decide(client, body["item"], "return", etag=body["item"]["etag"], comment="Уточнить")
    assert ok.status_code == 200, ok.content
    draft.refresh_from_db()
    assert draft.status != Resolution.Status.DRAFT


def test_report_decisions_check_if_match_too(api, head, executor, registrar):
    issued = _issued(registrar, head, executor)
    task = Assignment.objects.get(resolution=issued, executor=executor.employee)
    report = assignments.report_submit(actor=executor.actor, assignment=task, text="Сделано.")
    client = api(head)
    item = next(i for i in _sync(client)["changed"] if i["kind"] == "report")
    stale = _decide(client, item, "accept", etag='"stale"')
    assert stale.status_code == 412
    report.refresh_from_db()
    assert report.decision == Report.Decision.PENDING
    assert _decide(client, item, "accept", etag=item["etag"]).status_code == 200
    report.refresh_from_db()
    assert report.decision == Report.Decision.ACCEPTED


def test_queries_do_not_grow_with_the_queue(api, head, executor, controller, registrar):
    client = api(head)

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            _sync(client)
        return len(ctx)

    _visas_for(head, executor, controller, 2)
    draft_resolution(registrar, head, executor)
    few = measure()
    _visas_for(head, executor, controller, 8)
    draft_resolution(registrar, head, executor)
    assert measure() == few


def test_a_days_sync_of_50_items_is_under_200_kb(api, head, executor, controller):
    """A working day: 50 items arrive in tens, the tablet syncs every 5 minutes for
    10 hours (120 calls, most of them 304), and the head decides on every item. The
    bytes are what travels: the gzip-compressed answers, as the tablet asks for them."""
    client = api(head)
    total = 0
    cursor = None
    etag = ""
    arrived = 0
    for tick in range(120):
        if tick % 20 == 0 and arrived < 50:
            _visas_for(head, executor, controller, 10)
            arrived += 10
        if tick % 10 == 5:
            for visa in Visa.objects.filter(approver=head.employee, status=Visa.Status.PENDING)[:5]:
                approvals.visa_decide(
                    actor=head.actor, visa=visa, outcome=Visa.Status.AGREED, comment=""
                )
        while True:
            query = {"cursor": cursor} if cursor else {}
            response = client.get(URL, query, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)
            total += len(response.content) + sum(len(k) + len(v) for k, v in response.items())
            if response.status_code == 304:
                break
            raw = response.content
            if len(raw) > 400:  # Django leaves answers under 200 bytes uncompressed
                assert response["Content-Encoding"] == "gzip"
            if response.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            body = json.loads(raw)
            cursor, etag = body["cursor"], response["ETag"]
            if not body["more"]:
                break
    assert arrived == 50
    print(f"a day's sync: {total} bytes")  # the figure, seen with -s
    assert total < 200 * 1024, total
