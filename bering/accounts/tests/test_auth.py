import pytest
from django.test import Client
from django.urls import reverse

from bering.accounts.models import ApiToken
from bering.accounts.services import api_token_create, api_token_resolve
from bering.orgs.security import user_deactivate
from bering.orgs.tests.factories import PASSWORD


def test_login_with_password(registrar):
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("documents:list")).status_code == 200


def test_wrong_password_shows_message_in_russian(registrar):
    response = Client().post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Неверный логин или пароль" in response.content.decode()


@pytest.mark.parametrize("lang,text", [("en", "Sign in"), ("ru", "Вход")])
def test_interface_language(lang, text, db):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert text in client.get(reverse("login")).content.decode()


def test_lockout_is_by_login_and_address_not_address_alone(registrar, executor, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    office = {"REMOTE_ADDR": "10.20.30.40"}
    for _ in range(3):
        Client(**office).post(reverse("login"), {"username": "alice", "password": "bad"})
    locked = Client(**office).post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    # A colleague behind the same ministry address still signs in.
    colleague = Client(**office).post(reverse("login"), {"username": "vera", "password": PASSWORD})
    assert colleague.status_code == 302


def test_disabling_a_user_ends_sessions_and_tokens(registrar):
    client = registrar.client()
    assert client.get(reverse("documents:list")).status_code == 200
    _, raw = api_token_create(user=registrar.user)
    assert api_token_resolve(raw) is not None
    user_deactivate(actor=None, user=registrar.user)
    assert api_token_resolve(raw) is None
    assert not ApiToken.objects.filter(user=registrar.user).exists()
    response = client.get(reverse("documents:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_user_without_post_gets_clear_403(citizen):
    client = Client()
    client.force_login(citizen)
    response = client.get(reverse("documents:list"))
    assert response.status_code == 403
    assert "нет должности" in response.content.decode()
