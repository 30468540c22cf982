"""Background work of notifications: e-mail and Web Push, one notification per task."""

from __future__ import annotations

from django_tasks import task

from bering.notifications import push, services


@task()
def notification_email(notification_id: int) -> bool:
    """Idempotent: the notification is claimed first, so a repeat sends nothing."""
    return services.notification_email_send(notification_id=notification_id)


@task()
def notification_push(notification_id: int) -> int:
    """Idempotent: the notification is claimed first, so a repeat pushes nothing."""
    return push.notification_push_send(notification_id=notification_id)
