"""A notification: one message to one post, shown in the app, sent by e-mail and by Web Push.

``PushSubscription`` is one browser's opt-in to Web Push (one row per push endpoint);
``VapidKey`` the server's one key that signs the pushes (decision 0020).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bering.orgs.models import Employee

URL_MAX = 500


def is_relative_url(value: str) -> bool:
    """A path on this site: starts with one "/", never "//" or "/\\" (an open redirect),
    and holds no whitespace or control characters (browsers drop them, then read "//")."""
    if not value.startswith("/") or value[1:2] in ("/", "\\"):
        return False
    return not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def validate_relative_url(value: str) -> None:
    if value and not is_relative_url(value):
        raise ValidationError(
            _("The link must be a path on this site starting with a single “/”."),
            code="not_relative",
        )


class Kind(models.TextChoices):
    """What a notification is about; ``Notification.Kind`` as well.

    The one enumeration of notification kinds, with their labels (Russian in the
    translations): ``notify`` refuses any other value, and ``tests/test_kinds.py``
    walks the source for ``notify(kind="...")`` literals not listed here. A new
    kind needs a migration (the field's choices and the ``notification_kind_known``
    constraint); a kind is never renamed, stored rows keep it.
    """

    TASK_NEW = "task_new", _("new task")
    REMINDER = "reminder", _("reminder of a due time")
    OVERDUE = "overdue", _("task overdue")
    ESCALATION = "escalation", _("overdue task of a subordinate")
    RETURNED = "returned", _("returned for rework")
    SIGNED = "signed", _("document signed")
    ASSIGNMENT_NEW = "assignment_new", _("new assignment")
    REPORT = "report", _("executor's report")
    DELIVERY = "delivery", _("document delivered")
    APPEAL = "appeal", _("citizen's appeal")
    OTHER = "other", _("other notification")


class Notification(models.Model):
    Kind = Kind

    recipient = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("notification kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("notification title"), max_length=300)
    body = models.TextField(_("notification text"), blank=True)
    url = models.CharField(
        _("notification link"), max_length=URL_MAX, blank=True, validators=[validate_relative_url]
    )
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    pushed_at = models.DateTimeField(
        _("pushed at"),
        null=True,
        blank=True,
        help_text=_("When the push to the person's devices was sent (once per notification)."),
    )
    dedupe_key = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The same key is stored once per recipient (e.g. one reminder per task)."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_unique_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(url="")
                | (Q(url__startswith="/") & ~Q(url__startswith="//") & ~Q(url__startswith="/\\")),
                name="notification_url_relative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="notification_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


ENDPOINT_MAX = 1000


class PushSubscription(models.Model):
    """One browser (a tablet's app) that asked for Web Push: its push service endpoint
    and the keys that encrypt the payload for it. Belongs to a person, not a post: the
    person's every post is told on the person's devices. Removed when the push service
    answers 404 or 410 (the browser dropped it) or after many failures in a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(_("push endpoint"), max_length=ENDPOINT_MAX, unique=True)
    p256dh = models.CharField(_("browser's public key"), max_length=100)
    auth = models.CharField(_("authentication secret"), max_length=50)
    device = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.device or self.endpoint[:60]


class VapidKey(models.Model):
    """The server's VAPID key pair when none is configured: one row (pk 1), made by the
    first process that needs it, shared by every web and worker process."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    private_key = models.TextField(_("private key (PEM)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("VAPID key")
        verbose_name_plural = _("VAPID keys")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="vapidkey_singleton")]

    def __str__(self) -> str:
        return f"VAPID {self.created_at:%Y-%m-%d}"
