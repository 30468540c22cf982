"""/api/v1/push/: the server's VAPID key and the person's devices, as the tablet calls them."""

from __future__ import annotations

from typing import Any

import pytest

from bering.api.tests.conftest import bearer
from bering.notifications import vapid
from bering.notifications.models import PushSubscription
from bering.notifications.tests.push_service import Browser

pytestmark = pytest.mark.django_db

KEY = "/api/v1/push/key"
SUBSCRIPTIONS = "/api/v1/push/subscriptions"
ENDPOINT = "https://fcm.googleapis.com/fcm/send/dGFibGV0LTE"


def one(pk: int) -> str:
    return f"{SUBSCRIPTIONS}/{pk}"


def body(endpoint: str = ENDPOINT, browser: Browser | None = None, **extra: Any) -> dict[str, Any]:
    browser = browser or Browser()
    return {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}, **extra}


def test_the_key_is_the_servers_public_key(head: Any) -> None:
    response = bearer(head.user).get(KEY)
    assert response.status_code == 200
    key = response.json()["public_key"]
    assert key == vapid.public_key_b64url()
    point = vapid.b64url_decode(key)
    assert len(point) == 65 and point[0] == 4
    assert "=" not in key and "+" not in key and "/" not in key


def test_anonymous_gets_401(client: Any, db: None) -> None:
    assert client.get(KEY).status_code == 401
    assert client.get(SUBSCRIPTIONS).status_code == 401
    assert client.post(SUBSCRIPTIONS, body(), content_type="application/json").status_code == 401
    assert not PushSubscription.objects.exists()


def test_subscribe_then_the_same_endpoint_again(head: Any) -> None:
    api = bearer(head.user)
    first = api.post(SUBSCRIPTIONS, body(device="Планшет, кабинет 12"), format="json")
    assert first.status_code == 201
    data = first.json()
    assert set(data) == {"id", "device", "created_at"}
    assert data["device"] == "Планшет, кабинет 12"
    again = api.post(SUBSCRIPTIONS, body(device="Планшет"), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == data["id"] and again.json()["device"] == "Планшет"
    row = PushSubscription.objects.get()
    assert (row.user_id, row.endpoint) == (head.user.pk, ENDPOINT)


def test_the_same_endpoint_from_another_person_moves_it(head: Any, executor: Any) -> None:
    created = bearer(head.user).post(SUBSCRIPTIONS, body(), format="json").json()
    moved = bearer(executor.user).post(SUBSCRIPTIONS, body(), format="json")
    assert moved.status_code == 200 and moved.json()["id"] == created["id"]
    assert PushSubscription.objects.get().user_id == executor.user.pk
    assert bearer(head.user).get(SUBSCRIPTIONS).json() == []


def test_a_repeated_request_with_its_key_is_applied_once(head: Any) -> None:
    api = bearer(head.user)
    payload = body()
    first = api.post(SUBSCRIPTIONS, payload, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    second = api.post(SUBSCRIPTIONS, payload, format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert PushSubscription.objects.count() == 1
    other = api.post(SUBSCRIPTIONS, body(), format="json", HTTP_IDEMPOTENCY_KEY="sub-1")
    assert other.status_code == 422


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",
        "https://127.0.0.1:8000/admin/",
        "https://localhost/x",
        "https://10.0.0.7/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/x",
        "https://intranet/x",
        "file:///etc/passwd",
        "not a url",
    ],
)
def test_an_endpoint_the_server_must_not_call_is_400(
    endpoint: str, head: Any, settings: Any
) -> None:
    settings.BERING_PUSH_ALLOW_HTTP = False
    settings.DEBUG = False
    response = bearer(head.user).post(SUBSCRIPTIONS, body(endpoint), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "endpoint"
    assert response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_loopback_endpoint_when_the_setting_allows_it(head: Any, settings: Any) -> None:
    settings.BERING_PUSH_ALLOW_HTTP = True
    response = bearer(head.user).post(
        SUBSCRIPTIONS, body("http://127.0.0.1:9/push/x"), format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"endpoint": ENDPOINT}, "keys"),
        ({"endpoint": ENDPOINT, "keys": {"p256dh": "AAAA", "auth": Browser().auth}}, "keys.p256dh"),
        ({"endpoint": ENDPOINT, "keys": {"p256dh": Browser().p256dh, "auth": "a"}}, "keys.auth"),
        ({"endpoint": 7, "keys": {"p256dh": Browser().p256dh, "auth": Browser().auth}}, "endpoint"),
        ({"keys": {"p256dh": Browser().p256dh, "auth": Browser().auth}}, "endpoint"),
    ],
)
def test_bad_keys_or_fields_are_400_on_the_field(
    payload: dict[str, Any], field: str, head: Any
) -> None:
    response = bearer(head.user).post(SUBSCRIPTIONS, payload, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not PushSubscription.objects.exists()


def test_the_list_is_the_callers_own_devices(head: Any, executor: Any) -> None:
    mine = bearer(head.user).post(SUBSCRIPTIONS, body(device="Планшет"), format="json").json()
    bearer(executor.user).post(
        SUBSCRIPTIONS,
        body("https://fcm.googleapis.com/fcm/send/other", device="Чужой телефон"),
        format="json",
    )
    listed = bearer(head.user).get(SUBSCRIPTIONS)
    assert listed.status_code == 200
    assert [(d["id"], d["device"]) for d in listed.json()] == [(mine["id"], "Планшет")]
    assert listed.json()[0]["last_success_at"] is None
    assert "Чужой" not in listed.content.decode()


def test_delete_own_device(head: Any) -> None:
    api = bearer(head.user)
    created = api.post(SUBSCRIPTIONS, body(), format="json").json()
    response = api.delete(one(created["id"]), HTTP_IDEMPOTENCY_KEY="del-1")
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()
    replayed = api.delete(one(created["id"]), HTTP_IDEMPOTENCY_KEY="del-1")
    assert replayed.status_code == 204 and replayed.headers["Idempotent-Replayed"] == "true"
    assert api.delete(one(created["id"])).status_code == 404


def test_another_persons_device_is_404_and_stays(head: Any, outsider: Any, executor: Any) -> None:
    created = bearer(head.user).post(SUBSCRIPTIONS, body(), format="json").json()
    for stranger in (outsider, executor):
        response = bearer(stranger.user).delete(one(created["id"]))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert PushSubscription.objects.filter(pk=created["id"]).exists()
    assert bearer(head.user).delete(one(10**6)).status_code == 404
