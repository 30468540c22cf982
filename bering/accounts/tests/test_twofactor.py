"""The optional second factor: on with a code, then signing in (pages and API) takes one."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bering.accounts import twofactor
from bering.accounts.services import AuthenticationFailed
from bering.audit.models import AuditEvent
from bering.core.errors import ValidationFailed
from bering.orgs.security import api_token_issue
from bering.orgs.tests.factories import PASSWORD


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the phone shows now (or ``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def turn_on(client: Client) -> TOTPDevice:
    client.post(reverse("security"), {"action": "begin"})
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("security"), {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_turning_it_on_shows_a_qr_code_and_takes_a_code(registrar):
    client = registrar.client()
    page = client.get(reverse("security")).content.decode()
    assert 'data-state="off"' in page
    client.post(reverse("security"), {"action": "begin"})
    page = client.get(reverse("security")).content.decode()
    assert 'data-state="pending"' in page
    qr = page.split('data-test="qr">')[1].split("</div>")[0]
    assert qr.startswith("<svg") and "<script" not in qr and "href" not in qr
    device = TOTPDevice.objects.get(user=registrar.user)
    assert twofactor.secret_text(device).replace(" ", "") in page.replace(" ", "")
    assert "otpauth://totp/" in twofactor.config_url(device)
    wrong = client.post(reverse("security"), {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400
    assert "Код не подошёл" in wrong.content.decode()
    assert not twofactor.is_on(registrar.user)
    device.throttle_reset()
    client.post(reverse("security"), {"action": "confirm", "code": code_for(device)})
    assert twofactor.is_on(registrar.user)
    assert 'data-state="on"' in client.get(reverse("security")).content.decode()
    assert AuditEvent.objects.filter(verb="user.second_factor_on", object_id=registrar.user.pk)


def test_signing_in_takes_the_password_then_a_current_code(registrar):
    device = turn_on(registrar.client())
    client = Client()
    step1 = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert step1.status_code == 302 and step1["Location"] == reverse("login-code")
    # The password alone is not a session.
    assert client.get(reverse("documents:list")).status_code == 302
    wrong = client.post(reverse("login-code"), {"code": "123456"})
    assert wrong.status_code == 400
    assert "Неверный код" in wrong.content.decode()
    assert client.get(reverse("documents:list")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(reverse("login-code"), {"code": code_for(device, steps_ahead=1)})
    assert ok.status_code == 302
    assert client.get(reverse("documents:list")).status_code == 200
    events = AuditEvent.objects.filter(object_type="user", object_id=registrar.user.pk)
    verbs = set(events.values_list("verb", flat=True))
    assert {"user.second_factor_failed", "user.login_second_factor"} <= verbs


def test_a_code_is_accepted_once(registrar):
    device = turn_on(registrar.client())
    device.refresh_from_db()
    used = code_for(device, steps_ahead=1)
    assert twofactor.check(registrar.user, used)
    with pytest.raises(ValidationFailed):
        twofactor.check(registrar.user, used)  # replayed


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(registrar, monkeypatch):
    device = turn_on(registrar.client())
    assert Client().get(reverse("login-code")).status_code == 302
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    later = time.time() + 301
    monkeypatch.setattr("bering.web.views_security.time.time", lambda: later)
    response = client.post(reverse("login-code"), {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("documents:list")).status_code == 302


def test_wrong_codes_slow_down(registrar):
    device = turn_on(registrar.client())
    device.refresh_from_db()
    with pytest.raises(ValidationFailed):
        twofactor.check(registrar.user, "000000")
    with pytest.raises(ValidationFailed) as throttled:
        twofactor.check(registrar.user, code_for(device, steps_ahead=1))
    assert throttled.value.code == "otp_throttled"


def test_a_wrong_code_at_sign_in_keeps_counting(registrar):
    """The wrong code's throttle must survive the sign-in step's transaction: right after a
    wrong code even the right one waits (otherwise codes could be guessed endlessly)."""
    device = turn_on(registrar.client())
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert client.post(reverse("login-code"), {"code": "000000"}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    wait = client.post(reverse("login-code"), {"code": code_for(device, steps_ahead=1)})
    assert wait.status_code == 400
    assert "Слишком много неверных кодов" in wait.content.decode()
    assert client.get(reverse("documents:list")).status_code == 302


def test_api_token_needs_the_code_too(registrar):
    device = turn_on(registrar.client())
    with pytest.raises(ValidationFailed) as missing:
        api_token_issue(username="alice", password=PASSWORD, name="", code="")
    assert missing.value.code == "otp_required"
    device.refresh_from_db()
    token, raw = api_token_issue(
        username="alice", password=PASSWORD, name="", code=code_for(device, steps_ahead=1)
    )
    assert raw and token.user == registrar.user
    with pytest.raises(AuthenticationFailed):
        api_token_issue(username="alice", password="wrong", name="", code=code_for(device))


def test_turning_it_off_takes_password_and_code(registrar):
    client = registrar.client()
    device = turn_on(client)
    device.refresh_from_db()
    bad = client.post(
        reverse("security"),
        {"action": "disable", "password": "nope", "code": code_for(device, steps_ahead=1)},
    )
    assert bad.status_code == 400 and twofactor.is_on(registrar.user)
    ok = client.post(
        reverse("security"),
        {"action": "disable", "password": PASSWORD, "code": code_for(device, steps_ahead=1)},
    )
    assert ok.status_code == 302
    assert not twofactor.is_on(registrar.user)
    assert AuditEvent.objects.filter(verb="user.second_factor_off", object_id=registrar.user.pk)
    # Signing in is the password alone again.
    step = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert step["Location"] != reverse("login-code")


def test_without_the_second_factor_nothing_changes(registrar):
    response = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] != reverse("login-code")


def test_an_unfinished_setup_can_be_cancelled(registrar):
    client = registrar.client()
    client.post(reverse("security"), {"action": "begin"})
    assert TOTPDevice.objects.filter(user=registrar.user, confirmed=False).exists()
    response = client.post(reverse("security"), {"action": "cancel"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=registrar.user).exists()
    assert 'data-state="off"' in client.get(reverse("security")).content.decode()
    unknown = client.post(reverse("security"), {"action": "explode"})
    assert unknown.status_code == 400
