"""Read marks: only one's own notifications, and again is harmless."""

from __future__ import annotations

from typing import Any

import pytest

from bering.core.errors import NotFound
from bering.notifications import services
from bering.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_mark_read(head: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    services.notification_mark_read(actor=head.actor, notification_id=item.pk)
    item.refresh_from_db()
    first = item.read_at
    assert first is not None
    services.notification_mark_read(actor=head.actor, notification_id=item.pk)
    item.refresh_from_db()
    assert item.read_at == first  # the first reading time stays


@pytest.mark.parametrize("who", ["executor", "outsider"])
def test_another_persons_notification_is_not_found(head: Any, who: str, request: Any) -> None:
    item = NotificationFactory(recipient=head.employee)
    other = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=other.actor, notification_id=item.pk)
    item.refresh_from_db()
    assert item.read_at is None


def test_missing_notification_is_not_found(head: Any) -> None:
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=head.actor, notification_id=10**9)


def test_mark_all_read_touches_only_own(head: Any, executor: Any) -> None:
    NotificationFactory.create_batch(3, recipient=head.employee)
    theirs = NotificationFactory(recipient=executor.employee)
    assert services.notifications_mark_all_read(actor=head.actor) == 3
    assert services.notifications_mark_all_read(actor=head.actor) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_substitute_does_not_read_the_absents_inbox(head: Any, executor: Any) -> None:
    """Vera substitutes for Boris; his notifications wait for him."""
    from bering.orgs.actor import Actor

    item = NotificationFactory(recipient=head.employee)
    substitute = Actor(user=executor.user, post=executor.employee, on_behalf_of=head.employee)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=substitute, notification_id=item.pk)
    assert services.notifications_mark_all_read(actor=substitute) == 0
    item.refresh_from_db()
    assert item.read_at is None
