"""Background work of notifications: e-mail, one notification per task."""

from __future__ import annotations

from django_tasks import task

from bering.notifications import services


@task()
def notification_email(notification_id: int) -> bool:
    """Idempotent: the notification is claimed first, so a repeat sends nothing."""
    return services.notification_email_send(notification_id=notification_id)
