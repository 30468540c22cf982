"""The inbox and its unread count; the header's context processor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from bering.notifications import selectors, services
from bering.notifications.context_processors import unread
from bering.notifications.tests.factories import NotificationFactory
from bering.orgs.current import _CACHE
from bering.orgs.tests.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_unread_count_is_one_query(
    head: Any, executor: Any, django_assert_num_queries: Any
) -> None:
    NotificationFactory.create_batch(3, recipient=head.employee)
    NotificationFactory(recipient=head.employee, read_at=timezone.now())
    NotificationFactory(recipient=executor.employee)
    with django_assert_num_queries(1):
        assert selectors.unread_count(head.employee.pk) == 3


def test_inbox_is_own_and_newest_first(head: Any, executor: Any) -> None:
    older = NotificationFactory(recipient=head.employee)
    newer = NotificationFactory(recipient=head.employee)
    NotificationFactory(recipient=executor.employee)
    assert list(selectors.notifications_for(head.actor)) == [newer, older]
    services.notification_mark_read(actor=head.actor, notification_id=newer.pk)
    assert list(selectors.notifications_for(head.actor, unread_only=True)) == [older]


def test_each_post_has_its_own_inbox(head: Any, health: Any) -> None:
    """Boris also chairs a commission: its notifications wait in that post."""
    second = EmployeeFactory(
        user=head.user, organization=health, position=PositionFactory(organization=health)
    )
    NotificationFactory(recipient=second)
    NotificationFactory(recipient=head.employee)
    assert selectors.notifications_for(head.actor).count() == 1
    assert selectors.unread_in_other_posts(head.actor) == 1


def test_context_processor_counts_the_acting_posts_unread(
    head: Any, django_assert_num_queries: Any
) -> None:
    NotificationFactory.create_batch(2, recipient=head.employee)
    request = RequestFactory().get("/")
    request.user = head.user
    setattr(request, _CACHE, head.actor)  # the actor was read for the header already
    with django_assert_num_queries(1):
        assert unread(request) == {"unread_notifications": 2}


def test_context_processor_is_silent_for_anonymous_and_postless(citizen: Any) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread(request) == {}
    request = RequestFactory().get("/")
    request.user = citizen
    request.session = {}  # type: ignore[assignment]
    assert unread(request) == {}
