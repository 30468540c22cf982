"""The demo seed: a real-looking region, built through the services, idempotent."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from bering.accounts.models import User
from bering.approvals.models import ApprovalRun, Visa
from bering.audit.models import AuditEvent
from bering.audit.selectors import chain_verify
from bering.documents.models import Document, DocumentFile
from bering.files import inspect, samples
from bering.files.models import StoredFile
from bering.orgs.models import Employee, Organization, Substitution
from bering.web.demo import data, workflow


def seed(documents: int = 20) -> str:
    out = io.StringIO()
    call_command("seed_demo", documents=documents, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (
        User,
        Organization,
        Employee,
        Substitution,
        Document,
        DocumentFile,
        StoredFile,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_seed_builds_the_region_and_a_second_run_changes_nothing():
    output = seed()
    first = counts()
    assert first["Organization"] == len(data.BODIES)
    assert 75 <= first["Employee"] <= 95
    # 20 documents of the year, the drafts that went through approval, letters received
    assert first["Document"] >= 20 + len(workflow.DRAFTS)
    assert ApprovalRun.objects.filter(status="signed").exists()
    assert Visa.objects.filter(status="rejected").exists()  # a round returned for rework
    assert first["DocumentFile"] >= 20
    assert first["Substitution"] == 1
    assert chain_verify() is None

    again = seed()
    assert counts() == first
    assert chain_verify() is None
    for username in ("registrar", "head", "executor", "controller", "regionadmin", "registrar2"):
        assert username in output and username in again
    assert settings.BERING_DEMO_PASSWORD in output
    # Citizens' appeals in every state, the answered one with its PDF.
    from bering.appeals.models import Appeal
    from bering.web.demo.appeals import CITIZEN_LOGIN

    states = set(Appeal.objects.values_list("status", flat=True))
    assert states == set(Appeal.Status.values)
    assert Appeal.objects.get(status="answered").answer_file is not None
    assert CITIZEN_LOGIN in output


@pytest.mark.django_db
def test_personas_have_their_roles_and_sign_in():
    seed(documents=0)
    health = Organization.objects.get(code="МЗ")
    post = {e.user.username: e for e in Employee.objects.select_related("user")}
    assert post["registrar"].is_registrar and post["registrar"].organization == health
    assert post["head"].is_head and post["head"].organization == health
    assert post["controller"].is_controller
    assert post["orgadmin"].is_org_admin
    assert post["registrar2"].is_registrar and post["registrar2"].organization.code == "МО"
    admin = post["regionadmin"].user
    assert admin.is_region_admin and admin.is_staff and admin.is_superuser
    assert Substitution.objects.get().absent == post["head"]
    for username in ("registrar", "executor", "regionadmin"):
        assert Client().login(username=username, password=settings.BERING_DEMO_PASSWORD)
    small = Organization.objects.get(code="НСШ")
    roles = sorted((e.is_registrar, e.is_head) for e in small.employees.all())
    assert roles == [(False, True), (True, False)]
    assert small.parent.code == "АМО"
    assert small.journals.count() == 3


@pytest.mark.django_db
def test_documents_are_registered_through_the_services():
    seed(documents=40)
    documents = Document.objects.all()
    registered = documents.filter(status=Document.Status.REGISTERED)
    assert registered.exists() and documents.filter(status=Document.Status.DRAFT).exists()
    for document in registered:
        assert document.reg_number and document.reg_date.year == 2026
        assert AuditEvent.objects.filter(
            object_type="document", object_id=document.pk, verb="document.registered"
        ).exists()
    incoming = registered.filter(flow="incoming")
    assert all(d.correspondent for d in incoming)
    assert all(d.files.exists() for d in documents)
    restricted = documents.filter(access=Document.Access.RESTRICTED)
    assert all(d.allowed.exists() for d in restricted)
    kinds = set(StoredFile.objects.values_list("kind", flat=True))
    assert {"pdf", "docx"} <= kinds


@pytest.mark.parametrize(
    ("make", "name", "kind"),
    [
        (lambda: samples.make_pdf("О ремонте ФАП", "Текст письма."), "a.pdf", "pdf"),
        (lambda: samples.make_docx("О ремонте ФАП", "Текст письма."), "a.docx", "docx"),
        (lambda: samples.make_odt("О ремонте ФАП", "Текст письма."), "a.odt", "odt"),
        (lambda: samples.make_png(40, 30), "a.png", "png"),
    ],
)
def test_sample_files_are_real(make, name, kind):
    content = make()
    assert inspect.check(data=content, name=name).kind == kind
    if kind == "pdf":
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert "О ремонте ФАП" in text and "Камчатского края" in text
