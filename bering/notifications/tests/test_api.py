"""/api/v1/notifications/: the inbox of the acting post over the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from bering.api.tests.conftest import bearer
from bering.notifications.models import Notification
from bering.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
READ_ALL = "/api/v1/notifications/read-all"
MARKER = "МЕТКА-ЧУЖОГО-УВЕДОМЛЕНИЯ-API-8812"


def read_url(pk: int) -> str:
    return f"/api/v1/notifications/{pk}/read"


def test_list_is_own_newest_first_and_paged(head: Any, executor: Any) -> None:
    older = NotificationFactory(recipient=head.employee, object_id=5)
    newer = NotificationFactory(recipient=head.employee, read_at=timezone.now())
    NotificationFactory(recipient=executor.employee, title=MARKER)
    response = bearer(head.user).get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert [n["id"] for n in data["results"]] == [newer.pk, older.pk]
    first = data["results"][1]
    assert first["kind"] == "task_new"
    assert first["url"] == older.url
    assert (first["object_type"], first["object_id"]) == ("document", 5)
    assert first["read_at"] is None
    assert MARKER not in response.content.decode()


def test_list_unread_only_and_limit(head: Any) -> None:
    NotificationFactory.create_batch(3, recipient=head.employee)
    NotificationFactory(recipient=head.employee, read_at=timezone.now())
    client = bearer(head.user)
    assert client.get(LIST, {"unread": "1"}).json()["count"] == 3
    assert client.get(LIST, {"unread": "0"}).json()["count"] == 4
    page = client.get(LIST, {"limit": 2}).json()
    assert len(page["results"]) == 2 and page["next"]


def test_bad_query_is_400(head: Any) -> None:
    assert bearer(head.user).get(LIST, {"unread": "perhaps"}).status_code == 400


def test_mark_read(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    response = bearer(head.user).post(read_url(item.pk), HTTP_IDEMPOTENCY_KEY="read-1")
    assert response.status_code == 200
    assert response.json()["id"] == item.pk
    assert response.json()["read_at"] is not None
    item.refresh_from_db()
    assert item.read_at is not None


def test_mark_read_replayed_with_the_same_key(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    client = bearer(head.user)
    first = client.post(read_url(item.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(read_url(item.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


def test_mark_all_read_only_own(head: Any, executor: Any) -> None:
    NotificationFactory.create_batch(2, recipient=head.employee)
    theirs = NotificationFactory(recipient=executor.employee)
    response = bearer(head.user).post(READ_ALL, HTTP_IDEMPOTENCY_KEY="all-1")
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("who", ["executor", "outsider"])
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_another_persons_notification_is_404(
    head: Any, who: str, method: str, request: Any
) -> None:
    item = NotificationFactory(recipient=head.employee, title=MARKER)
    other = request.getfixturevalue(who)
    response = getattr(bearer(other.user), method)(
        read_url(item.pk), {}, format="json", HTTP_IDEMPOTENCY_KEY=f"x-{method}"
    )
    assert response.status_code == (404 if method == "post" else 405)
    if method == "post":
        assert response.json()["code"] == "not_found"
    assert MARKER not in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is None


def test_missing_and_huge_ids_are_404(head: Any) -> None:
    client = bearer(head.user)
    assert client.post(read_url(987654321)).status_code == 404
    assert client.post(read_url(2**70)).status_code == 404


def test_the_acting_post_header_chooses_the_inbox(head: Any, health: Any) -> None:
    from bering.orgs.tests.factories import EmployeeFactory, PositionFactory

    second = EmployeeFactory(
        user=head.user, organization=health, position=PositionFactory(organization=health)
    )
    item = NotificationFactory(recipient=second)
    client = bearer(head.user)
    assert client.get(LIST).json()["count"] == 0
    listed = client.get(LIST, HTTP_X_BERING_POST=str(second.pk)).json()
    assert [n["id"] for n in listed["results"]] == [item.pk]
    assert client.post(read_url(item.pk)).status_code == 404
    assert client.post(read_url(item.pk), HTTP_X_BERING_POST=str(second.pk)).status_code == 200


@pytest.mark.parametrize(("method", "url"), [("get", LIST), ("post", READ_ALL), ("post", "r")])
def test_api_needs_a_token(db: None, method: str, url: str) -> None:
    from rest_framework.test import APIClient

    item_url = read_url(1) if url == "r" else url
    response = getattr(APIClient(), method)(item_url)
    assert response.status_code in (401, 403)
    assert not Notification.objects.exists()


def test_schema_lists_the_notifications_endpoints(db: None) -> None:
    from rest_framework.test import APIClient

    schema = (
        APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    paths = schema["paths"]
    assert set(paths[LIST]) >= {"get"}
    for path in (READ_ALL, "/api/v1/notifications/{id}/read"):
        names = {p["name"] for p in paths[path]["post"]["parameters"]}
        assert "Idempotency-Key" in names
