"""The server's VAPID key: it signs every push, browsers subscribe with its public half.

``BERING_VAPID_PRIVATE_KEY`` (PEM, or the 32-byte private number in base64url as
``web-push generate-vapid-keys`` prints it) wins when set. Otherwise the key is made once
and kept in the database (``VapidKey``, one row), so the web and worker processes share it
with no setup; a race of two first processes keeps the row that was inserted first
(decision 0020). Changing the key makes every browser subscription useless: the push
services refuse pushes signed by another key, and the subscriptions are dropped.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from bering.notifications.models import VapidKey

SINGLETON = 1


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ``ValueError`` if it is not base64url."""
    text = text.strip()
    if not text or any(ch not in _B64URL for ch in text.rstrip("=")):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def parse_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM or from the base64url raw private number."""
    text = text.strip().replace("\\n", "\n")
    key: object
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "BERING_VAPID_PRIVATE_KEY is neither a PEM key nor a base64url P-256 private key."
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ImproperlyConfigured("BERING_VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key.")
    return key


def _pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _stored_key() -> ec.EllipticCurvePrivateKey:
    """The database's key, made now if there is none (race-safe: the first insert wins)."""
    row = VapidKey.objects.filter(pk=SINGLETON).first()
    if row is None:
        try:
            with transaction.atomic():
                row = VapidKey.objects.create(
                    pk=SINGLETON, private_key=_pem(ec.generate_private_key(ec.SECP256R1()))
                )
        except IntegrityError:
            row = VapidKey.objects.get(pk=SINGLETON)
    return parse_private_key(row.private_key)


def private_key() -> ec.EllipticCurvePrivateKey:
    configured = str(getattr(settings, "BERING_VAPID_PRIVATE_KEY", "") or "")
    return parse_private_key(configured) if configured else _stored_key()


def public_key_b64url() -> str:
    """The public key as ``applicationServerKey`` wants it: the uncompressed point, base64url."""
    point = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return b64url(point)


def signer() -> Any:
    """py_vapid's signer of the ``Authorization: vapid t=..., k=...`` header."""
    from py_vapid import Vapid  # type: ignore[import-untyped]  # with pywebpush, in the worker

    return Vapid(private_key=private_key())


def subject() -> str:
    """The VAPID ``sub`` claim: whom a push service contacts about our pushes."""
    configured = str(getattr(settings, "BERING_VAPID_SUBJECT", "") or "")
    return configured or f"mailto:{settings.DEFAULT_FROM_EMAIL}"
