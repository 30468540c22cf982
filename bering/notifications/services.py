"""Writes of the notifications app: ``notify()``, e-mail delivery, read marks.

``notify()`` is called by the apps above (approvals, assignments, exchange ...)
inside their own transaction, next to the change it tells about: if that change
rolls back, nobody is told. E-mail is sent by the task worker after commit, and so
is Web Push, for the kinds that wait for a decision or mark an overdue term, to the
devices of the people who opted in (``push.py``).

Read marks change only the reader's own inbox and are not audit events: they
grant and reveal nothing (the audit log keeps the actions the notifications
tell about).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bering.core import clock
from bering.core.errors import NotFound
from bering.notifications import push
from bering.notifications.models import URL_MAX, Kind, Notification, is_relative_url
from bering.orgs.actor import Actor
from bering.orgs.models import Employee

log = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length or 300
DEDUPE_MAX = Notification._meta.get_field("dedupe_key").max_length or 200
_SPACES = re.compile(r"\s+")


class NotInTransaction(RuntimeError):
    """``notify()`` was called outside the caller's transaction: a programming error."""


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    object_type: str = "",
    object_id: int | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each recipient (an ``orgs.Employee`` id) about something; returns the new rows.

    Must run inside the caller's ``transaction.atomic()``. A recipient who already
    has a notification with the same non-empty ``dedupe_key`` gets nothing new,
    also when two transactions race. ``url`` is a path on this site ("/documents/7/").
    Each new notification is e-mailed after commit to recipients with an address, and
    pushed to the person's devices when ``push.is_pushed(kind, object_type)``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction("notify() must run inside the caller's transaction.atomic().")
    if kind not in Kind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    url = str(url)
    if url and (not is_relative_url(url) or len(url) > URL_MAX):
        raise ValueError(f"A notification link must be a path on this site, got {url!r}")
    if len(dedupe_key) > DEDUPE_MAX:
        raise ValueError(f"dedupe_key is longer than {DEDUPE_MAX} characters")
    ids = list(dict.fromkeys(int(i) for i in recipient_ids))
    if not ids:
        return []
    addresses = dict(
        Employee.objects.filter(pk__in=ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("pk", "user__email")
    )
    fields = {
        "kind": kind,
        "title": _one_line(str(title), TITLE_MAX),
        "body": str(body),
        "url": url,
        "object_type": object_type,
        "object_id": object_id,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key:
        created = [n for n in (_create_once(rid, fields) for rid in ids) if n is not None]
    else:
        created = Notification.objects.bulk_create(
            [Notification(recipient_id=rid, **fields) for rid in ids]
        )
    to_mail = [n.pk for n in created if n.recipient_id in addresses]
    if to_mail:
        transaction.on_commit(functools.partial(_enqueue_emails, to_mail), robust=True)
    if created and push.is_pushed(kind, object_type):
        devices = push.push_recipients(n.recipient_id for n in created)
        to_push = [n.pk for n in created if n.recipient_id in devices]
        if to_push:
            transaction.on_commit(functools.partial(_enqueue_pushes, to_push), robust=True)
    return created


def _one_line(text: str, limit: int) -> str:
    """A title is a mail subject too: one line, no control characters."""
    text = _SPACES.sub(" ", text).strip()
    text = "".join(ch for ch in text if ord(ch) >= 0x20 and ord(ch) != 0x7F)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _create_once(recipient_id: int, fields: Mapping[str, object]) -> Notification | None:
    """Insert under a savepoint; a duplicate key (stored earlier or by a racing
    transaction, which we wait for on PostgreSQL) is skipped."""
    try:
        with transaction.atomic():
            return Notification.objects.create(recipient_id=recipient_id, **fields)
    except IntegrityError:
        if Notification.objects.filter(
            recipient_id=recipient_id, dedupe_key=fields["dedupe_key"]
        ).exists():
            return None
        raise


def _enqueue_emails(notification_ids: list[int]) -> None:
    from bering.notifications.tasks import notification_email

    for notification_id in notification_ids:
        notification_email.enqueue(notification_id)


def _enqueue_pushes(notification_ids: list[int]) -> None:
    from bering.notifications.tasks import notification_push

    for notification_id in notification_ids:
        notification_push.enqueue(notification_id)


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification by e-mail, at most once; returns whether it was sent now.

    The row is claimed with a conditional UPDATE (``emailed_at IS NULL``), so a
    retried or duplicated task does nothing. If the mail server refuses, the
    claim is released and the error raised, so a retry may try again.
    """
    notification = (
        Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
        .select_related("recipient__user")
        .first()
    )
    if notification is None:
        return False
    user = notification.recipient.user
    if not user.email or not user.is_active:
        return False
    claimed_at = clock.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=claimed_at
    )
    if claimed != 1:
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            message = email_text(notification)
        send_mail(
            subject=notification.title,
            message=message,
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
            emailed_at=None
        )
        raise
    return True


def absolute_url(path: str) -> str:
    """``path`` on the site named by ``BERING_SITE_URL`` (if set), else as it is."""
    site = str(getattr(settings, "BERING_SITE_URL", "") or "").rstrip("/")
    return f"{site}{path}" if path else ""


def email_text(notification: Notification) -> str:
    parts = [notification.body.strip()] if notification.body.strip() else []
    link = absolute_url(notification.url)
    if link:
        parts.append(_("Open: %(link)s") % {"link": link})
    parts.append(
        "-- \n"
        + _(
            "Bering, the document management system. All your notifications are on "
            "the Notifications page."
        )
    )
    return "\n\n".join(parts) + "\n"


def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (404 for anyone else's)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient_id=actor.post.pk)
            .first()
        )
        if notification is None:
            raise NotFound(_("Notification not found."))
        if notification.read_at is None:
            notification.read_at = clock.now()
            notification.save(update_fields=["read_at"])
        return notification


def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor's post read; returns how many."""
    with transaction.atomic():
        return Notification.objects.filter(recipient_id=actor.post.pk, read_at__isnull=True).update(
            read_at=clock.now()
        )
