"""The tablet's shell, service worker and manifest (issue 13); the app itself is driven
in Chromium by test_browser_tablet.py."""

from __future__ import annotations

import gzip
import json
import re

from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from bering.orgs.models import Substitution
from bering.web.views_tablet import ICONS, STATIC


def test_head_gets_the_shell_with_the_acting_post(head):
    response = head.client().get(reverse("tablet"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-post="{head.employee.pk}"' in page
    assert 'data-behalf=""' in page
    assert 'data-changes="/api/v1/desk/changes"' in page
    assert f'href="{reverse("tablet-manifest")}"' in page
    assert 'rel="manifest"' in page
    assert "csrftoken" in response.cookies


def test_shell_has_no_inline_script_or_style_and_is_small(head):
    response = head.client().get(reverse("tablet"))
    page = response.content.decode()
    assert "style=" not in page
    assert "<style" not in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag, tag
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The house budget: a first load under 50 KB transferred (static files go gzipped,
    # by WhiteNoise); and the raw sum kept within reach of it, against bloat.
    raw = sent = len(response.content)
    for name in STATIC:
        found = finders.find(name)
        assert isinstance(found, str)
        with open(found, "rb") as f:
            body = f.read()
        raw += len(body)
        sent += len(gzip.compress(body))
    assert sent < 50_000, sent
    assert raw < 60_000, raw


def test_deputy_acting_for_the_head_gets_both_ids(head, registrar):
    import datetime as dt

    today = dt.date.today()
    Substitution.objects.create(
        absent=head.employee, substitute=registrar.employee, starts_on=today, ends_on=today
    )
    client = registrar.client()
    client.post(
        reverse("switch-post"), {"post": registrar.employee.pk, "on_behalf_of": head.employee.pk}
    )
    page = client.get(reverse("tablet")).content.decode()
    assert f'data-post="{registrar.employee.pk}"' in page
    assert f'data-behalf="{head.employee.pk}"' in page


def test_person_without_a_head_queue_gets_a_clear_page(executor):
    response = executor.client().get(reverse("tablet"))
    assert response.status_code == 403
    assert b'data-tablet="none"' in response.content
    assert b'data-tablet="shell"' not in response.content


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("tablet"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_service_worker_headers_and_precache(client, db):
    response = client.get(reverse("tablet-sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/tablet/"
    body = response.content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*\]);", body).group(1))
    assert "/tablet/" in precache
    assert any(url.endswith("web/tablet.js") for url in precache)
    version = re.search(r"const VERSION = '([0-9a-f]{16})';", body)
    assert version is not None
    # The same release gives the same worker: the browser does not reinstall it for nothing.
    assert client.get(reverse("tablet-sw")).content == response.content


def test_manifest_installs_the_app_under_tablet(client, db):
    response = client.get(reverse("tablet-manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/tablet/"
    assert data["scope"] == "/tablet/"
    assert data["display"] == "standalone"
    assert data["name"] and data["short_name"]
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}


def test_icons_are_pngs_of_their_sizes():
    for name, size in zip(ICONS, (192, 512), strict=True):
        found = finders.find(name)
        assert isinstance(found, str)
        with Image.open(found) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)


def test_menu_links_the_tablet_for_a_head_only(head, executor):
    assert b'data-link="tablet"' in head.client().get(reverse("desk")).content
    assert b'data-link="tablet"' not in executor.client().get(reverse("documents:list")).content


def test_the_shell_and_manifest_speak_the_chosen_language(head, settings):
    client = head.client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert 'data-lang="en"' in client.get(reverse("tablet")).content.decode()
    assert json.loads(client.get(reverse("tablet-manifest")).content)["lang"] == "en"
    russian = head.client().get(reverse("tablet")).content.decode()
    assert 'data-lang="ru"' in russian and '<html lang="ru">' in russian
