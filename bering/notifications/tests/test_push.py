"""Web Push (issue 13): a visa or an overdue mark reaches the head's tablet, through a real
push service on loopback that checks the VAPID signature and decrypts what it got."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from typing import Any
from unittest import mock

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.approvals.tests.conftest import create_draft
from bering.core.errors import ValidationFailed
from bering.notifications import push, services, tasks, vapid
from bering.notifications.models import Kind, Notification, PushSubscription, VapidKey
from bering.notifications.tests.push_service import Browser, PushService, b64url

pytestmark = pytest.mark.django_db

MARKER = "МЕТКА-ТЕКСТА-УВЕДОМЛЕНИЯ-5521"


def subscribe(persona: Any, service: PushService, device: str = "Планшет") -> tuple[str, Browser]:
    endpoint, browser = service.new_browser()
    push.push_subscribe(
        user=persona.user,
        endpoint=endpoint,
        p256dh=browser.p256dh,
        auth=browser.auth,
        device=device,
    )
    return endpoint, browser


def kind_title(kind: str) -> str:
    with translation.override("ru"):
        return str(capfirst(Kind(kind).label))


def tell(persona: Any, kind: str, capture: Any, **kwargs: Any) -> list[Notification]:
    fields: dict[str, Any] = {
        "title": "Согласовать проект приказа № 12",
        "body": MARKER,
        "url": "/documents/12/",
        "object_type": "document",
        "object_id": 12,
    }
    fields.update(kwargs)
    with capture(execute=True), transaction.atomic():
        return services.notify(recipient_ids=[persona.employee.pk], kind=kind, **fields)


def test_a_visa_reaching_the_head_is_pushed_to_the_tablet(
    head: Any, executor: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint, _browser = subscribe(head, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_draft(executor, head)
        approvals.approval_start(
            actor=executor.actor,
            document=draft,
            plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
        )
    visa = Visa.objects.get(run__document=draft, approver=head.employee, status="pending")
    [got] = push_service.for_endpoint(endpoint)
    assert got.status == 201, got.problem
    assert got.vapid_key == vapid.public_key_b64url()
    assert got.claims["sub"] == vapid.subject()
    assert int(got.headers["ttl"]) == push.TTL_SECONDS
    assert got.payload is not None
    assert set(got.payload) == {"title", "body", "url", "tag"}
    assert got.payload["title"] == kind_title("task_new") == "Новая задача"
    assert draft.title in got.payload["body"]
    assert got.payload["url"] == reverse("approvals:visa", args=[visa.pk])
    assert got.payload["tag"] == f"document-{draft.pk}"
    subscription = PushSubscription.objects.get(endpoint=endpoint)
    assert subscription.last_success_at is not None and subscription.failures == 0
    assert Notification.objects.get(kind="task_new", recipient=head.employee).pushed_at


def test_an_overdue_mark_is_pushed(
    head: Any, executor: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_draft(executor, head)
        approvals.approval_start(
            actor=executor.actor,
            document=draft,
            plan=[approvals.StagePlan(name="Согласование", approver_ids=(head.employee.pk,))],
        )
    endpoint, _browser = subscribe(head, push_service)
    visa = Visa.objects.get(run__document=draft, approver=head.employee, status="pending")
    assert visa.due_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        result = approvals.visas_remind(
            now=visa.due_at + dt.timedelta(days=3),
            remind_before=dt.timedelta(hours=4),
            escalate_after_days=10,
        )
    assert result.overdue == [visa.pk]
    [got] = push_service.for_endpoint(endpoint)
    assert got.status == 201, got.problem
    assert got.payload is not None
    assert got.payload["title"] == kind_title("overdue") == "Просрочено"
    assert got.payload["url"] == reverse("approvals:visa", args=[visa.pk])


def test_a_report_and_an_extension_request_reach_the_head(
    registrar: Any,
    head: Any,
    executor: Any,
    push_service: PushService,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Two more of the head's decisions: accept a report, grant an extension."""
    from bering.assignments import services as assignments
    from bering.assignments.tests.factories import incoming, issued

    with django_capture_on_commit_callbacks(execute=True):
        letter = incoming(registrar)
        item = issued(head, letter, executor.employee).assignments.get()
    endpoint, _browser = subscribe(head, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        assignments.report_submit(actor=executor.actor, assignment=item, text=MARKER)
    with django_capture_on_commit_callbacks(execute=True):
        assignments.extension_request(
            actor=executor.actor,
            assignment=item,
            new_date=item.due_at.date().replace(year=item.due_at.year + 1),
            reason=MARKER,
        )
    got = push_service.for_endpoint(endpoint)
    assert [r.status for r in got] == [201, 201], [r.problem for r in got]
    assert [r.payload["tag"].split("-")[0] for r in got if r.payload] == ["report", "extension"]
    assert all(MARKER not in json.dumps(r.payload, ensure_ascii=False) for r in got)


def test_the_payload_carries_the_title_never_the_body(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint, _browser = subscribe(head, push_service)
    tell(head, "report", django_capture_on_commit_callbacks, title="Отчёт: " + "о" * 400)
    [got] = push_service.for_endpoint(endpoint)
    assert got.payload is not None
    assert MARKER not in json.dumps(got.payload, ensure_ascii=False)
    assert len(got.payload["body"]) <= push.BODY_MAX
    assert got.payload["url"] == "/documents/12/"


@pytest.mark.parametrize(
    "kind", sorted(set(Kind.values) - push.PUSH_KINDS), ids=lambda k: f"kind={k}"
)
def test_kinds_not_chosen_are_not_pushed(
    kind: str, head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(head, push_service)
    [notification] = tell(head, kind, django_capture_on_commit_callbacks)
    assert push_service.received == []
    notification.refresh_from_db()
    assert notification.pushed_at is None


def test_the_chosen_kinds_are_the_decisions_and_the_overdue_marks() -> None:
    chosen = {"task_new", "assignment_new", "report", "overdue", "escalation"}
    assert set(push.PUSH_KINDS) == chosen
    assert push.is_pushed("other", "extension")
    assert not push.is_pushed("other", "document") and not push.is_pushed("other")


def test_a_person_without_a_device_gets_no_push_task(
    head: Any,
    executor: Any,
    push_service: PushService,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    subscribe(executor, push_service)  # someone else's device
    task = mock.Mock()
    monkeypatch.setattr(tasks, "notification_push", task)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    task.enqueue.assert_not_called()
    assert push_service.received == []


def test_only_the_recipients_with_a_device_get_a_task(
    head: Any,
    executor: Any,
    controller: Any,
    push_service: PushService,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    subscribe(head, push_service, "Планшет 1")
    subscribe(head, push_service, "Планшет 2")
    task = mock.Mock()
    monkeypatch.setattr(tasks, "notification_push", task)
    with django_assert_num_queries(1):
        found = push.push_recipients([head.employee.pk, executor.employee.pk])
    assert found == {head.employee.pk}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        created = services.notify(
            recipient_ids=[head.employee.pk, executor.employee.pk, controller.employee.pk],
            kind="task_new",
            title="Согласовать",
        )
    mine = next(n for n in created if n.recipient_id == head.employee.pk)
    task.enqueue.assert_called_once_with(mine.pk)


def test_every_device_of_the_person_gets_it_once(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    first, _b1 = subscribe(head, push_service, "Планшет")
    second, _b2 = subscribe(head, push_service, "Телефон")
    [notification] = tell(head, "escalation", django_capture_on_commit_callbacks)
    assert len(push_service.for_endpoint(first)) == 1
    assert len(push_service.for_endpoint(second)) == 1
    assert push.notification_push_send(notification_id=notification.pk) == 0  # a repeat
    assert len(push_service.received) == 2


def test_410_from_the_push_service_deletes_the_subscription(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    gone, _b1 = subscribe(head, push_service, "Старый планшет")
    kept, _b2 = subscribe(head, push_service, "Планшет")
    push_service.answer(gone, 410)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    assert [r.status for r in push_service.for_endpoint(gone)] == [410]
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept]


def test_404_deletes_and_a_server_error_counts_a_failure(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    missing, _b1 = subscribe(head, push_service)
    broken, _b2 = subscribe(head, push_service)
    push_service.answer(missing, 404)
    push_service.answer(broken, 503)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    assert not PushSubscription.objects.filter(endpoint=missing).exists()
    subscription = PushSubscription.objects.get(endpoint=broken)
    assert subscription.failures == 1 and subscription.last_success_at is None


def test_many_failures_in_a_row_delete_the_subscription(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    broken, _browser = subscribe(head, push_service)
    PushSubscription.objects.filter(endpoint=broken).update(failures=push.MAX_FAILURES - 1)
    push_service.answer(broken, 500)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    assert not PushSubscription.objects.exists()


def test_a_redirect_is_not_followed(
    head: Any, push_service: PushService, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint, _browser = subscribe(head, push_service)
    elsewhere, _other = push_service.new_browser()
    push_service.answer(endpoint, 307, location=elsewhere)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    assert [r.token for r in push_service.received] == [endpoint.rsplit("/", 1)[1]]
    assert PushSubscription.objects.get(endpoint=endpoint).failures == 1


def test_a_name_that_resolves_to_an_internal_address_is_never_posted_to(
    head: Any,
    push_service: PushService,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """DNS may point a public-looking name inside: the server checks at sending."""
    browser = Browser()
    endpoint = "https://push.example.org/push/abc"
    push.push_subscribe(user=head.user, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth)

    def internal(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "push.example.org"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(socket, "getaddrinfo", internal)
    post = mock.Mock()
    monkeypatch.setattr("requests.Session.request", post)
    tell(head, "task_new", django_capture_on_commit_callbacks)
    post.assert_not_called()
    assert PushSubscription.objects.get(endpoint=endpoint).failures == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://push.example.org/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://api.localhost/x",
        "https://[::1]/x",
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "https://172.16.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/x",
        "https://0.0.0.0/x",
        "https://intranet/x",
        "https://user:secret@fcm.googleapis.com/fcm/send/x",
        "ftp://fcm.googleapis.com/x",
        "javascript:alert(1)",
        "https://fcm.googleapis.com:99999/x",
        "https://fcm.googleapis.com/fcm send/x",
        "https://fcm.googleapis.com/" + "x" * 1000,
        "",
    ],
)
def test_endpoints_the_server_must_not_post_to(url: str, settings: Any) -> None:
    settings.BERING_PUSH_ALLOW_HTTP = False
    settings.DEBUG = False
    assert push.endpoint_problem(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGZ4n1bYx",
        "https://8.8.8.8/push/x",
    ],
)
def test_endpoints_of_public_push_services_are_taken(url: str, settings: Any) -> None:
    settings.BERING_PUSH_ALLOW_HTTP = False
    assert push.endpoint_problem(url) is None


def test_loopback_only_when_allowed(settings: Any) -> None:
    settings.DEBUG = False
    settings.BERING_PUSH_ALLOW_HTTP = True
    assert push.endpoint_problem("http://127.0.0.1:8080/push/x") is None
    assert push.endpoint_problem("http://localhost:8080/push/x") is None
    assert push.endpoint_problem("http://10.0.0.1/push/x") is not None
    assert push.endpoint_problem("http://push.example.org/x") is not None


def test_subscribe_checks_the_browser_keys(head: Any) -> None:
    browser = Browser()
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    with pytest.raises(ValidationFailed) as bad_point:
        push.push_subscribe(user=head.user, endpoint=endpoint, p256dh="AAAA", auth=browser.auth)
    assert bad_point.value.field == "keys.p256dh"
    with pytest.raises(ValidationFailed) as bad_auth:
        push.push_subscribe(user=head.user, endpoint=endpoint, p256dh=browser.p256dh, auth="x*y")
    assert bad_auth.value.field == "keys.auth"
    assert not PushSubscription.objects.exists()


def test_the_same_browser_again_is_one_subscription_moved_to_the_new_person(
    head: Any, executor: Any
) -> None:
    browser = Browser()
    endpoint = "https://fcm.googleapis.com/fcm/send/abc"
    first, created = push.push_subscribe(
        user=head.user, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth
    )
    assert created
    renewed = Browser()
    again, created_again = push.push_subscribe(
        user=executor.user, endpoint=endpoint, p256dh=renewed.p256dh, auth=renewed.auth
    )
    assert not created_again and again.pk == first.pk
    row = PushSubscription.objects.get()
    assert (row.user_id, row.p256dh) == (executor.user.pk, renewed.p256dh)


# --- The VAPID key -----------------------------------------------------------------------


def test_the_key_is_made_once_and_kept_in_the_database(db: None, settings: Any) -> None:
    settings.BERING_VAPID_PRIVATE_KEY = ""
    first = vapid.public_key_b64url()
    assert vapid.public_key_b64url() == first
    assert VapidKey.objects.count() == 1
    point = vapid.b64url_decode(first)
    assert len(point) == 65 and point[0] == 4


def test_a_lost_race_for_the_key_keeps_the_first_one(db: None, settings: Any) -> None:
    """Two processes start at once: the second insert fails and reads the first row."""
    settings.BERING_VAPID_PRIVATE_KEY = ""
    winner = vapid.public_key_b64url()
    real_filter = VapidKey.objects.filter
    with mock.patch.object(VapidKey.objects, "filter") as looked:
        looked.return_value.first.return_value = None  # "not there yet" when it looked
        assert vapid.public_key_b64url() == winner
    assert VapidKey.objects.count() == 1
    assert real_filter(pk=1).exists()


@pytest.mark.django_db(transaction=True)
def test_two_processes_starting_at_once_share_one_key(settings: Any) -> None:
    """Two threads (two connections) ask for the key of an empty database at once."""
    settings.BERING_VAPID_PRIVATE_KEY = ""
    start = threading.Barrier(2)
    keys: list[str] = []

    def first_use() -> None:
        try:
            start.wait(timeout=30)
            keys.append(vapid.public_key_b64url())
        finally:
            connection.close()

    threads = [threading.Thread(target=first_use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(keys) == 2 and keys[0] == keys[1]
    assert VapidKey.objects.count() == 1
    assert vapid.public_key_b64url() == keys[0]


@pytest.mark.parametrize("form", ["raw", "pem", "pem-escaped"])
def test_a_configured_key_wins(form: str, db: None, settings: Any) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    configured = {
        "raw": b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        "pem": pem,
        "pem-escaped": pem.replace("\n", "\\n"),
    }[form]
    settings.BERING_VAPID_PRIVATE_KEY = configured
    expected = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert vapid.public_key_b64url() == b64url(expected)
    assert not VapidKey.objects.exists()


@pytest.mark.parametrize("bad", ["not a key", "AAAA", "-----BEGIN PRIVATE KEY-----\nxx\n"])
def test_a_wrong_configured_key_is_a_configuration_error(bad: str, settings: Any) -> None:
    settings.BERING_VAPID_PRIVATE_KEY = bad
    with pytest.raises(ImproperlyConfigured):
        vapid.private_key()


def test_the_subject_defaults_to_the_mail_sender(settings: Any) -> None:
    settings.BERING_VAPID_SUBJECT = ""
    settings.DEFAULT_FROM_EMAIL = "sed@kamgov.ru"
    assert vapid.subject() == "mailto:sed@kamgov.ru"
