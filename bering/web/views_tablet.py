"""The head's tablet: an installable web app that reads and decides offline (issue 13).

Three routes: the app shell (one small page the service worker keeps for offline
reloads; everything else comes from the API and lives in the tablet's IndexedDB),
the service worker (served here, not from /static/, so that its scope is /tablet/
and it can name the static files of this release and carry their version), and
the web app manifest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bering.assignments.permissions import sees_head_queue
from bering.orgs.current import request_actor

STATIC = ("web/bering.css", "web/tablet.css", "web/tablet.js")
ICONS = ("web/icons/tablet-192.png", "web/icons/tablet-512.png")
THEME = "#12355b"


def _path(name: str, fallback: str, *args: object) -> str:
    """An API path by its route name; the documented path while its app is not wired."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return fallback


def _version() -> str:
    """Changes whenever the shell, the worker or a static file of the app changes: the
    browser then installs the new worker, which fetches the new files."""
    digest = hashlib.sha256()
    for name in (*STATIC, *ICONS):
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    for template in ("web/tablet.html", "web/tablet_sw.js"):
        origin = get_template(template).origin.name  # type: ignore[attr-defined]
        digest.update(Path(origin).read_bytes())
    return digest.hexdigest()[:16]


@login_required
def tablet(request: HttpRequest) -> HttpResponse:
    """The app shell: the acting post and the API paths as data-* attributes; the queue
    and the items are drawn by tablet.js from IndexedDB, refreshed from the API."""
    actor = request_actor(request)
    if actor is None or not sees_head_queue(actor.employee):
        return render(request, "web/tablet_none.html", status=403)
    get_token(request)  # the csrftoken cookie the app's decisions send back
    context = {
        "actor": actor,
        "lang": get_language() or "ru",
        "changes_url": _path("api-desk-changes", "/api/v1/desk/changes"),
        "push_key_url": _path("api-push-key", "/api/v1/push/key"),
        "push_subscriptions_url": _path("api-push-subscriptions", "/api/v1/push/subscriptions"),
        "sw_url": reverse("tablet-sw"),
        "version": _version(),
    }
    response = render(request, "web/tablet.html", context)
    response["Cache-Control"] = "no-cache, private"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, with the addresses of this release's files to keep offline.
    Public: it holds no data, and the browser re-checks it without asking anyone."""
    precache = [reverse("tablet"), reverse("tablet-manifest")]
    precache += [static(name) for name in (*STATIC, *ICONS)]
    context = {
        "version": _version(),
        "precache": json.dumps(precache),
        "shell": json.dumps(reverse("tablet")),
        "icon": json.dumps(static(ICONS[0])),
    }
    response = render(request, "web/tablet_sw.js", context, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("tablet")
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: «add to home screen» opens the shell full-screen."""
    data = {
        "name": _("Bering — the head's decisions"),
        "short_name": _("Bering"),
        "description": _("What waits for your decision, readable and decidable offline."),
        "lang": get_language() or "ru",
        "start_url": reverse("tablet"),
        "scope": reverse("tablet"),
        "display": "standalone",
        "orientation": "any",
        "background_color": "#f5f7f9",
        "theme_color": THEME,
        "icons": [
            {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for name, size in zip(ICONS, (192, 512), strict=True)
        ],
    }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response
