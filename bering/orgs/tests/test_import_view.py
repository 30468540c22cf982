"""The import page: a region administrator uploads a file and reads the report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bering.accounts.models import User
from bering.orgs.models import Employee
from bering.orgs.tests.factories import UserFactory
from bering.orgs.tests.test_importing import EMP_HEADERS, csv_bytes, xlsx_bytes

URL = "/orgs/import/"


@pytest.fixture
def region_admin(registrar):
    """Alice the registrar also administers the region."""
    User.objects.filter(pk=registrar.user.pk).update(is_region_admin=True)
    return registrar


def upload(client, rows, name="people.csv", kind="employees", xlsx=False):
    data = xlsx_bytes(rows) if xlsx else csv_bytes(rows)
    return client.post(URL, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_region_admin_sees_the_page_with_the_columns(region_admin):
    response = region_admin.client().get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Код организации" in body and "Полное наименование" in body
    assert 'enctype="multipart/form-data"' in body


def test_region_admin_imports_employees(region_admin, health):
    rows = [EMP_HEADERS, ["MZ", "Иванова", "Мария", "", "", "", "", "Консультант", ""]]
    response = upload(region_admin.client(), rows, name="people.xlsx", xlsx=True)
    assert response.status_code == 200
    assert Employee.objects.filter(user__last_name="Иванова", organization=health).exists()


def test_report_names_bad_cells_and_nothing_is_imported(region_admin, health):
    rows = [
        EMP_HEADERS,
        ["MZ", "Иванова", "Мария", "", "", "", "", "", ""],
        ["НЕТ", "Петров", "Пётр", "", "", "", "", "", ""],
    ]
    response = upload(region_admin.client(), rows)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<td>3</td><td>Код организации</td>" in body
    assert not Employee.objects.filter(user__last_name="Иванова").exists()


def test_wrong_file_type_is_a_form_error(region_admin):
    response = region_admin.client().post(
        URL, {"kind": "employees", "file": SimpleUploadedFile("people.txt", b"x")}
    )
    assert response.status_code == 400
    assert not response.context["report"]


def test_sample_file_download(region_admin):
    response = region_admin.client().get(URL, {"sample": "organizations"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeffПолное наименование;".encode())


@pytest.mark.parametrize("persona", ["registrar", "head", "executor", "controller", "outsider"])
def test_others_get_403_and_import_nothing(request, persona, health):
    client = request.getfixturevalue(persona).client()
    assert client.get(URL).status_code == 403
    rows = [EMP_HEADERS, ["MZ", "Иванова", "Мария", "", "", "", "", "", ""]]
    assert upload(client, rows).status_code == 403
    assert not Employee.objects.filter(user__last_name="Иванова").exists()


def test_org_admin_is_not_a_region_admin(executor):
    Employee.objects.filter(pk=executor.employee.pk).update(is_org_admin=True)
    assert executor.client().get(URL).status_code == 403


def test_region_admin_without_a_post_is_refused(db):
    user = UserFactory(username="ra", is_region_admin=True)
    client = Client()
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
