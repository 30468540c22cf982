"""Reads of the notifications app: a post's inbox and its unread count, a person's devices."""

from __future__ import annotations

from django.db.models import QuerySet

from bering.accounts.models import User
from bering.notifications.models import Notification, PushSubscription
from bering.orgs.actor import Actor


def unread_count(employee_id: int) -> int:
    """Unread notifications of one post, in one COUNT query."""
    return Notification.objects.filter(recipient_id=employee_id, read_at__isnull=True).count()


def notifications_for(actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    """The notifications of the actor's own post, newest first.

    A substitute sees their own notifications, not the absent colleague's: those
    stay unread for the colleague's return.
    """
    found = Notification.objects.filter(recipient_id=actor.post.pk)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    return found.order_by("-created_at", "-pk")


def unread_in_other_posts(actor: Actor) -> int:
    """Unread notifications of the same person's other posts (shown as a hint)."""
    return (
        Notification.objects.filter(recipient__user_id=actor.user.pk, read_at__isnull=True)
        .exclude(recipient_id=actor.post.pk)
        .count()
    )


def push_subscriptions_of(user: User) -> QuerySet[PushSubscription]:
    """The person's devices opted in to Web Push, newest first."""
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
