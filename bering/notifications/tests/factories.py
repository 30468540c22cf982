"""Notifications for tests, made directly (``notify()`` is tested on its own)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from bering.notifications.models import Notification


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    kind = Notification.Kind.TASK_NEW
    title = factory.Sequence(lambda n: f"Согласовать проект приказа № {n}")
    body = "Срок: до конца дня 14.01.2026."
    url = factory.Sequence(lambda n: f"/documents/{n + 1}/")
    object_type = "document"
