"""The isolation matrix (QUALITY.md item 4).

Every route of the site is classified here. A new route that is not classified
fails the suite, so whoever adds a page or endpoint must say who may reach it.
For every object route, a person of another organization gets 404 (the same as
for a missing object), never sees the object's marker text, and changes nothing;
the owner's organization reaches the same route (positive control).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import weasyprint
from django.urls import URLPattern, URLResolver, get_resolver

from bering.audit.models import AuditEvent
from bering.documents import services
from bering.documents.models import Document, DocumentFile
from bering.documents.tests.factories import JournalFactory, doc_type

PUBLIC = "public"  # anyone, signed in or not
LOGIN = "login"  # any signed-in person; no object of anyone's in the URL
OBJECT = "object"  # names an object: 404 for other organizations
ADMIN = "admin"  # Django admin: staff only
SCHEMA = "schema"  # API description

ROUTES: dict[str, str] = {
    "": LOGIN,
    "desk/": LOGIN,
    "login/": PUBLIC,
    "login/code/": PUBLIC,  # the code step: works only after the password, for 5 minutes
    "account/security/": LOGIN,
    "logout/": LOGIN,
    "switch/": LOGIN,
    "healthz": PUBLIC,
    "tablet/": LOGIN,
    "tablet/sw.js": PUBLIC,  # the service worker: code and static addresses, no data
    "tablet/manifest.webmanifest": PUBLIC,  # browsers fetch manifests without cookies
    "i18n/setlang/": PUBLIC,
    "documents/": LOGIN,
    "documents/search/": LOGIN,
    "documents/new/": LOGIN,
    "documents/register-incoming/": LOGIN,
    "documents/<int:pk>/": OBJECT,
    "documents/<int:pk>/register/": OBJECT,
    "documents/<int:pk>/files/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/download/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/preview/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/text/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/pdf/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/pages/<int:number>/": OBJECT,
    "documents/<int:pk>/files/<int:file_id>/pages/<int:number>.png": OBJECT,
    "orgs/import/": LOGIN,
    "api/v1/schema/": SCHEMA,
    "api/v1/auth/token": PUBLIC,
    "api/v1/me": LOGIN,
    "api/v1/me/second-factor": LOGIN,
    "api/v1/me/second-factor/setup": LOGIN,
    "api/v1/me/second-factor/confirm": LOGIN,
    "api/v1/me/second-factor/disable": LOGIN,
    "api/v1/documents/": LOGIN,
    "api/v1/search": LOGIN,
    "api/v1/desk/changes": LOGIN,
    "api/v1/documents/register-incoming": LOGIN,
    "api/v1/documents/<int:pk>/": OBJECT,
    "api/v1/documents/<int:pk>/register": OBJECT,
    "api/v1/documents/<int:pk>/history": OBJECT,
    "api/v1/documents/<int:pk>/files": OBJECT,
    "api/v1/documents/<int:pk>/files/<int:file_id>/download": OBJECT,
    "api/v1/documents/<int:pk>/files/<int:file_id>/preview": OBJECT,
    "api/v1/documents/<int:pk>/files/<int:file_id>/pdf": OBJECT,
    "api/v1/documents/<int:pk>/files/<int:file_id>/text": OBJECT,
    "api/v1/journals/": LOGIN,
    "api/v1/document-types/": LOGIN,
}


def _collect_app_routes() -> dict[str, str]:
    """Apps classify their own routes in ``bering/<app>/tests/routes.py`` (``ROUTES``)
    and test isolation of their object routes in their own tests."""
    import importlib
    from pathlib import Path

    found: dict[str, str] = {}
    for routes_file in sorted(Path(__file__).resolve().parents[2].glob("*/tests/routes.py")):
        module = importlib.import_module(f"bering.{routes_file.parent.parent.name}.tests.routes")
        found.update(module.ROUTES)
    return found


APP_ROUTES = _collect_app_routes()
ROUTES.update(APP_ROUTES)


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                found.append("admin/")
                continue
            found.extend(_walk(entry, route))
        elif isinstance(entry, URLPattern):
            found.append(route)
    return sorted(set(found))


def all_routes() -> list[str]:
    return _walk(get_resolver())


def classify(route: str) -> str | None:
    if route == "admin/":
        return ADMIN
    return ROUTES.get(route)


def test_every_route_is_classified() -> None:
    unclassified = [r for r in all_routes() if classify(r) is None]
    assert not unclassified, f"Classify these routes in {__file__}: {unclassified}"


def test_the_registry_has_no_stale_routes() -> None:
    stale = set(ROUTES) - set(all_routes())
    assert not stale, f"These classified routes no longer exist: {sorted(stale)}"


MARKER = "МЕТКА-ЧУЖОГО-ДОКУМЕНТА-7319"


@pytest.fixture
def foreign_document(registrar, health, django_capture_on_commit_callbacks):
    journal = JournalFactory(organization=health)
    pdf = weasyprint.HTML(string=f"<p>{MARKER}</p>").write_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.document_register_incoming(
            actor=registrar.actor,
            card=services.Card(
                doc_type=doc_type("incoming-letter"),
                title=MARKER,
                correspondent=MARKER,
                correspondent_number="1",
                correspondent_date=dt.date(2026, 11, 2),
            ),
            journal=journal,
            uploads=[services.Upload(name=f"{MARKER}.pdf", stream=io.BytesIO(pdf))],
        )
    return doc


def _fill(route: str, doc: Document, item: DocumentFile) -> str:
    filled = route.replace("<int:pk>", str(doc.pk)).replace("<int:file_id>", str(item.pk))
    return "/" + filled.replace("<int:number>", "1")


def _snapshot(doc: Document) -> tuple[object, ...]:
    doc.refresh_from_db()
    return (
        doc.status,
        doc.reg_number,
        doc.title,
        doc.files.count(),
        AuditEvent.objects.filter(object_id=doc.pk, object_type="document").count(),
    )


OBJECT_ROUTES = sorted(r for r, c in ROUTES.items() if c == OBJECT and r not in APP_ROUTES)


@pytest.mark.parametrize("route", OBJECT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organization_gets_404(route, method, foreign_document, outsider) -> None:
    if route not in all_routes():
        pytest.skip("route not present")
    item = foreign_document.files.get()
    before = _snapshot(foreign_document)
    client = outsider.client()
    url = _fill(route, foreign_document, item)
    pdf = weasyprint.HTML(string="<p>x</p>").write_pdf()
    data = {"journal": foreign_document.journal_id, "file": io.BytesIO(pdf)}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code in (404, 405), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert MARKER.encode() not in body
    assert _snapshot(foreign_document) == before


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_owner_reaches_object_routes(route, foreign_document, registrar) -> None:
    """Positive control: the same URLs work for the owning organization."""
    if route not in all_routes():
        pytest.skip("route not present")
    item = foreign_document.files.get()
    response = registrar.client().get(_fill(route, foreign_document, item))
    assert response.status_code in (200, 405), response.status_code


@pytest.mark.parametrize("route", sorted(r for r, c in ROUTES.items() if c == LOGIN))
def test_login_routes_need_login(route, client, db) -> None:
    if route not in all_routes():
        pytest.skip("route not present")
    import re

    url = "/" + re.sub(r"<int:\w+>", "1", re.sub(r"<(?:str:)?\w+>", "x", route))
    response = client.get(url)
    assert response.status_code in (302, 401, 403, 405), (route, response.status_code)
    if response.status_code == 302:
        assert "/login/" in response["Location"]


def test_admin_is_for_staff_only(registrar, outsider) -> None:
    response = registrar.client().get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
