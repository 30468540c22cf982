from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer to a state-changing API call made with an ``Idempotency-Key``.

    Written in the same transaction as the call's effect: either both are
    committed or neither. A retry with the same key gets this answer again.
    A key belongs to exactly one caller: a staff ``user`` (/api/v1/) or a
    ``citizen`` (/api/citizen/v1/); two callers may use the same key apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="idempotency_keys",
    )
    citizen = models.ForeignKey(
        "appeals.Citizen",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="idempotency_keys",
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(
        max_length=64, help_text=_("SHA-256 of the method, path, headers and body.")
    )
    status = models.PositiveSmallIntegerField()
    response = models.JSONField(null=True, blank=True)
    answer_pending = models.BooleanField(
        default=False,
        help_text=_(
            "The effect is committed and its full answer is being built; until then "
            "the response holds a reference to what was made."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, citizen__isnull=True)
                    | models.Q(user__isnull=True, citizen__isnull=False)
                ),
                name="idempotency_one_owner",
            ),
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key"),
            models.UniqueConstraint(
                fields=["citizen", "key"], name="idempotency_unique_citizen_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
