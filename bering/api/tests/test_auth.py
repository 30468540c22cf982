"""Tokens, the signed-in person, and the acting post."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from bering.accounts.models import ApiToken
from bering.orgs.models import Substitution
from bering.orgs.security import user_deactivate
from bering.orgs.tests.factories import PASSWORD, EmployeeFactory, PositionFactory


def issue(username: str, password: str = PASSWORD, **extra: str):
    return APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": password, **extra}, format="json"
    )


def test_alice_exchanges_her_password_for_a_token_and_uses_it(registrar):
    response = issue("alice", name="Планшет")
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    assert len(raw) > 30
    token = ApiToken.objects.get(user=registrar.user)
    assert token.name == "Планшет"
    assert token.key_hash != raw  # only the hash is kept
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "alice"


def test_wrong_password_gets_a_message_not_a_token(registrar):
    response = issue("alice", "wrong")
    assert response.status_code == 400
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_issue_ignores_a_stale_authorization_header(registrar):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer expired-long-ago")
    response = client.post(
        "/api/v1/auth/token", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201


def test_token_issue_bad_input_is_400(db):
    assert APIClient().post("/api/v1/auth/token", {}, format="json").status_code == 400
    response = APIClient().post(
        "/api/v1/auth/token", data=b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_revoked_token_stops_working(registrar):
    raw = issue("alice").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert not ApiToken.objects.exists()
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_revoking_needs_a_token(registrar):
    client = APIClient()
    client.force_login(registrar.user)
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 400
    assert response.json()["code"] == "no_token"
    assert APIClient().delete("/api/v1/auth/token").status_code == 401


def test_disabled_user_token_stops_working(registrar, api):
    client = api(registrar)
    assert client.get("/api/v1/me").status_code == 200
    user_deactivate(actor=None, user=registrar.user)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/documents/").status_code == 401
    assert issue("alice").status_code == 400


def test_garbage_authorization_headers_are_401_not_500(db):
    for header in ["Bearer", "Bearer a b", "Bearer \x00", "Bearer \xff\xfe"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/me").status_code == 401, header


def test_me_lists_posts_roles_and_substitutions(registrar, head, api):
    second = EmployeeFactory(
        user=registrar.user,
        organization=head.org,
        position=PositionFactory(organization=head.org, name="Секретарь"),
    )
    today = timezone.localdate()
    Substitution.objects.create(
        absent=head.employee,
        substitute=second,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=1),
    )
    body = api(registrar).get("/api/v1/me").json()
    assert body["user"]["display_name"] == registrar.user.display_name
    posts = {p["id"]: p for p in body["posts"]}
    assert set(posts) == {registrar.employee.pk, second.pk}
    first = posts[registrar.employee.pk]
    assert first["organization"]["short_name"] == "Минздрав"
    assert first["position"] == "Делопроизводитель"
    assert first["roles"] == [str(r) for r in registrar.employee.role_names]
    assert first["acting_for"] == []
    assert posts[second.pk]["acting_for"][0]["id"] == head.employee.pk


def test_person_without_post_gets_403_with_message(citizen):
    from bering.api.tests.conftest import bearer

    client = bearer(citizen)
    assert client.get("/api/v1/me").json()["posts"] == []
    response = client.get("/api/v1/documents/")
    assert response.status_code == 403
    assert response.json()["code"] == "no_post"
    assert "post" in response.json()["detail"] or "должност" in response.json()["detail"]


def test_acting_post_header(registrar, head, api):
    client = api(registrar)
    ok = client.get("/api/v1/journals/", HTTP_X_BERING_POST=str(registrar.employee.pk))
    assert ok.status_code == 200
    foreign = client.get("/api/v1/journals/", HTTP_X_BERING_POST=str(head.employee.pk))
    assert foreign.status_code == 400
    assert foreign.json()["code"] == "unknown_post"
    for bad in ["abc", "-1", "0", "1" * 40, "١٢"]:
        response = client.get("/api/v1/journals/", HTTP_X_BERING_POST=bad)
        assert response.status_code == 400, bad
        assert response.json()["field"] == "X-Bering-Post"


def test_acting_on_behalf_of_an_absent_colleague(registrar, head, executor, api):
    today = timezone.localdate()
    Substitution.objects.create(
        absent=head.employee, substitute=executor.employee, starts_on=today, ends_on=today
    )
    client = api(executor)
    response = client.get("/api/v1/journals/", HTTP_X_BERING_ON_BEHALF_OF=str(head.employee.pk))
    assert response.status_code == 200
    refused = client.get("/api/v1/journals/", HTTP_X_BERING_ON_BEHALF_OF=str(registrar.employee.pk))
    assert refused.status_code == 403
    assert refused.json()["code"] == "no_substitution"


def test_with_the_second_factor_on_a_token_takes_the_code(registrar):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bering.accounts.tests.test_twofactor import code_for

    device = TOTPDevice.objects.create(user=registrar.user, name="authenticator", confirmed=True)
    missing = issue("alice")
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required"
    assert missing.json()["field"] == "code"
    assert not ApiToken.objects.exists()
    assert issue("alice", code="000000").json()["code"] == "otp_wrong"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a guess costs time here too
    from bering.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        verb="user.second_factor_failed", object_id=registrar.user.pk
    ).exists()
    device.throttle_reset()
    ok = issue("alice", code=code_for(device))
    assert ok.status_code == 201, ok.content
    assert ApiToken.objects.filter(user=registrar.user).count() == 1


def test_second_factor_over_the_api(registrar):
    """A tablet app sets the second factor up, then issuing a token takes a code; a wrong
    code's throttle is kept (the calls are not wrapped in a rolled-back transaction)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bering.accounts.tests.test_twofactor import code_for
    from bering.audit.models import AuditEvent

    raw = issue("alice").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/me/second-factor").json() == {"on": False, "pending": False}
    setup = client.post("/api/v1/me/second-factor/setup")
    assert setup.status_code == 201
    assert setup.json()["otpauth_url"].startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=registrar.user)
    assert setup.json()["secret"].replace(" ", "") in setup.json()["otpauth_url"]
    wrong = client.post("/api/v1/me/second-factor/confirm", {"code": "000000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["field"] == "code"
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # kept, not rolled back
    device.throttle_reset()
    ok = client.post("/api/v1/me/second-factor/confirm", {"code": code_for(device)}, format="json")
    assert ok.status_code == 200 and ok.json()["on"] is True
    assert issue("alice").json()["code"] == "otp_required"
    device.refresh_from_db()
    off = client.post(
        "/api/v1/me/second-factor/disable",
        {"password": PASSWORD, "code": code_for(device, steps_ahead=1)},
        format="json",
    )
    assert off.status_code == 200 and off.json() == {"on": False, "pending": False}
    verbs = set(
        AuditEvent.objects.filter(object_type="user", object_id=registrar.user.pk).values_list(
            "verb", flat=True
        )
    )
    assert {"user.second_factor_on", "user.second_factor_off"} <= verbs
