"""A generic OpenID Connect client for ЕСИА or any provider (authorization code flow).

Discovery from ``{issuer}/.well-known/openid-configuration``; ``state``, ``nonce``
and a PKCE verifier (S256) are kept in the session and taken out on the first
callback, so a replayed callback finds nothing. The code is exchanged with
``client_secret_post``; the ID token is checked against the provider's JWKS
(RS256), the issuer, the audience, the expiry and the nonce. Every failure is
an ``OidcError`` with a message for the citizen; nothing here raises anything else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _

SESSION_KEY = "bering_oidc"
FLOW_TTL_SECONDS = 600
TIMEOUT_SECONDS = 10
MAX_BODY = 1_000_000
LEEWAY_SECONDS = 60


class OidcError(Exception):
    """Sign-in through the provider failed; ``message`` is for the citizen."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    claims: dict[str, Any]
    next_url: str


def enabled() -> bool:
    return bool(settings.BERING_OIDC_ISSUER)


def _failed(reason: str) -> OidcError:
    return OidcError(
        _("Sign-in through %(provider)s failed. Please try again or sign in by e-mail.")
        % {"provider": settings.BERING_OIDC_NAME},
        reason=reason,
    )


def _unavailable(reason: str) -> OidcError:
    return OidcError(
        _("%(provider)s is not answering right now. Please try again later or sign in by e-mail.")
        % {"provider": settings.BERING_OIDC_NAME},
        reason=reason,
    )


def _fetch_json(url: str, *, data: dict[str, str] | None = None) -> dict[str, Any]:
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise _failed(f"bad url scheme: {url[:100]}")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, data=body, headers={"Accept": "application/json"}
    )
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(MAX_BODY + 1)
    except urllib.error.HTTPError as exc:
        if data is not None and 400 <= exc.code < 500:
            raise _failed(f"provider refused: HTTP {exc.code}") from None
        raise _unavailable(f"HTTP {exc.code} from {url[:100]}") from None
    except (OSError, ValueError) as exc:
        raise _unavailable(f"{type(exc).__name__}: {url[:100]}") from None
    if len(raw) > MAX_BODY:
        raise _failed("answer too large")
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise _failed("answer is not JSON") from None
    if not isinstance(parsed, dict):
        raise _failed("answer is not a JSON object")
    return parsed


def discover(issuer: str | None = None) -> Provider:
    issuer = (issuer or settings.BERING_OIDC_ISSUER).rstrip("/")
    if not issuer:
        raise _failed("no issuer configured")
    doc = _fetch_json(f"{issuer}/.well-known/openid-configuration")
    try:
        provider = Provider(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
        )
    except KeyError as exc:
        raise _failed(f"discovery lacks {exc}") from None
    if provider.issuer.rstrip("/") != issuer:
        raise _failed("discovery names another issuer")
    return provider


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def begin(session: SessionBase, *, redirect_uri: str, next_url: str) -> str:
    """The provider's authorization URL; the flow's secrets go to the session."""
    provider = discover()
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "next": next_url,
        "started": int(time.time()),
    }
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.BERING_OIDC_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": settings.BERING_OIDC_SCOPES,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return f"{provider.authorization_endpoint}{separator}{query}"


def finish(session: SessionBase, params: dict[str, str]) -> Identity:
    """Check the callback, exchange the code and verify the ID token.

    The flow is taken out of the session first: whatever happens, a second
    callback with the same state is refused.
    """
    flow = session.pop(SESSION_KEY, None)
    if not isinstance(flow, dict):
        raise _failed("no sign-in in progress (replayed or stale callback)")
    state = params.get("state", "")
    if not state or not hmac.compare_digest(str(flow.get("state", "")), state):
        raise _failed("state mismatch")
    if int(time.time()) - int(flow.get("started", 0)) > FLOW_TTL_SECONDS:
        raise _failed("sign-in took too long")
    if params.get("error"):
        raise _failed(f"provider error: {params['error'][:100]}")
    code = params.get("code", "")
    if not code:
        raise _failed("no code")
    provider = discover()
    tokens = _fetch_json(
        provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": str(flow["redirect_uri"]),
            "client_id": settings.BERING_OIDC_CLIENT_ID,
            "client_secret": settings.BERING_OIDC_CLIENT_SECRET,
            "code_verifier": str(flow["verifier"]),
        },
    )
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise _failed("no id_token")
    claims = verify_id_token(provider, id_token, nonce=str(flow["nonce"]))
    return Identity(
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        claims=claims,
        next_url=str(flow.get("next", "")),
    )


def verify_id_token(provider: Provider, id_token: str, *, nonce: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise _failed("id_token is not a JWT") from None
    if header.get("alg") != "RS256":
        raise _failed(f"id_token alg {header.get('alg')!r}")
    jwks = _fetch_json(provider.jwks_uri)
    try:
        key_set = jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError:
        raise _failed("bad JWKS") from None
    kid = header.get("kid")
    keys = [k for k in key_set.keys if kid is None or k.key_id == kid]
    if not keys:
        raise _failed("no key for kid")
    claims: dict[str, Any] | None = None
    for key in keys:
        try:
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=["RS256"],
                audience=settings.BERING_OIDC_CLIENT_ID,
                issuer=provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            break
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise _failed(f"id_token refused: {type(exc).__name__}") from None
    if claims is None:
        raise _failed("id_token signature does not verify")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise _failed("nonce mismatch")
    if not str(claims.get("sub", "")):
        raise _failed("no subject")
    return claims
