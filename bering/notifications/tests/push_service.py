"""A Web Push service on loopback, for the tests: what a browser vendor's service does.

It takes ``POST /push/<token>`` as RFC 8030 says, checks the VAPID ``Authorization:
vapid t=<JWT>, k=<key>`` header (RFC 8292: an ES256 JWT signed by ``k``, ``aud`` its own
origin, ``exp`` ahead, ``sub`` given) and answers 403 if it is wrong, then decrypts the
aes128gcm body (RFC 8291) with the private key and auth secret of the ``Browser`` that
subscribed under ``<token>``, and keeps what it received. ``answer(token, status)``
makes it answer with another status (410: the browser dropped the subscription).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its P-256 key pair and its auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        data: bytes = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return data


@dataclass
class Received:
    token: str
    headers: dict[str, str]
    status: int
    vapid_key: str = ""
    """``k`` of the Authorization header: the server's public key, base64url."""
    claims: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] | None = None
    """The decrypted JSON (``None`` if the VAPID check failed)."""
    problem: str = ""


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.statuses: dict[str, int] = {}
        self.redirects: dict[str, str] = {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                service._take(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def new_browser(self) -> tuple[str, Browser]:
        """A browser subscribed with this service: its endpoint and its keys."""
        token = secrets.token_urlsafe(16)
        browser = Browser()
        self.browsers[token] = browser
        return f"{self.origin}/push/{token}", browser

    def answer(self, endpoint: str, status: int, location: str = "") -> None:
        token = endpoint.rsplit("/", 1)[1]
        self.statuses[token] = status
        if location:
            self.redirects[token] = location

    def for_endpoint(self, endpoint: str) -> list[Received]:
        token = endpoint.rsplit("/", 1)[1]
        return [r for r in self.received if r.token == token]

    def _take(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", "0"))
        body = request.rfile.read(length)
        token = request.path.rsplit("/", 1)[1] if request.path.startswith("/push/") else ""
        headers = {k.lower(): v for k, v in request.headers.items()}
        record = Received(token=token, headers=headers, status=201)
        browser = self.browsers.get(token)
        if browser is None:
            record.status, record.problem = 404, "no such subscription"
        else:
            record.problem = self._check_vapid(record)
            if record.problem:
                record.status = 403
            else:
                record.status = self.statuses.get(token, 201)
                if headers.get("content-encoding") != "aes128gcm":
                    record.status, record.problem = 400, "not aes128gcm"
                else:
                    record.payload = json.loads(browser.decrypt(body))
        with self._lock:
            self.received.append(record)
        request.send_response(record.status)
        if token in self.redirects:
            request.send_header("Location", self.redirects[token])
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _check_vapid(self, record: Received) -> str:
        """RFC 8292: ``vapid t=<JWT>, k=<public key>``; the JWT is ES256, signed by ``k``."""
        value = record.headers.get("authorization", "")
        scheme, _sep, params = value.partition(" ")
        if scheme.lower() != "vapid":
            return "no vapid authorization"
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if "t" not in parts or "k" not in parts:
            return "t or k missing"
        record.vapid_key = parts["k"]
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
            record.claims = jwt.decode(
                parts["t"], key=key, algorithms=["ES256"], audience=self.origin
            )
        except (ValueError, jwt.InvalidTokenError) as exc:
            return f"bad vapid token: {exc}"
        if not str(record.claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "sub missing"
        if int(record.claims.get("exp", 0)) > time.time() + 24 * 3600:
            return "exp more than 24 hours ahead"
        if int(record.headers.get("ttl", "-1")) < 0:
            return "TTL missing"
        return ""
