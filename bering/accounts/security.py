"""Re-entering the password while signed in: counted per account like the sign-in lockout.

Signing a draft and turning the second factor off ask for the password again, so
a stolen session or token is not enough. Wrong passwords there are counted per
account (not per address: whoever holds the session is the one guessing) with the
sign-in lockout's own settings, ``AXES_FAILURE_LIMIT`` wrong tries and then a
cool-off of ``AXES_COOLOFF_TIME``; a correct password resets the count
(``AXES_RESET_ON_SUCCESS``). The answers are the sign-in's: a wrong password is
``AuthenticationFailed`` with the sign-in's message, a locked account ``LockedOut``
with the sign-in lockout's message and the seconds left.

This module sits below the audit log: ``orgs.security.password_confirm`` is the
one function callers use; it records every refusal in the audit log.
Decision 0011 explains why this is not django-axes' own counter.
"""

from __future__ import annotations

import datetime as dt
import math

from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bering.accounts.models import PasswordReentry, User
from bering.core.errors import DomainError, ValidationFailed

WRONG_PASSWORD = _("Wrong username or password.")
"""The sign-in's answer to a wrong password (``services.api_token_authenticate``)."""


class AuthenticationFailed(ValidationFailed):
    status_code = 400
    code = "authentication_failed"


class LockedOut(DomainError):
    """Too many wrong passwords: the account waits out the cool-off (HTTP 429)."""

    status_code = 429
    code = "locked_out"

    def __init__(self, *, retry_after: int) -> None:
        super().__init__(get_lockout_message(), code="locked_out")
        self.retry_after = max(int(retry_after), 1)


def cool_off() -> dt.timedelta:
    return get_cool_off() or dt.timedelta(hours=1)


def cool_off_seconds() -> int:
    return max(math.ceil(cool_off().total_seconds()), 1)


def reentry_locked_for(user: User) -> int:
    """Seconds until the account may re-enter its password again; 0 when it may now."""
    row = PasswordReentry.objects.filter(user=user).first()
    if row is None or row.last_failure_at is None:
        return 0
    if row.failures < settings.AXES_FAILURE_LIMIT:
        return 0
    left = (row.last_failure_at + cool_off() - timezone.now()).total_seconds()
    return max(math.ceil(left), 0)


def reentry_failed(user: User) -> int:
    """Count one wrong password (in its own transaction); the failures now counted.

    Failures older than the cool-off are forgotten, as axes forgets old attempts."""
    now = timezone.now()
    with transaction.atomic():
        row, _created = PasswordReentry.objects.select_for_update().get_or_create(user=user)
        if row.last_failure_at is None or row.last_failure_at + cool_off() <= now:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        row.save(update_fields=["failures", "last_failure_at"])
    return row.failures


def reentry_succeeded(user: User) -> None:
    if settings.AXES_RESET_ON_SUCCESS:
        PasswordReentry.objects.filter(user=user).update(failures=0, last_failure_at=None)


def password_check(user: User, password: str) -> None:
    """The password re-entered by a signed-in ``user``, counted; raises ``LockedOut`` or
    ``AuthenticationFailed``. Must run outside a transaction that its refusal rolls back,
    or the count would be lost (callers verify first, then write)."""
    locked = reentry_locked_for(user)
    if locked:
        raise LockedOut(retry_after=locked)
    if password and user.check_password(password):
        reentry_succeeded(user)
        return
    if reentry_failed(user) >= settings.AXES_FAILURE_LIMIT:
        raise LockedOut(retry_after=cool_off_seconds())
    raise AuthenticationFailed(WRONG_PASSWORD, field="password")
