"""The public tracking page: milestones only; every bad token gets the same answer."""

from __future__ import annotations

import gzip
import secrets
from urllib.parse import quote

import pytest
from django.test import Client
from django.utils import translation

from bering.appeals import services
from bering.portal.tests.pages_helpers import make_citizen, send, signed_in

PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
TEXT = "Прошу помочь с записью к врачу. МЕТКА-ТЕКСТА-8812"


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "tracking": (10**6, 60)}


@pytest.fixture
def galina(db):
    return make_citizen()


def _url(token: str) -> str:
    return f"/reception/t/{quote(token, safe='/')}/"


def _headers(response) -> dict[str, str]:
    # Every header but the date-like ones is part of the answer.
    return {k: v for k, v in response.items() if k not in ("Date",)}


def test_a_real_token_shows_the_milestones_and_nothing_personal(
    galina, health, registrar, head, django_capture_on_commit_callbacks
):
    sent = send(galina, health, TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
        appeal = services.appeal_extend(actor=head.actor, appeal=appeal, days=20, reason="Запрос")
    response = Client().get(_url(sent.token))
    assert response.status_code == 200
    html = response.content.decode()
    assert appeal.document.reg_number in html
    assert appeal.document.reg_date.strftime("%d.%m.%Y") in html
    assert appeal.received_at.astimezone(health.tz).strftime("%d.%m.%Y") in html
    assert appeal.answer_due_at.astimezone(health.tz).strftime("%d.%m.%Y") in html  # extended
    for secret in (
        "Гусева",
        "Галина",
        "Петровна",
        "Ленинская",
        "galina@mail.ru",
        "МЕТКА-ТЕКСТА",
        "Запрос",
        registrar.user.last_name,
        head.user.last_name,
    ):
        assert secret not in html, secret
    for name, value in PRIVATE.items():
        assert response[name] == value
    assert len(response.content) < 15 * 1024
    assert "<script" not in html and " style=" not in html and "htmx" not in html
    assert "csrfmiddlewaretoken" not in html


def test_the_signed_in_citizen_sees_no_name_there_either(galina, health):
    sent = send(galina, health, TEXT)
    html = signed_in(galina).get(_url(sent.token)).content.decode()
    assert "Гусева" not in html and "МЕТКА-ТЕКСТА" not in html


def test_answered_and_redirected_steps(
    galina, health, education, registrar, executor, head, django_capture_on_commit_callbacks
):
    from bering.appeals.models import Appeal, Result
    from bering.appeals.tests.conftest import signed_answer

    sent = send(galina, health, TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
    answer = signed_answer(appeal, executor, head, registrar)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_answer_send(
            actor=registrar.actor, appeal=appeal, answer=answer, result=Result.EXPLAINED
        )
    appeal = Appeal.objects.get(pk=appeal.pk)
    html = Client().get(_url(sent.token)).content.decode()
    assert answer.reg_number in html and appeal.answer_sha256 in html
    with translation.override("ru"):
        label = translation.pgettext("milestone", "Answer sent")
        assert f'class="state"><strong>{label}<' in html
    assert "Ответ направлен" in html


def test_unknown_malformed_and_revoked_tokens_answer_identically(galina, health):
    sent = send(galina, health, TEXT)
    revoked = sent.token
    services.tracking_link_renew(citizen=galina, appeal=sent.appeal)
    client = Client()
    reference = client.get(_url(secrets.token_urlsafe(32)))
    assert reference.status_code == 404
    body, headers = reference.content, _headers(reference)
    for name, value in PRIVATE.items():
        assert reference[name] == value
    assert b"csrfmiddlewaretoken" not in body and b"nonce" not in body
    assert "Set-Cookie" not in reference

    odd = ["", "x", "a" * 500, "../../etc", "тест-ёж", "%00", revoked, revoked + "x", "<script>"]
    urls = [_url(t) for t in odd] + ["/reception/t/" + revoked, "/reception/t/a/b/c"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.content == body, url
        assert _headers(response) == headers, url

    # Compressed for a browser, the bodies differ only by GZip's random padding.
    for token in ("x", secrets.token_urlsafe(32)):
        packed = client.get(_url(token), HTTP_ACCEPT_ENCODING="gzip")
        if packed.get("Content-Encoding") == "gzip":
            assert gzip.decompress(packed.content) == body
        else:
            assert packed.content == body

    for _ in range(10_000):
        response = client.get(_url(secrets.token_urlsafe(32)))
        assert response.status_code == 404
        assert response.content == body
        assert _headers(response) == headers


def test_tracking_is_rate_limited_per_address_with_a_constant_page(settings, db):
    settings.BERING_RATE_LIMITS = {**settings.BERING_RATE_LIMITS, "tracking": (3, 60)}
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.get(_url(secrets.token_urlsafe(32))).status_code == 404
    first = client.get(_url(secrets.token_urlsafe(32)))
    second = client.get(_url("x"))
    assert first.status_code == second.status_code == 429
    assert first.content == second.content
    assert 1 <= int(first["Retry-After"]) <= 60
    with translation.override("ru"):
        assert translation.gettext("Too many requests") in first.content.decode()
    for name, value in PRIVATE.items():
        assert first[name] == value
    # Another address is not limited.
    assert Client(REMOTE_ADDR="203.0.113.8").get(_url("x")).status_code == 404
