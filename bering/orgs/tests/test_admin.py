"""Django admin: reference data is editable, documents and substitutions are not edited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from bering.audit.models import AuditEvent
from bering.core import clock
from bering.documents.models import Journal
from bering.documents.tests.factories import DocumentFactory, JournalFactory
from bering.orgs.models import Substitution
from bering.orgs.tests.factories import UserFactory


@pytest.fixture
def admin_client(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "orgs/organization",
        "orgs/department",
        "orgs/position",
        "orgs/employee",
        "orgs/substitution",
        "documents/documenttype",
        "documents/journal",
        "documents/document",
    ],
)
def test_changelists_open(admin_client, registrar, model):
    DocumentFactory(organization=registrar.org, author=registrar.employee)
    JournalFactory(organization=registrar.org)
    assert admin_client.get(f"/admin/{model}/").status_code == 200
    assert admin_client.get(f"/admin/{model}/add/").status_code in (200, 403)


def test_document_is_read_only(admin_client, registrar):
    document = DocumentFactory(organization=registrar.org, author=registrar.employee)
    page = admin_client.get(f"/admin/documents/document/{document.pk}/change/")
    assert page.status_code == 200
    assert b'name="title"' not in page.content
    assert admin_client.get("/admin/documents/document/add/").status_code == 403
    response = admin_client.post(
        f"/admin/documents/document/{document.pk}/change/", {"title": "Подмена"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.title != "Подмена"
    assert admin_client.get(f"/admin/documents/document/{document.pk}/delete/").status_code == 403


def test_journal_template_is_checked(admin_client, health):
    data = {
        "organization": health.pk,
        "name": "Журнал приказов",
        "flow": "internal",
        "index": "01",
        "template": "{index}-{number}",
        "is_active": "on",
    }
    response = admin_client.post("/admin/documents/journal/add/", data)
    assert response.status_code == 200
    assert not Journal.objects.filter(name="Журнал приказов").exists()
    data["template"] = "{index}/{seq}"
    response = admin_client.post("/admin/documents/journal/add/", data)
    assert response.status_code == 302
    assert Journal.objects.filter(name="Журнал приказов").exists()


def test_substitution_added_through_the_service(admin_client, head, executor):
    today = clock.local_date(clock.now(), "Asia/Kamchatka")
    data = {
        "absent": head.employee.pk,
        "substitute": head.employee.pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(5)).isoformat(),
        "reason": "Командировка",
    }
    response = admin_client.post("/admin/orgs/substitution/add/", data)
    assert response.status_code == 200  # the form shows the refusal
    assert not Substitution.objects.exists()
    data["substitute"] = executor.employee.pk
    response = admin_client.post("/admin/orgs/substitution/add/", data)
    assert response.status_code == 302
    substitution = Substitution.objects.get()
    assert AuditEvent.objects.filter(
        verb="substitution.created", object_id=substitution.pk
    ).exists()
    change = admin_client.get(f"/admin/orgs/substitution/{substitution.pk}/change/")
    assert change.status_code == 200
    assert b'name="ends_on"' not in change.content
