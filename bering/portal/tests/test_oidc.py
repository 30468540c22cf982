"""Sign-in through OpenID Connect against a fake provider on loopback.

The provider runs in a thread on 127.0.0.1 with a random port: discovery, JWKS,
/authorize (redirects straight back with a code) and /token, which checks the
client secret and the PKCE verifier. Its RSA key is made here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse

from bering.appeals.models import Citizen
from bering.appeals.tests.conftest import make_citizen
from bering.audit.models import AuditEvent
from bering.portal.session import SESSION_KEY

CLIENT_ID = "bering-test"
CLIENT_SECRET = "s3cret-" + "x" * 20


def _b64(n: int) -> str:
    data = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class FakeProvider:
    key: rsa.RSAPrivateKey
    issuer: str = ""
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    sign_with: rsa.RSAPrivateKey | None = None
    nonce_override: str | None = None
    expired: bool = False
    down: bool = False
    token_refusals: list[str] = field(default_factory=list)

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": "k1",
                    "use": "sig",
                    "alg": "RS256",
                    "n": _b64(numbers.n),
                    "e": _b64(numbers.e),
                }
            ]
        }

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "esia-1000299353",
            "iat": now - (7200 if self.expired else 0),
            "exp": now + (-3600 if self.expired else 300),
            "nonce": self.nonce_override if self.nonce_override is not None else nonce,
            "family_name": "Смирнова",
            "given_name": "Ольга",
            "middle_name": "Ивановна",
            "email": "olga.smirnova@mail.ru",
            **self.claims,
        }
        return jwt.encode(
            payload, self.sign_with or self.key, algorithm="RS256", headers={"kid": "k1"}
        )


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if provider.down:
                self._json({"error": "down"}, 503)
                return
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": provider.issuer,
                        "authorization_endpoint": f"{provider.issuer}/authorize",
                        "token_endpoint": f"{provider.issuer}/token",
                        "jwks_uri": f"{provider.issuer}/jwks",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                )
            elif url.path == "/jwks":
                self._json(provider.jwks())
            elif url.path == "/authorize":
                assert query["client_id"] == CLIENT_ID
                assert query["code_challenge_method"] == "S256"
                code = secrets.token_urlsafe(16)
                provider.codes[code] = query
                target = (
                    query["redirect_uri"]
                    + "?"
                    + urllib.parse.urlencode({"code": code, "state": query["state"]})
                )
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            if self.path != "/token":
                self._json({"error": "not_found"}, 404)
                return
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                provider.token_refusals.append("client")
                self._json({"error": "invalid_client"}, 401)
                return
            request = provider.codes.pop(form.get("code", ""), None)
            if request is None:
                provider.token_refusals.append("code")
                self._json({"error": "invalid_grant"}, 400)
                return
            verifier = form.get("code_verifier", "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .rstrip(b"=")
                .decode()
            )
            if challenge != request["code_challenge"]:
                provider.token_refusals.append("pkce")
                self._json({"error": "invalid_grant", "error_description": "PKCE"}, 400)
                return
            if form.get("redirect_uri") != request["redirect_uri"]:
                provider.token_refusals.append("redirect_uri")
                self._json({"error": "invalid_grant"}, 400)
                return
            self._json(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "id_token": provider.id_token(request["nonce"]),
                }
            )

    return Handler


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def provider(rsa_key: rsa.RSAPrivateKey, settings: Any) -> Iterator[FakeProvider]:
    fake = FakeProvider(key=rsa_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BERING_OIDC_ISSUER = fake.issuer
    settings.BERING_OIDC_CLIENT_ID = CLIENT_ID
    settings.BERING_OIDC_CLIENT_SECRET = CLIENT_SECRET
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def _start(client: Client, next_url: str = "") -> str:
    """Press the button; return the provider's authorization URL."""
    response = client.post(reverse("portal:oidc-start"), {"next": next_url})
    assert response.status_code == 302, response.content.decode()[:300]
    return str(response["Location"])


def _authorize(url: str) -> str:
    """What the browser does at the provider: returns the callback path with its query."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", f"{parts.path}?{parts.query}")
    response = conn.getresponse()
    assert response.status == 302
    location = response.getheader("Location") or ""
    conn.close()
    back = urllib.parse.urlsplit(location)
    return f"{back.path}?{back.query}"


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


pytestmark = pytest.mark.django_db


def test_full_login_creates_the_citizen_from_claims(client, provider):
    url = _start(client, next_url="/reception/appeals/")
    params = _query(url)
    assert params["code_challenge_method"] == "S256" and params["nonce"] and params["state"]
    assert params["redirect_uri"].endswith(reverse("portal:oidc-callback"))
    response = client.get(_authorize(url))
    citizen = Citizen.objects.get(oidc_issuer=provider.issuer, oidc_subject="esia-1000299353")
    assert (citizen.last_name, citizen.first_name, citizen.middle_name) == (
        "Смирнова",
        "Ольга",
        "Ивановна",
    )
    assert citizen.email == "olga.smirnova@mail.ru"
    assert client.session[SESSION_KEY] == citizen.pk
    assert response.status_code == 302
    assert response["Location"] == "/reception/appeals/"  # the profile is complete
    assert AuditEvent.objects.filter(verb="citizen.created", object_id=citizen.pk).exists()


def test_second_login_finds_the_same_citizen(client, provider):
    client.get(_authorize(_start(client)))
    other = Client()
    other.get(_authorize(_start(other)))
    assert Citizen.objects.filter(oidc_subject="esia-1000299353").count() == 1
    assert other.session[SESSION_KEY] == client.session[SESSION_KEY]


def test_state_mismatch_is_refused(client, provider):
    callback = _authorize(_start(client))
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert "Госуслуги" in response.content.decode() or "ЕСИА" in response.content.decode()


def test_replayed_callback_is_refused(client, provider):
    callback = _authorize(_start(client))
    assert client.get(callback).status_code == 302
    client.post(reverse("portal:logout"))
    again = client.get(callback)
    assert again.status_code == 400
    assert SESSION_KEY not in client.session


def test_callback_without_a_started_sign_in_is_refused(client, provider):
    response = client.get(reverse("portal:oidc-callback") + "?code=abc&state=def")
    assert response.status_code == 400


def test_token_signed_with_another_key_is_refused(client, provider):
    provider.sign_with = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = client.get(_authorize(_start(client)))
    assert response.status_code == 400
    assert not Citizen.objects.exists()


def test_expired_token_is_refused(client, provider):
    provider.expired = True
    response = client.get(_authorize(_start(client)))
    assert response.status_code == 400
    assert not Citizen.objects.exists()


def test_wrong_nonce_is_refused(client, provider):
    provider.nonce_override = "another-nonce"
    response = client.get(_authorize(_start(client)))
    assert response.status_code == 400
    assert not Citizen.objects.exists()


def test_wrong_audience_is_refused(client, provider):
    provider.claims = {"aud": "someone-else"}
    response = client.get(_authorize(_start(client)))
    assert response.status_code == 400


def test_wrong_pkce_verifier_is_refused_at_the_provider(client, provider):
    callback = _authorize(_start(client))
    session = client.session
    flow = session["bering_oidc"]
    flow["verifier"] = "not-the-verifier-" + "y" * 40
    session["bering_oidc"] = flow
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert provider.token_refusals == ["pkce"]
    assert SESSION_KEY not in client.session


def test_wrong_client_secret_is_refused(client, provider, settings):
    settings.BERING_OIDC_CLIENT_SECRET = "wrong"
    response = client.get(_authorize(_start(client)))
    assert response.status_code == 400
    assert provider.token_refusals == ["client"]


def test_provider_down_gives_a_clear_400(client, provider):
    provider.down = True
    response = client.post(reverse("portal:oidc-start"))
    assert response.status_code == 400
    assert "msg error" in response.content.decode()


def test_provider_unreachable_gives_a_clear_400(client, settings):
    settings.BERING_OIDC_ISSUER = "http://127.0.0.1:9"
    response = client.post(reverse("portal:oidc-start"))
    assert response.status_code == 400


def test_oidc_is_off_without_an_issuer(client, settings):
    settings.BERING_OIDC_ISSUER = ""
    assert client.post(reverse("portal:oidc-start")).status_code == 404
    assert client.get(reverse("portal:oidc-callback")).status_code == 404


def test_next_url_outside_the_reception_is_ignored(client, provider):
    url = _start(client, next_url="https://evil.example/")
    response = client.get(_authorize(url))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_existing_local_citizen_is_not_taken_over_by_email_claim(client, provider):
    galina = make_citizen(email="olga.smirnova@mail.ru")
    client.get(_authorize(_start(client)))
    assert client.session[SESSION_KEY] != galina.pk


def test_foreign_email_claim_is_not_taken_for_answers(client, provider):
    provider.claims = {"email": "olga@gmail.com"}
    response = client.get(_authorize(_start(client)))
    citizen = Citizen.objects.get(oidc_subject="esia-1000299353")
    assert citizen.email == ""
    assert response["Location"].startswith(reverse("portal:profile"))
