"""A person's sign-in security, with every change in the audit log.

The second factor itself lives in ``accounts.twofactor`` (below the audit log);
here each step is recorded in the same transaction as its effect, and the code
is verified *before* that transaction, so django-otp's throttle counter of a
wrong code is kept (a rolled-back counter would allow endless guessing).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from bering.accounts import twofactor
from bering.accounts.models import ApiToken, User
from bering.accounts.security import AuthenticationFailed, LockedOut, password_check
from bering.accounts.services import api_token_authenticate, api_token_create, sessions_end
from bering.audit.services import record
from bering.core.errors import ValidationFailed
from bering.orgs.actor import Actor

# This module would belong in ``accounts`` by its subject, but ``accounts`` sits below
# ``audit`` (and ``orgs.actor``) in the layers: what writes the audit log stays here.


def _record(actor: Actor | None, user: User, verb: str, **extra: str) -> None:
    record(
        actor=actor,
        verb=verb,
        object_type="user",
        object_id=user.pk,
        data={"username": user.get_username(), **extra},
    )


def second_factor_begin(*, user: User) -> TOTPDevice:
    """A fresh secret to scan (nothing is on until a code confirms it)."""
    return twofactor.begin(user)


def second_factor_cancel(*, user: User) -> None:
    twofactor.cancel(user)


def second_factor_confirm(*, actor: Actor | None, user: User, code: str) -> TOTPDevice:
    device = twofactor.verify_setup(user, code)
    with transaction.atomic():
        twofactor.turn_on(device)
        _record(actor, user, "user.second_factor_on")
    return device


def password_confirm(
    *, user: User, password: str, actor: Actor | None = None, request: HttpRequest | None = None
) -> None:
    """The password re-entered by a signed-in ``user`` (signing a draft, turning the second
    factor off): the one check for every such step.

    Wrong tries are counted per account with the sign-in lockout's limit and cool-off and
    answered as at sign-in (``AuthenticationFailed``; ``LockedOut`` with the seconds left).
    Every refusal is an audit event in its own transaction, committed at once: call this
    before the transaction of the step it guards, so refusing the step keeps the event
    (and the count)."""
    try:
        password_check(user, password)
    except (AuthenticationFailed, LockedOut) as exc:
        data = {"reason": exc.code}
        if request is not None and request.META.get("REMOTE_ADDR"):
            data["address"] = str(request.META["REMOTE_ADDR"])
        with transaction.atomic():
            _record(actor, user, "user.password_reentry_failed", **data)
        raise


def second_factor_disable(
    *,
    actor: Actor | None,
    user: User,
    password: str,
    code: str,
    request: HttpRequest | None = None,
) -> None:
    """Off with the password (``password_confirm``) and a current code."""
    password_confirm(user=user, password=password, actor=actor, request=request)
    twofactor.check(user, code)
    with transaction.atomic():
        twofactor.turn_off(user)
        _record(actor, user, "user.second_factor_off")


def second_factor_sign_in(*, user: User, code: str) -> TOTPDevice:
    """The code step of signing in; a wrong code is recorded too, then refused."""
    try:
        device = twofactor.check(user, code)
    except ValidationFailed as exc:
        with transaction.atomic():
            _record(None, user, "user.second_factor_failed", reason=exc.code)
        raise
    with transaction.atomic():
        _record(None, user, "user.login_second_factor")
    return device


def api_token_issue(
    *, username: str, password: str, name: str, code: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A token for the API: the password, then (second factor on) the code step of signing
    in, audited like the pages' (a wrong code is recorded and throttled)."""
    user = api_token_authenticate(username=username, password=password, request=request)
    if twofactor.is_on(user):
        second_factor_sign_in(user=user, code=code)
    return api_token_create(user=user, name=name)


def api_token_revoke(*, actor: Actor | None, token: ApiToken) -> None:
    """Revoke an API token: it is deleted and the revocation recorded, in one transaction."""
    with transaction.atomic():
        deleted, _rows = ApiToken.objects.filter(pk=token.pk).delete()
        if deleted:
            _record(
                actor,
                token.user,
                "user.api_token_revoked",
                token=str(token.pk),
                name=token.name,
            )


def user_deactivate(*, actor: Actor | None, user: User) -> None:
    """Disable a user: every session and every API token (each revocation audited) ends now."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        for token in ApiToken.objects.select_related("user").filter(user=user):
            api_token_revoke(actor=actor, token=token)
        _record(actor, user, "user.deactivated")
        sessions_end(user=user)
