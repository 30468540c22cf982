"""Signing in with a one-time code sent by e-mail: the pages and the service."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse

from bering.appeals import citizen_auth
from bering.appeals.models import Citizen, LoginCode
from bering.appeals.tests.conftest import make_citizen
from bering.audit.models import AuditEvent
from bering.core.errors import ValidationFailed
from bering.portal.session import SESSION_KEY
from bering.portal.views_auth import safe_next

pytestmark = pytest.mark.django_db

EMAIL = "novikov@mail.ru"


def _send(email: str) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        citizen_auth.login_code_send(email=email)


def _code_from_mail() -> str:
    match = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _request_code(client: Client, email: str = EMAIL, next_url: str = "") -> str:
    with_next = {"email": email, "next": next_url}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("portal:login"), with_next)
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("portal:login-code")
    return _code_from_mail()


def test_login_page_has_the_form_and_no_staff_links(client, settings):
    settings.BERING_OIDC_ISSUER = ""
    response = client.get(reverse("portal:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="email"' in html
    assert "ЕСИА" not in html and 'data-test="oidc"' not in html
    for staff in (
        "/documents/",
        "/approvals/",
        "/assignments/",
        "/admin/",
        "/api/v1/",
        'href="/login/',
    ):
        assert staff not in html
    assert len(response.content) < 15_000
    assert "<script" not in html and "style=" not in html


def test_login_page_shows_esia_button_when_configured(client, settings):
    settings.BERING_OIDC_ISSUER = "https://esia.example"
    html = client.get(reverse("portal:login")).content.decode()
    assert 'data-test="oidc"' in html


def test_right_code_creates_the_citizen_and_signs_in(client):
    code = _request_code(client)
    row = LoginCode.objects.get(email=EMAIL)
    assert code not in row.code_hash and len(row.code_hash) == 64
    response = client.post(reverse("portal:login-code"), {"code": code})
    citizen = Citizen.objects.get(login_email=EMAIL)
    assert client.session[SESSION_KEY] == citizen.pk
    # No name yet: the profile comes next.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:profile"))
    assert AuditEvent.objects.filter(
        verb="citizen.created", object_type="citizen", object_id=citizen.pk
    ).exists()


def test_existing_citizen_goes_to_next(client):
    galina = make_citizen()
    code = _request_code(client, galina.login_email, next_url="/reception/appeals/")
    response = client.post(reverse("portal:login-code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/reception/appeals/"
    assert client.session[SESSION_KEY] == galina.pk


def test_wrong_code_five_times_burns_it(client):
    code = _request_code(client)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post(reverse("portal:login-code"), {"code": wrong})
        assert response.status_code == 200
        assert (
            "no longer valid" in response.content.decode()
            or "больше не" in response.content.decode()
        )
    assert LoginCode.objects.get(email=EMAIL).attempts == 5
    response = client.post(reverse("portal:login-code"), {"code": code})
    assert SESSION_KEY not in client.session
    assert not Citizen.objects.filter(login_email=EMAIL).exists()


def test_expired_code_is_refused(client):
    code = _request_code(client)
    LoginCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    client.post(reverse("portal:login-code"), {"code": code})
    assert SESSION_KEY not in client.session


def test_code_cannot_be_used_twice():
    _send(EMAIL)
    code = _code_from_mail()
    first = citizen_auth.login_code_verify(email=EMAIL, code=code)
    with pytest.raises(ValidationFailed) as refused:
        citizen_auth.login_code_verify(email=EMAIL, code=code)
    assert first.login_email == EMAIL
    assert refused.value.message == citizen_auth.wrong_code_message()


def test_unknown_email_and_wrong_code_get_the_same_message():
    make_citizen()
    with pytest.raises(ValidationFailed) as unknown:
        citizen_auth.login_code_verify(email="nobody@mail.ru", code="123456")
    _send("galina@mail.ru")
    code = _code_from_mail()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationFailed) as bad:
        citizen_auth.login_code_verify(email="galina@mail.ru", code=wrong)
    assert str(unknown.value.message) == str(bad.value.message)


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "login_code": (2, 900)}
    _request_code(client)
    _request_code(client)
    response = client.post(reverse("portal:login"), {"email": EMAIL})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Слишком много" in response.content.decode() or "Too many" in response.content.decode()
    assert len(mail.outbox) == 2


def test_rate_limit_per_client_address(client, settings):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "login_code_address": (2, 900)}
    _request_code(client, "a@mail.ru")
    _request_code(client, "b@mail.ru")
    response = client.post(reverse("portal:login"), {"email": "c@mail.ru"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_code_page_without_pending_email_goes_back_to_login(client):
    response = client.get(reverse("portal:login-code"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")


def test_bad_email_shows_a_form_error(client):
    response = client.post(reverse("portal:login"), {"email": "not an address"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not LoginCode.objects.exists()


@pytest.mark.parametrize(
    "value, safe",
    [
        ("/reception/appeals/", True),
        ("/reception/appeals/?x=1", True),
        ("/documents/", False),
        ("https://evil.example/reception/", False),
        ("//evil.example/reception/", False),
        ("/\\evil.example/", False),
        ("/reception\\..\\documents", False),
        ("javascript:alert(1)", False),
        ("/reception/../documents/", False),
        ("/reception/%2e%2e/documents/", False),
        ("", False),
    ],
)
def test_next_is_only_a_local_reception_path(value, safe):
    assert safe_next(value) == (value if safe else "")


def test_open_redirect_refused_after_login(client):
    galina = make_citizen()
    code = _request_code(client, galina.login_email, next_url="https://evil.example/")
    response = client.post(reverse("portal:login-code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_logout_needs_post_and_ends_the_session(client):
    galina = make_citizen()
    session = client.session
    session[SESSION_KEY] = galina.pk
    session.save()
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_profile_saves_and_shows_field_errors(client):
    citizen = Citizen.objects.create(last_name="", first_name="", login_email=EMAIL)
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    assert client.get(reverse("portal:profile")).status_code == 200
    data = {
        "last_name": "Новиков",
        "first_name": "Иван",
        "middle_name": "",
        "postal_address": "",
        "email": "ivan@gmail.com",
    }
    response = client.post(reverse("portal:profile"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and (".ru" in html)
    citizen.refresh_from_db()
    assert citizen.last_name == ""
    data["email"] = "ivan@mail.ru"
    response = client.post(reverse("portal:profile") + "?next=/reception/write/", data)
    assert response.status_code == 302
    assert response["Location"] == "/reception/write/"
    citizen.refresh_from_db()
    assert citizen.profile_complete and citizen.email == "ivan@mail.ru"
    assert AuditEvent.objects.filter(verb="citizen.profile_updated", object_id=citizen.pk).exists()


def test_profile_needs_a_citizen(client):
    response = client.get(reverse("portal:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_code_sign_in_once():
    _send(EMAIL)
    code = _code_from_mail()
    results: list[str] = []

    def submit() -> None:
        try:
            citizen_auth.login_code_verify(email=EMAIL, code=code)
            results.append("ok")
        except ValidationFailed:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
