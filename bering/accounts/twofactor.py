"""The optional second factor: a code from an authenticator app (TOTP, RFC 6238).

A user turns it on by scanning a QR code (or typing the secret) into any
authenticator app (Яндекс Ключ, Google Authenticator, FreeOTP...) and typing one
code back; from then on signing in, and issuing an API token, take the password
and a current code. django-otp keeps the device: codes are accepted once each
(a replayed code fails), with one step of clock drift either way, and failures
slow the next attempt down exponentially. Lost phone: a region administrator
deletes the device in the admin (Django OTP → TOTP devices), which turns the
second factor off for that user.

Verification (``check``, ``verify_setup``) saves django-otp's
throttle counter and last used step: it must not run inside a transaction that
a wrong code rolls back, or the throttle would never grow. The audited services
in ``bering.orgs.security`` verify first and change state in a transaction after.
Turning it off also takes the password again: ``orgs.security.password_confirm``.
"""

from __future__ import annotations

import base64

import segno
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from bering.accounts.models import User
from bering.core.errors import ValidationFailed

DEVICE_NAME = "authenticator"


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's working authenticator, if the second factor is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice | None:
    """An authenticator being set up (shown as a QR code, not yet confirmed by a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def is_on(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def begin(user: User) -> TOTPDevice:
    """A fresh secret to scan; an earlier unfinished setup is dropped."""
    if is_on(user):
        raise ValidationFailed(_("The second factor is already on."), code="otp_on")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def cancel(user: User) -> None:
    """Drop an unfinished setup."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def _clean(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())[:12]


def _verify(device: TOTPDevice, code: str) -> bool:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        seconds = max(int((until - timezone.now()).total_seconds()), 1) if until else 60
        raise ValidationFailed(
            _("Too many wrong codes. Try again in %(seconds)s s.") % {"seconds": seconds},
            code="otp_throttled",
            field="code",
        )
    return bool(device.verify_token(_clean(code)))


def verify_setup(user: User, code: str) -> TOTPDevice:
    """The first code from the app proves the setup right; the caller then ``turn_on``s it."""
    device = pending_device(user)
    if device is None:
        raise ValidationFailed(_("Start the setup again."), code="otp_no_setup")
    if not _verify(device, code):
        raise ValidationFailed(
            _("The code did not match. Check the time on the phone and type the current code."),
            code="otp_wrong",
            field="code",
        )
    return device


def turn_on(device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def check(user: User, code: str) -> TOTPDevice:
    """The device a correct current code belongs to; a clear error otherwise."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationFailed(_("The second factor is off."), code="otp_off")
    if not _clean(code):
        raise ValidationFailed(
            _("Enter the code from the authenticator app."), code="otp_required", field="code"
        )
    if not _verify(device, code):
        raise ValidationFailed(
            _("Wrong code. Type the code the app shows now."), code="otp_wrong", field="code"
        )
    return device


def turn_off(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def secret_text(device: TOTPDevice) -> str:
    """The secret for typing by hand, in groups of four: «JBSW Y3DP EHPK 3PXP»."""
    raw = base64.b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def config_url(device: TOTPDevice) -> str:
    return str(device.config_url)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no script, no image request)."""
    return str(segno.make(config_url(device), error="m").svg_inline(scale=4, border=2))
