"""The citizen's pages: writing an appeal, the receipt with its QR, the list, the
appeal's page, supplements, withdrawal, downloads; another citizen sees none of it."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html import unescape

import pytest
import segno
from django.test import Client
from django.urls import reverse

from bering.appeals import services
from bering.appeals.models import Appeal, AppealFile, Milestone, Result, Supplement, TrackingLink
from bering.appeals.tests.conftest import signed_answer
from bering.audit.models import AuditEvent
from bering.files.models import StoredFile
from bering.orgs.tests.factories import OrganizationFactory
from bering.portal.tests.pages_helpers import appeal_of, make_citizen, pdf, send, signed_in

TEXT = "Прошу помочь с записью к врачу в поликлинике № 3. МЕТКА-ГАЛИНЫ-5521"


@pytest.fixture
def galina(db):
    return make_citizen()


@pytest.fixture
def petr(db):
    return make_citizen("Петров", "Пётр", "petr@yandex.ru")


def _write(client: Client, org, **extra):
    data = {
        "organization": str(org.pk),
        "text": TEXT,
        "consent": "on",
        "action": "send",
        **extra,
    }
    return client.post(reverse("portal:write"), data)


def _qr_src(html: str) -> str:
    match = re.search(r'<img src="(data:image/svg\+xml[^"]+)"[^>]*data-test="qr"', html)
    assert match, "no QR on the page"
    return unescape(match.group(1))


def _tracking_url(html: str) -> str:
    match = re.search(r'<a href="([^"]+)" data-test="tracking-url">', html)
    assert match, "no tracking link on the page"
    return unescape(match.group(1))


def _strict_csp_ok(html: str) -> None:
    """No script, no inline style or event handler: the page works under the strict CSP."""
    assert "<script" not in html and "htmx" not in html
    assert not re.search(r"\s(style|on[a-z]+)=", html), re.search(r"\s(style|on[a-z]+)=", html)


def _zbar(png: bytes) -> str:
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: apt-get install zbar-tools (scripts/bootstrap.sh --test)"
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-"], input=png, capture_output=True, check=True
    )
    return done.stdout.decode().strip()


# --- public pages ----------------------------------------------------------------------


def test_home_and_help_are_public(client, db):
    for name in ("portal:home", "portal:help"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        body = response.content.decode()
        assert reverse("portal:write") in body
        _strict_csp_ok(body)
    assert reverse("portal:login") in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("name", ["portal:write", "portal:appeals"])
def test_citizen_pages_send_visitors_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


@pytest.mark.parametrize("name", ["portal:write", "portal:appeals", "portal:profile"])
def test_a_signed_in_citizens_pages_are_never_cached(galina, health, name):
    response = signed_in(galina).get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- writing -------------------------------------------------------------------------


def test_writing_with_a_pdf_gives_the_receipt_with_a_qr_of_the_tracking_url(
    galina, health, django_capture_on_commit_callbacks, mailoutbox
):
    client = signed_in(galina)
    assert client.get(reverse("portal:write")).status_code == 200
    upload = io.BytesIO(pdf("Копия талона"))
    upload.name = "талон.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        response = _write(client, health, attachments=[upload])
    appeal = appeal_of(galina)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:receipt", args=[appeal.pk])
    assert "/t/" not in response["Location"]
    assert appeal.files.get().stored.original_name == "талон.pdf"
    assert appeal.text == TEXT and appeal.consent_at is not None

    page = client.get(response["Location"])
    html = page.content.decode()
    _strict_csp_ok(html)
    assert page["Cache-Control"] == "no-store"
    url = _tracking_url(html)
    assert url.startswith("http") and "/reception/t/" in url
    assert appeal.registration_due_note in html
    due = appeal.registration_due_at.astimezone(health.tz).strftime("%d.%m.%Y")
    assert due in html
    # The page's QR is segno's QR of that very URL, and it decodes to the URL.
    expected = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert _qr_src(html) == expected
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=4)
    assert _zbar(buf.getvalue()) == url
    # The token is in no URL but the tracking one, and in the database only hashed.
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert not TrackingLink.objects.filter(token_hash=token).exists()
    assert any(url in m.body for m in mailoutbox)
    path = "/" + url.split("/", 3)[3]
    assert Client().get(path).status_code == 200

    # Shown once: the next visit has no link and no QR, but a button for a new one.
    again = client.get(reverse("portal:receipt", args=[appeal.pk])).content.decode()
    assert token not in again and 'data-test="qr"' not in again
    assert reverse("portal:renew-link", args=[appeal.pk]) in again
    renewed = client.post(reverse("portal:renew-link", args=[appeal.pk]), follow=True)
    new_url = _tracking_url(renewed.content.decode())
    assert new_url != url and _qr_src(renewed.content.decode())
    assert Client().get(path).status_code == 404  # the old link is revoked


def test_hostile_upload_is_refused_clearly_and_nothing_is_saved(galina, health):
    client = signed_in(galina)
    hostile = io.BytesIO(b"<html><script>alert(1)</script></html>" * 20)
    hostile.name = "справка.pdf"
    before = (StoredFile.objects.count(), Appeal.objects.count(), AppealFile.objects.count())
    response = _write(client, health, attachments=[hostile])
    assert response.status_code == 200
    html = response.content.decode()
    # The reason, next to the files field; the form is kept filled.
    error = re.search(r'<ul class="errorlist[^>]*><li>([^<]+)</li></ul>\s*<input type="file"', html)
    assert error and ".pdf" in error.group(1) and "HTML" in error.group(1)
    assert TEXT.split(".")[0] in html
    after = (StoredFile.objects.count(), Appeal.objects.count(), AppealFile.objects.count())
    assert after == before


def test_a_good_file_with_a_hostile_one_saves_neither(galina, health):
    client = signed_in(galina)
    good = io.BytesIO(pdf("Хороший"))
    good.name = "хороший.pdf"
    hostile = io.BytesIO(b"<!doctype html><html><body>x</body></html>" * 20)
    hostile.name = "плохой.pdf"
    response = _write(client, health, attachments=[good, hostile])
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not StoredFile.objects.exists() and not Appeal.objects.exists()
    assert not AppealFile.objects.exists() and not TrackingLink.objects.exists()


def test_too_many_files_are_refused(galina, health):
    client = signed_in(galina)
    files = []
    for i in range(6):
        f = io.BytesIO(pdf(str(i)))
        f.name = f"{i}.pdf"
        files.append(f)
    response = _write(client, health, attachments=files)
    assert response.status_code == 200 and not Appeal.objects.exists()
    assert 'class="errorlist' in response.content.decode()


def test_errors_of_the_service_stay_next_to_the_field(galina, health):
    client = signed_in(galina)
    response = _write(client, health, consent="")
    html = response.content.decode()
    assert response.status_code == 200 and not Appeal.objects.exists()
    assert html.index('class="errorlist') < html.index('name="consent"')


def test_incomplete_profile_shows_the_way_to_the_profile(galina, health):
    galina.postal_address = ""
    galina.email = ""
    galina.save()
    client = signed_in(galina)
    page = client.get(reverse("portal:write")).content.decode()
    assert reverse("portal:profile") in page and 'data-test="profile"' in page
    response = _write(client, health)
    assert response.status_code == 200 and not Appeal.objects.exists()


def test_organizations_are_found_by_any_case_server_side(galina, health, education):
    OrganizationFactory(name="Агентство лесного хозяйства Камчатского края", short_name="Лесхоз")
    client = signed_in(galina)
    html = client.get(reverse("portal:write"), {"q": "ЗДРАВООХРАНЕНИЯ"}).content.decode()
    assert health.name in html and education.name not in html and "Агентство" not in html
    html = client.get(reverse("portal:write"), {"q": "лесхоз"}).content.decode()
    assert "Агентство лесного" in html and health.name not in html
    # The same search from the form keeps the text.
    response = client.post(
        reverse("portal:write"), {"q": "образования", "text": TEXT, "action": "find"}
    )
    html = response.content.decode()
    assert education.name in html and health.name not in html and "МЕТКА-ГАЛИНЫ" in html
    assert not Appeal.objects.exists()


def test_suggest_a_topic_preselects_it_without_javascript(galina, health):
    client = signed_in(galina)
    response = client.post(
        reverse("portal:write"),
        {
            "organization": str(health.pk),
            "text": "Многодетной семье не дают пособие на ребенка",
            "action": "suggest",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Appeal.objects.exists()
    from bering.appeals.models import Topic

    family = Topic.objects.get(code="0002.0006")
    assert re.search(rf'<option value="{family.pk}" selected>', html)
    assert re.search(rf'<option value="{health.pk}" selected>', html)


def test_dont_know_whom_goes_to_the_reception(galina, health, settings):
    settings.BERING_RECEPTION_ORG_CODE = health.code
    client = signed_in(galina)
    response = _write(client, health, organization="reception")
    assert response.status_code == 302
    assert appeal_of(galina).addressed_to_reception


# --- the list and the appeal's page --------------------------------------------------


def test_list_shows_own_appeals_with_terms_paginated(galina, petr, health):
    for i in range(21):
        send(galina, health, f"Обращение {i}")
    send(petr, health, "ЧУЖОЕ")
    client = signed_in(galina)
    first = client.get(reverse("portal:appeals"))
    html = first.content.decode()
    assert html.count('class="appeal-row"') == 20 and "?page=2" in html
    second = client.get(reverse("portal:appeals"), {"page": 2}).content.decode()
    assert second.count('class="appeal-row"') == 1
    petr_appeal = appeal_of(petr)
    assert reverse("portal:appeal", args=[petr_appeal.pk]) not in html + second


def test_appeal_page_supplement_and_withdraw(
    galina, health, registrar, django_capture_on_commit_callbacks
):
    sent = send(galina, health, TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
    client = signed_in(galina)
    url = reverse("portal:appeal", args=[sent.appeal.pk])
    html = client.get(url).content.decode()
    _strict_csp_ok(html)
    _strict_csp_ok(client.get(reverse("portal:write")).content.decode())
    _strict_csp_ok(client.get(reverse("portal:appeals")).content.decode())
    sent.appeal.refresh_from_db()
    assert "МЕТКА-ГАЛИНЫ" in html and sent.appeal.document.reg_number in html
    assert reverse("portal:withdraw", args=[sent.appeal.pk]) in html

    extra = io.BytesIO(pdf("Дополнение"))
    extra.name = "дополнение.pdf"
    response = client.post(
        reverse("portal:supplement", args=[sent.appeal.pk]), {"text": "Ещё", "attachments": [extra]}
    )
    assert response.status_code == 302
    supplement = Supplement.objects.get(appeal=sent.appeal)
    item = supplement.files.get()
    html = client.get(url).content.decode()
    assert reverse("portal:appeal-file", args=[sent.appeal.pk, item.pk]) in html

    download = client.get(reverse("portal:appeal-file", args=[sent.appeal.pk, item.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"

    # Withdrawal needs the confirmation.
    refused = client.post(reverse("portal:withdraw", args=[sent.appeal.pk]), {})
    assert refused.status_code == 400
    sent.appeal.refresh_from_db()
    assert sent.appeal.status == Appeal.Status.REGISTERED
    done = client.post(reverse("portal:withdraw", args=[sent.appeal.pk]), {"confirm": "on"})
    assert done.status_code == 302
    sent.appeal.refresh_from_db()
    assert sent.appeal.status == Appeal.Status.WITHDRAWN
    html = client.get(url).content.decode()
    assert reverse("portal:withdraw", args=[sent.appeal.pk]) not in html
    assert reverse("portal:supplement", args=[sent.appeal.pk]) not in html


def test_answer_is_downloaded_by_the_citizen(
    galina, health, registrar, executor, head, django_capture_on_commit_callbacks
):
    sent = send(galina, health, TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
    answer = signed_answer(appeal, executor, head, registrar)
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_answer_send(
            actor=registrar.actor, appeal=appeal, answer=answer, result=Result.EXPLAINED
        )
    client = signed_in(galina)
    html = client.get(reverse("portal:appeal", args=[appeal.pk])).content.decode()
    assert reverse("portal:answer", args=[appeal.pk]) in html
    response = client.get(reverse("portal:answer", args=[appeal.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- isolation -----------------------------------------------------------------------


def test_another_citizen_gets_404_everywhere_and_changes_nothing(
    galina, petr, health, registrar, executor, head, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(pdf("МЕТКА-ГАЛИНЫ-5521"))
    upload.name = "МЕТКА-ГАЛИНЫ.pdf"
    from bering.documents.services import Upload

    sent = services.appeal_send(
        citizen=galina,
        organization=health,
        text=TEXT,
        consent=True,
        uploads=[Upload(name=upload.name, stream=upload)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_register(actor=registrar.actor, appeal=sent.appeal)
    item = appeal.files.get()
    petr_client = signed_in(petr)
    before = (
        Appeal.objects.get(pk=appeal.pk).status,
        Supplement.objects.count(),
        TrackingLink.objects.count(),
        Milestone.objects.count(),
        AuditEvent.objects.count(),
    )
    urls = {
        "get": [
            reverse("portal:appeal", args=[appeal.pk]),
            reverse("portal:receipt", args=[appeal.pk]),
            reverse("portal:appeal-file", args=[appeal.pk, item.pk]),
            reverse("portal:answer", args=[appeal.pk]),
        ],
        "post": [
            reverse("portal:supplement", args=[appeal.pk]),
            reverse("portal:withdraw", args=[appeal.pk]),
            reverse("portal:renew-link", args=[appeal.pk]),
        ],
    }
    for url in urls["get"]:
        response = petr_client.get(url)
        assert response.status_code == 404, url
        assert "МЕТКА-ГАЛИНЫ" not in response.content.decode(), url
    for url in urls["post"]:
        response = petr_client.post(url, {"text": "Чужое", "confirm": "on"})
        assert response.status_code == 404, url
        assert "МЕТКА-ГАЛИНЫ" not in response.content.decode(), url
    after = (
        Appeal.objects.get(pk=appeal.pk).status,
        Supplement.objects.count(),
        TrackingLink.objects.count(),
        Milestone.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    # Positive control: Galina reaches the same URLs.
    own = signed_in(galina)
    for url in urls["get"][:3]:
        assert own.get(url).status_code == 200, url
    # Nor does Petr's file id work through his own appeal.
    own_sent = send(petr, health)
    response = petr_client.get(reverse("portal:appeal-file", args=[own_sent.appeal.pk, item.pk]))
    assert response.status_code == 404
