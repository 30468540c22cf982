"""Writes of the accounts app."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from bering.accounts.models import ApiToken, User
from bering.accounts.security import (
    WRONG_PASSWORD,
    AuthenticationFailed,
    LockedOut,
    cool_off_seconds,
)

__all__ = ["AuthenticationFailed", "LockedOut"]


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_authenticate(
    *, username: str, password: str, request: HttpRequest | None = None
) -> User:
    """The active user these credentials belong to (lockout counted by axes).

    A locked sign-in is ``LockedOut`` (429 with the cool-off): the flag axes sets for its
    middleware is cleared, so an API call answers its own JSON, not axes' HTML page."""
    user = authenticate(request, username=username, password=password)
    if request is not None and getattr(request, "axes_locked_out", False):
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise LockedOut(retry_after=cool_off_seconds())
    if user is None or not user.is_active:
        raise AuthenticationFailed(WRONG_PASSWORD)
    assert isinstance(user, User)
    return user


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for an authenticated user; the raw token is returned only here."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=token_hash(raw), name=name[:100])
    return token, raw


def api_token_resolve(raw: str) -> ApiToken | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def sessions_end(*, user: User) -> None:
    """End every session of ``user`` now (part of ``orgs.security.user_deactivate``)."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
