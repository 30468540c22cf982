"""Re-entering the password (signing a draft, turning the second factor off) is counted
and locked out per account like signing in, and every refusal is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from bering.accounts import twofactor
from bering.accounts.models import ApiToken, PasswordReentry
from bering.accounts.tests.test_twofactor import code_for, turn_on
from bering.api.tests.conftest import bearer
from bering.approvals.models import Visa
from bering.approvals.tests.conftest import create_draft
from bering.audit.models import AuditEvent
from bering.orgs import security
from bering.orgs.tests.factories import PASSWORD

LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings):  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = LIMIT


def failures(user) -> int:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(verb="user.password_reentry_failed", object_id=user.pk).count()


def cool_off_passes(user) -> None:  # type: ignore[no-untyped-def]
    PasswordReentry.objects.filter(user=user).update(
        last_failure_at=timezone.now() - dt.timedelta(hours=1)
    )


def sign_at(executor, head, lawyer, capture) -> Visa:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        draft = create_draft(executor, head)
    started = bearer(executor.user).post(
        f"/api/v1/documents/{draft.pk}/approval/start",
        {"add": [lawyer.employee.pk]},
        format="json",
    )
    assert started.status_code == 201, started.json()
    visa = Visa.objects.get(approver=lawyer.employee)
    agreed = bearer(lawyer.user).post(
        f"/api/v1/approvals/visas/{visa.pk}/decide", {"outcome": "agreed"}, format="json"
    )
    assert agreed.status_code == 200, agreed.json()
    return Visa.objects.get(kind="sign", status="pending")


@pytest.fixture
def sign(executor, head, registrar, django_capture_on_commit_callbacks) -> Visa:  # type: ignore[no-untyped-def]
    return sign_at(executor, head, registrar, django_capture_on_commit_callbacks)


def wrong_sign_in_answer() -> dict[str, str]:
    return dict(
        APIClient()
        .post("/api/v1/auth/token", {"username": "boris", "password": "bad"}, format="json")
        .json()
    )


def test_signing_over_the_api_is_locked_after_the_sign_in_limit(sign, head):
    client = bearer(head.user)
    url = f"/api/v1/approvals/visas/{sign.pk}/sign"
    wrong = client.post(url, {"password": "guess-1"}, format="json")
    assert wrong.status_code == 400
    at_sign_in = wrong_sign_in_answer()
    assert wrong.json()["code"] == at_sign_in["code"] == "authentication_failed"
    assert wrong.json()["detail"] == at_sign_in["detail"]
    for n in range(2, LIMIT + 1):
        last = client.post(url, {"password": f"guess-{n}"}, format="json")
    assert last.status_code == 429 and last.json()["code"] == "locked_out"
    assert 0 < int(last["Retry-After"]) <= 15 * 60
    # The right password does not sign while the account is locked.
    right = client.post(url, {"password": PASSWORD}, format="json")
    assert right.status_code == 429 and right.json()["code"] == "locked_out"
    assert int(right["Retry-After"]) > 0
    sign.refresh_from_db()
    assert sign.status == Visa.Status.PENDING
    assert failures(head.user) == LIMIT + 1  # each refusal kept though the call rolled back
    cool_off_passes(head.user)
    ok = client.post(url, {"password": PASSWORD}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "signed"


def test_signing_on_the_page_is_locked_after_the_sign_in_limit(sign, head):
    client = head.client()
    url = reverse("approvals:sign", args=[sign.pk])
    for n in range(LIMIT):
        response = client.post(url, {"password": f"guess-{n}"}, follow=True)
    page = response.content.decode()
    assert "Учетная запись заблокирована" in page
    client.post(url, {"password": PASSWORD})
    sign.refresh_from_db()
    assert sign.status == Visa.Status.PENDING
    assert failures(head.user) == LIMIT + 1
    cool_off_passes(head.user)
    client.post(url, {"password": PASSWORD})
    sign.refresh_from_db()
    assert sign.status == Visa.Status.SIGNED


def test_a_right_password_resets_the_count(sign, head):
    client = bearer(head.user)
    url = f"/api/v1/approvals/visas/{sign.pk}/sign"
    for n in range(LIMIT - 1):
        assert client.post(url, {"password": f"guess-{n}"}, format="json").status_code == 400
    security.password_confirm(user=head.user, password=PASSWORD)
    assert client.post(url, {"password": "guess"}, format="json").status_code == 400
    assert client.post(url, {"password": PASSWORD}, format="json").status_code == 200


def _factor_on(registrar) -> tuple[APIClient, TOTPDevice]:  # type: ignore[no-untyped-def]
    device = turn_on(registrar.client())
    device.refresh_from_db()
    return bearer(registrar.user), device


def test_turning_the_factor_off_over_the_api_is_locked_after_the_limit(registrar):
    client, device = _factor_on(registrar)
    url = "/api/v1/me/second-factor/disable"
    for n in range(LIMIT - 1):
        wrong = client.post(url, {"password": f"guess-{n}", "code": "000000"}, format="json")
        assert wrong.status_code == 400 and wrong.json()["code"] == "authentication_failed"
    locked = client.post(url, {"password": "guess", "code": "000000"}, format="json")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) > 0
    right = client.post(
        url, {"password": PASSWORD, "code": code_for(device, steps_ahead=1)}, format="json"
    )
    assert right.status_code == 429
    assert twofactor.is_on(registrar.user)
    assert failures(registrar.user) == LIMIT + 1
    cool_off_passes(registrar.user)
    ok = client.post(
        url, {"password": PASSWORD, "code": code_for(device, steps_ahead=1)}, format="json"
    )
    assert ok.status_code == 200 and not twofactor.is_on(registrar.user)


def test_turning_the_factor_off_on_the_page_is_locked_after_the_limit(registrar):
    client = registrar.client()
    device = turn_on(client)
    device.refresh_from_db()
    for n in range(LIMIT):
        response = client.post(
            reverse("security"), {"action": "disable", "password": f"g{n}", "code": "000000"}
        )
    assert response.status_code == 429
    right = client.post(
        reverse("security"),
        {"action": "disable", "password": PASSWORD, "code": code_for(device, steps_ahead=1)},
    )
    assert right.status_code == 429 and twofactor.is_on(registrar.user)
    assert failures(registrar.user) == LIMIT + 1


def test_the_token_endpoint_answers_a_lockout_in_json(registrar, settings):
    settings.AXES_ENABLED = True
    client = APIClient(REMOTE_ADDR="10.1.2.3")
    for n in range(LIMIT):
        response = client.post(
            "/api/v1/auth/token", {"username": "alice", "password": f"g{n}"}, format="json"
        )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "locked_out" and response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    right = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert right.status_code == 429 and right.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


def test_revoking_a_token_over_the_api_is_audited(registrar):
    client = bearer(registrar.user)
    token = ApiToken.objects.get(user=registrar.user)
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert not ApiToken.objects.exists()
    event = AuditEvent.objects.get(verb="user.api_token_revoked")
    assert event.object_id == registrar.user.pk and event.data["token"] == str(token.pk)


def test_deactivating_a_user_revokes_each_token_with_an_event(registrar):
    bearer(registrar.user)
    bearer(registrar.user)
    security.user_deactivate(actor=None, user=registrar.user)
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(verb="user.api_token_revoked").count() == 2
    assert AuditEvent.objects.filter(verb="user.deactivated", object_id=registrar.user.pk)
