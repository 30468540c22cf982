"""Web Push to the person's devices (the head's tablet): subscriptions, payload, delivery.

A browser opts in by giving its push service endpoint and keys (``push_subscribe``); one
row per endpoint. ``notify()`` enqueues ``tasks.notification_push`` after commit for what
``is_pushed`` chooses when the recipient's person has a subscription, and the task
sends the notification's short payload to each of the person's devices, encrypted for
the browser (aes128gcm) and signed with the server's VAPID key (``vapid.py``).

What a push carries: the kind as a title and the notification's title as the text, its
link and a tag; never the body or anything else of the document (decision 0020).

SSRF guard: the server POSTs to whatever endpoint a browser gave, so an endpoint must be
``https://`` on a public address: no address literals of private, loopback or link-local
networks, no single-label or ``localhost`` names, no user names in the URL; at sending,
every address the name resolves to must be public, and redirects are not followed.
``BERING_PUSH_ALLOW_HTTP`` (default: ``DEBUG``) also allows loopback addresses, over
``http://`` too: the tests' push service and a local one in development.

Subscribing and unsubscribing are not audit events: like read marks they change only the
person's own devices and grant nothing (the audit log keeps the actions told about).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bering.accounts.models import User
from bering.core import clock
from bering.core.errors import NotFound, ValidationFailed
from bering.notifications import vapid
from bering.notifications.models import ENDPOINT_MAX, Kind, Notification, PushSubscription
from bering.orgs.models import Employee

log = logging.getLogger(__name__)

PUSH_KINDS: frozenset[str] = frozenset(
    {Kind.TASK_NEW, Kind.ASSIGNMENT_NEW, Kind.REPORT, Kind.OVERDUE, Kind.ESCALATION}
)
"""The kinds that mean "waits for my decision" or "overdue" (decision 0020):
``task_new`` a visa or a signature; ``assignment_new`` a draft resolution to confirm (and
a new assignment or control); ``report`` a report to accept; ``overdue`` and ``escalation``
an overdue mark. Not pushed: reminders, returns, signed, deliveries, appeals, other
(but for extensions: see ``is_pushed``)."""
PUSH_OTHER_OBJECTS = frozenset({"extension"})
"""Of the kind ``other``, these objects push: an extension request waits for the head's
decision (and the answer to it is news of the asker's own term)."""

TTL_SECONDS = 24 * 3600
"""A push the tablet cannot take within a day is dropped by the push service."""
TIMEOUT_SECONDS = 10.0
MAX_FAILURES = 20
"""A subscription that failed this many times in a row is removed."""
BODY_MAX = 200
DEVICE_MAX = PushSubscription._meta.get_field("device").max_length or 100
_GONE = (404, 410)
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_pushed(kind: str, object_type: str = "") -> bool:
    """Whether a notification of this kind about this object goes to the devices."""
    return kind in PUSH_KINDS or (kind == Kind.OTHER and object_type in PUSH_OTHER_OBJECTS)


def push_recipients(employee_ids: Iterable[int]) -> set[int]:
    """The posts (of ``employee_ids``) whose person is active and has a subscription: one query."""
    ids = list(employee_ids)
    if not ids:
        return set()
    return set(
        Employee.objects.filter(
            pk__in=ids, user__is_active=True, user__push_subscriptions__isnull=False
        )
        .values_list("pk", flat=True)
        .distinct()
    )


# --- The SSRF guard ----------------------------------------------------------------------


def _allow_loopback() -> bool:
    return bool(getattr(settings, "BERING_PUSH_ALLOW_HTTP", False) or settings.DEBUG)


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_loopback:
        return _allow_loopback()
    return address.is_global and not address.is_multicast


def endpoint_problem(url: str, *, resolve: bool = False) -> str | None:
    """Why the server must not POST to ``url`` (a message), or ``None`` if it may.

    ``resolve``: also look the name up and refuse it if any of its addresses is not public.
    """
    if len(url) > ENDPOINT_MAX:
        return _("The push endpoint is longer than %(max)d characters.") % {"max": ENDPOINT_MAX}
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return _("The push endpoint must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("The push endpoint is not a valid URL.")
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme not in ("https", "http") or not host:
        return _("The push endpoint must be an https:// URL of a push service.")
    if parts.username is not None or parts.password is not None:
        return _("The push endpoint must not contain a user name or a password.")
    loopback = _is_loopback_name(host)
    if parts.scheme == "http" and not (loopback and _allow_loopback()):
        return _("The push endpoint must be an https:// URL of a push service.")
    problem = _host_problem(host, loopback)
    if problem is None and resolve and not _is_address(host):
        problem = _resolved_problem(host, port or (443 if parts.scheme == "https" else 80))
    return problem


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback_name(host: str) -> bool:
    host = host.lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_problem(host: str, loopback: bool) -> str | None:
    internal = _("The push endpoint must be on a public push service, not an internal address.")
    if loopback:
        return None if _allow_loopback() else internal
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return internal if "." not in host else None
    return None if _address_allowed(address) else internal


def _resolved_problem(host: str, port: int) -> str | None:
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return _("The push service's name does not resolve.")
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if not _address_allowed(address):
            return _("The push endpoint must be on a public push service, not an internal address.")
    return None


# --- Subscriptions -----------------------------------------------------------------------


def _check_keys(p256dh: str, auth: str) -> None:
    try:
        point = vapid.b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        if len(point) != 65:
            raise ValueError("not an uncompressed point")
    except ValueError:
        raise ValidationFailed(
            _("keys.p256dh must be the browser's P-256 public key in base64url."),
            field="keys.p256dh",
        ) from None
    try:
        secret = vapid.b64url_decode(auth)
    except ValueError:
        secret = b""
    if len(secret) != 16:
        raise ValidationFailed(
            _("keys.auth must be the 16-byte authentication secret in base64url."),
            field="keys.auth",
        )


def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, device: str = ""
) -> tuple[PushSubscription, bool]:
    """Opt this browser in for ``user``; returns the subscription and whether it is new.

    The same endpoint again updates its keys and label and moves it to ``user`` (another
    person signed in on the same tablet): one browser, one subscription.
    """
    problem = endpoint_problem(endpoint)
    if problem is not None:
        raise ValidationFailed(problem, field="endpoint")
    p256dh, auth = p256dh.strip().rstrip("="), auth.strip().rstrip("=")
    _check_keys(p256dh, auth)
    fields = {"user": user, "p256dh": p256dh, "auth": auth, "device": device.strip()[:DEVICE_MAX]}
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={**fields, "failures": 0}
        )
    return subscription, created


def push_unsubscribe(*, user: User, subscription_id: int) -> None:
    """Forget one of the person's own devices (404 for anyone else's)."""
    with transaction.atomic():
        deleted, _rows = PushSubscription.objects.filter(pk=subscription_id, user=user).delete()
    if not deleted:
        raise NotFound(_("Push subscription not found."))


# --- Delivery ----------------------------------------------------------------------------


def _one_line(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def payload(notification: Notification) -> dict[str, str]:
    """What the tablet shows: the kind as the title, the notification's title as the text."""
    label = Kind(notification.kind).label if notification.kind in Kind.values else ""
    if notification.object_id is not None and notification.object_type:
        tag = f"{notification.object_type}-{notification.object_id}"
    else:
        tag = f"notification-{notification.pk}"
    return {
        "title": capfirst(str(label)) or _("Notification"),
        "body": _one_line(notification.title, BODY_MAX),
        "url": notification.url or "/",
        "tag": tag,
    }


def _session() -> Any:
    """A ``requests`` session that never follows a redirect (the SSRF guard): a push
    service answers, it never sends the server elsewhere."""
    import requests

    class NoRedirects(requests.Session):
        def request(self, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs["allow_redirects"] = False
            return super().request(*args, **kwargs)

    return NoRedirects()


def notification_push_send(*, notification_id: int) -> int:
    """Push one notification to its person's devices, at most once; returns how many took it.

    The notification is claimed with a conditional UPDATE (``pushed_at IS NULL``), so a
    repeated task sends nothing. A push is a hint (the notification is in the app): a
    failed one is counted on the subscription, not retried. 404/410 from the push service
    removes the subscription, as do ``MAX_FAILURES`` failures in a row.
    """
    notification = (
        Notification.objects.filter(pk=notification_id, pushed_at__isnull=True)
        .select_related("recipient__user")
        .first()
    )
    if notification is None or not notification.recipient.user.is_active:
        return 0
    claimed = Notification.objects.filter(pk=notification_id, pushed_at__isnull=True).update(
        pushed_at=clock.now()
    )
    if claimed != 1:
        return 0
    subscriptions = list(PushSubscription.objects.filter(user=notification.recipient.user))
    if not subscriptions:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        data = json.dumps(payload(notification), ensure_ascii=False)
    signer = vapid.signer()
    subject = vapid.subject()
    with _session() as session:
        return sum(_deliver(s, data, signer, subject, session) for s in subscriptions)


def _deliver(
    subscription: PushSubscription, data: str, signer: Any, subject: str, session: Any
) -> bool:
    problem = endpoint_problem(subscription.endpoint, resolve=True)
    if problem is not None:
        log.warning("Push to subscription %s refused: %s", subscription.pk, problem)
        _failed(subscription)
        return False
    # Imported here: pywebpush brings aiohttp and requests (half a second), which only
    # the task worker needs, not every web process that calls notify().
    import requests
    from http_ece import ECEException  # type: ignore[import-untyped]
    from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            subscription_info=info,
            data=data,
            vapid_private_key=signer,
            vapid_claims={"sub": subject},  # a new dict each time: webpush adds "aud" to it
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
            requests_session=session,
        )
    except WebPushException as exc:
        if exc.status_code in _GONE:
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        else:
            log.warning("Push to subscription %s failed: %s", subscription.pk, exc.message)
            _failed(subscription)
        return False
    except (requests.RequestException, ECEException, ValueError) as exc:
        log.warning("Push to subscription %s failed: %s", subscription.pk, exc)
        _failed(subscription)
        return False
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=clock.now(), failures=0
    )
    return True


def _failed(subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
    PushSubscription.objects.filter(pk=subscription.pk, failures__gte=MAX_FAILURES).delete()
