"""Citizens' sign-in: one-time e-mail codes, ЕСИА/OpenID Connect accounts, API tokens.

Every write here is one transaction with its audit event (no staff actor,
object_type "citizen"). A code is stored only as an HMAC of the address and
the code under SECRET_KEY; it lives ten minutes, takes five attempts, and is
claimed by a conditional UPDATE, so two submissions cannot both sign in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bering.appeals import ratelimit
from bering.appeals.models import Citizen, CitizenToken, LoginCode
from bering.appeals.validation import in_national_zone
from bering.audit.services import record
from bering.core import clock
from bering.core.db import atomic_with_retry
from bering.core.errors import ValidationFailed

CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=10)
CODE_ATTEMPTS = 5
ADDRESS_LIMIT = "login_code_address"
"""Per client address, if configured in ``BERING_RATE_LIMITS`` (else not counted)."""


def wrong_code_message() -> str:
    """One message for an unknown address, a wrong, expired, used or burnt code."""
    return _("The code is wrong or no longer valid. Request a new code and try again.")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from None
    return email


def code_hash(email: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{normalize_email(email)}:{code}".encode(), hashlib.sha256).hexdigest()


def _count_address(client_address: str) -> None:
    if client_address and ADDRESS_LIMIT in settings.BERING_RATE_LIMITS:
        ratelimit.hit(ADDRESS_LIMIT, client_address)


def login_code_send(*, email: str, client_address: str = "") -> None:
    """Send a six-digit code to ``email``; raises ``RateLimited`` when asked too often."""
    email = check_email(email)
    ratelimit.hit("login_code", email)
    _count_address(client_address)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"

    def work() -> None:
        now = clock.now()
        row = LoginCode.objects.create(
            email=email, code_hash=code_hash(email, code), created_at=now, expires_at=now + CODE_TTL
        )
        citizen = Citizen.objects.filter(login_email=email).only("pk").first()
        record(
            actor=None,
            verb="citizen.login_code_sent",
            object_type="citizen",
            object_id=citizen.pk if citizen is not None else None,
            data={"code": row.pk},
        )
        subject = _("Your sign-in code")
        body = _(
            "Your code to sign in to the internet reception: %(code)s\n"
            "It is valid for %(minutes)s minutes. If you did not ask for it, ignore this letter.\n"
        ) % {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))

    atomic_with_retry(work)


def _latest_code(email: str) -> LoginCode | None:
    return LoginCode.objects.filter(email=email).order_by("-created_at", "-pk").first()


def login_code_verify(*, email: str, code: str, client_address: str = "") -> Citizen:
    """The citizen whose address the code proves, created on the first sign-in.

    Only the latest code sent to the address counts. A wrong code uses up one
    attempt (kept even though the answer is an error); the right one is claimed
    once. Every failure raises ``ValidationFailed`` with the same message.
    """
    email = normalize_email(email)
    code = "".join(code.split())
    _count_address(client_address)
    row = _latest_code(email)
    now = clock.now()
    if (
        row is None
        or row.used_at is not None
        or row.expires_at <= now
        or row.attempts >= CODE_ATTEMPTS
        or not code.isdigit()
        or len(code) != CODE_DIGITS
    ):
        _spend_attempt(row)
        raise ValidationFailed(wrong_code_message(), field="code")
    if not hmac.compare_digest(row.code_hash, code_hash(email, code)):
        _spend_attempt(row)
        raise ValidationFailed(wrong_code_message(), field="code")

    def work() -> Citizen:
        claimed = LoginCode.objects.filter(
            pk=row.pk, used_at__isnull=True, attempts__lt=CODE_ATTEMPTS, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            raise ValidationFailed(wrong_code_message(), field="code")
        citizen = Citizen.objects.filter(login_email=email).first()
        created = citizen is None
        if citizen is None:
            citizen = Citizen.objects.create(last_name="", first_name="", login_email=email)
        if not citizen.is_active:
            raise ValidationFailed(
                _("This account is blocked. Contact the reception."), field="email"
            )
        record(
            actor=None,
            verb="citizen.created" if created else "citizen.signed_in",
            object_type="citizen",
            object_id=citizen.pk,
            data={"method": "email_code", "code": row.pk},
        )
        return citizen

    return atomic_with_retry(work)


def _spend_attempt(row: LoginCode | None) -> None:
    """Count a wrong attempt on its own, committed whatever the request does next."""
    if row is None or row.used_at is not None:
        return
    with transaction.atomic():
        LoginCode.objects.filter(pk=row.pk, attempts__lt=CODE_ATTEMPTS).update(
            attempts=F("attempts") + 1
        )


def _claim(claims: Mapping[str, object], name: str, limit: int) -> str:
    value = claims.get(name)
    return " ".join(str(value).split())[:limit] if isinstance(value, str) else ""


def oidc_citizen(*, issuer: str, subject: str, claims: Mapping[str, object]) -> Citizen:
    """The citizen of an identity provider's account, created from its claims the first time."""
    if not issuer or not subject:
        raise ValidationFailed(_("The identity provider did not name the account."))

    def work() -> Citizen:
        citizen = Citizen.objects.filter(oidc_issuer=issuer, oidc_subject=subject).first()
        created = citizen is None
        if citizen is None:
            email = normalize_email(_claim(claims, "email", 254))
            try:
                validate_email(email)
            except ValidationError:
                email = ""
            if not in_national_zone(email):
                email = ""  # answers go only to .ru, .рф, .su (59-ФЗ); the citizen may add one
            citizen = Citizen.objects.create(
                oidc_issuer=issuer[:300],
                oidc_subject=subject[:255],
                last_name=_claim(claims, "family_name", 150),
                first_name=_claim(claims, "given_name", 150),
                middle_name=_claim(claims, "middle_name", 150),
                email=email,
            )
        if not citizen.is_active:
            raise ValidationFailed(_("This account is blocked. Contact the reception."))
        record(
            actor=None,
            verb="citizen.created" if created else "citizen.signed_in",
            object_type="citizen",
            object_id=citizen.pk,
            data={"method": "oidc", "issuer": issuer[:300]},
        )
        return citizen

    return atomic_with_retry(work)


# --- tokens of the citizens' API ------------------------------------------------------


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def citizen_token_issue(*, citizen: Citizen) -> str:
    """A new bearer token for the citizens' API; returned once, stored as SHA-256."""
    raw = secrets.token_urlsafe(32)

    def work() -> str:
        token = CitizenToken.objects.create(citizen=citizen, key_hash=token_hash(raw))
        record(
            actor=None,
            verb="citizen.token_issued",
            object_type="citizen",
            object_id=citizen.pk,
            data={"token": token.pk},
        )
        return raw

    return atomic_with_retry(work)


def citizen_token_resolve(raw: str) -> CitizenToken | None:
    """The live token (of an active citizen) for a raw bearer value, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        CitizenToken.objects.select_related("citizen")
        .filter(key_hash=token_hash(raw), citizen__is_active=True)
        .first()
    )
    if token is not None:
        now = clock.now()
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
            CitizenToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
