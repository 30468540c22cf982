"""The notifications page: the inbox, opening, read marks, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bering.notifications.models import Notification
from bering.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/notifications/"
MARKER = "МЕТКА-ЧУЖОГО-УВЕДОМЛЕНИЯ-5521"


def test_list_shows_own_notifications_with_unread_marked(head: Any, executor: Any) -> None:
    NotificationFactory(recipient=head.employee, title="Проект приказа о вакцинации")
    NotificationFactory(recipient=head.employee, title="Прочитано давно", read_at=timezone.now())
    NotificationFactory(recipient=executor.employee, title=MARKER)
    response = head.client().get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Проект приказа о вакцинации" in html
    assert "Прочитано давно" in html
    assert MARKER not in html
    assert html.count('class="notification unread"') == 1
    assert 'action="/notifications/read-all/"' in html


def test_unread_only_filter(head: Any) -> None:
    NotificationFactory(recipient=head.employee, title="Новое поручение")
    NotificationFactory(recipient=head.employee, title="Старое поручение", read_at=timezone.now())
    html = head.client().get(LIST + "?unread=1").content.decode()
    assert "Новое поручение" in html
    assert "Старое поручение" not in html


def test_list_pages(head: Any) -> None:
    NotificationFactory.create_batch(30, recipient=head.employee)
    html = head.client().get(LIST + "?page=2").content.decode()
    assert html.count('class="notification unread"') == 5


def test_read_item_links_to_its_page(head: Any) -> None:
    NotificationFactory(recipient=head.employee, url="/documents/42/", read_at=timezone.now())
    html = head.client().get(LIST).content.decode()
    assert 'href="/documents/42/"' in html


def test_stored_text_is_escaped(head: Any) -> None:
    NotificationFactory(
        recipient=head.employee, title="<script>alert(1)</script>", body="<img src=x onerror=1>"
    )
    html = head.client().get(LIST).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_opening_marks_read_and_goes_to_the_page(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee, url="/documents/42/")
    response = head.client().post(f"/notifications/{item.pk}/read/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/documents/42/"
    item.refresh_from_db()
    assert item.read_at is not None


def test_a_bad_link_stored_somehow_never_redirects_away(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee, url="/documents/1/")
    # The database refuses "//" and "/\\"; a tab (browsers drop it) it cannot see.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=item.pk).update(url="//evil.example/")
    Notification.objects.filter(pk=item.pk).update(url="/\t/evil.example/")
    response = head.client().post(f"/notifications/{item.pk}/read/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_mark_read_without_js_returns_to_the_list(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    response = head.client().post(f"/notifications/{item.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == LIST
    item.refresh_from_db()
    assert item.read_at is not None


def test_mark_read_with_htmx_swaps_the_item_and_the_badge(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee, title="Согласовать договор")
    NotificationFactory(recipient=head.employee)
    response = head.client().post(
        f"/notifications/{item.pk}/read/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"notification-{item.pk}",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{item.pk}"' in html
    assert 'class="notification"' in html
    assert "Согласовать договор" in html
    assert (
        'id="unread-notifications" class="bell" href="/notifications/" hx-swap-oob="true"' in html
    )
    assert '<span class="count" title="Непрочитанные">1</span>' in html
    assert "<html" not in html


def test_mark_all_read(head: Any, executor: Any) -> None:
    NotificationFactory.create_batch(2, recipient=head.employee)
    theirs = NotificationFactory(recipient=executor.employee)
    response = head.client().post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=head.employee, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_get_does_not_change_anything(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    assert head.client().get(f"/notifications/{item.pk}/read/").status_code == 405
    assert head.client().get("/notifications/read-all/").status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


@pytest.mark.parametrize("who", ["executor", "outsider"])
@pytest.mark.parametrize("data", [{}, {"open": "1"}])
def test_another_persons_notification_is_404(
    head: Any, who: str, data: dict[str, str], request: Any
) -> None:
    item = NotificationFactory(recipient=head.employee, title=MARKER, url="/documents/7/")
    other = request.getfixturevalue(who)
    response = other.client().post(f"/notifications/{item.pk}/read/", data)
    assert response.status_code == 404
    assert MARKER not in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is None


def test_missing_notification_is_the_same_404(head: Any) -> None:
    assert head.client().post("/notifications/987654321/read/").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST), ("post", "/notifications/read-all/"), ("post", "/notifications/1/read/")],
)
def test_pages_need_login(client: Any, db: None, method: str, url: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_person_without_a_post_is_refused(citizen: Any, client: Any) -> None:
    client.force_login(citizen)
    assert client.get(LIST).status_code == 403


def test_other_posts_unread_are_hinted(head: Any, health: Any) -> None:
    from bering.orgs.tests.factories import EmployeeFactory, PositionFactory

    second = EmployeeFactory(
        user=head.user, organization=health, position=PositionFactory(organization=health)
    )
    NotificationFactory(recipient=second, title=MARKER)
    html = head.client().get(LIST).content.decode()
    assert MARKER not in html
    assert 'class="msg"' in html


def test_the_page_speaks_russian(head: Any) -> None:
    NotificationFactory(recipient=head.employee, kind="returned")
    html = head.client().get(LIST).content.decode()
    assert "Уведомления" in html
    assert "Отметить все прочитанными" in html
    assert "на доработку" in html
