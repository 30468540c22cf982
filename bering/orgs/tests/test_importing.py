"""Bulk import from CSV and XLSX: a good file imports, one bad cell imports nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from bering.audit.selectors import chain_verify
from bering.documents.models import Journal
from bering.documents.onboarding import organization_onboard
from bering.orgs import importing
from bering.orgs.importing import EMPLOYEE_COLUMNS, ORGANIZATION_COLUMNS
from bering.orgs.models import Employee, Organization


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


ORG_HEADERS = [c.header for c in ORGANIZATION_COLUMNS]
SCHOOL = list(importing.ORGANIZATION_EXAMPLE)
LIBRARY = [
    "Муниципальное бюджетное учреждение культуры «Эссовская библиотека»",
    "МБУК Эссовская библиотека",
    "ЭБ",
    "иная организация",
    "",
    "",
    "2026-03-15",
    "",
    "",
    "с. Эссо",
    "Никитина",
    "Ольга",
    "",
    "nikitina",
    "",
    "Библиотекарь",
    "Никитина",
    "Ольга",
    "",
    "nikitina",
    "",
    "Библиотекарь",
]
EMP_HEADERS = [c.header for c in EMPLOYEE_COLUMNS]


def org_row(**values):
    return [values.get(c.key, "") for c in ORGANIZATION_COLUMNS]


def csv_bytes(rows, delimiter=";", bom=True):
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in r) for r in rows)
    return (("\ufeff" if bom else "") + text + "\n").encode()


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def municipality(db):
    return Organization.objects.create(
        name="Администрация Петропавловск-Камчатского городского округа",
        short_name="Петропавловск-Камчатский ГО",
        code="ПКГО",
        kind=Organization.Kind.MUNICIPALITY,
    )


@pytest.mark.parametrize(("delimiter", "bom"), [(";", True), (",", False)])
def test_organizations_from_csv(municipality, delimiter, bom):
    data = csv_bytes([ORG_HEADERS, SCHOOL, LIBRARY], delimiter=delimiter, bom=bom)
    report = importing.organizations_import(
        actor=None, data=data, name="orgs.csv", connect=organization_onboard
    )
    assert report.ok, report.errors
    assert (report.rows, report.created) == (2, 2)
    school = Organization.objects.get(code="СШ7")
    assert school.parent == municipality
    assert school.connected_on.isoformat() == "2026-02-01"
    assert school.inn == "4101000000"
    assert Journal.objects.filter(organization=school).count() == 3
    head = Employee.objects.get(organization=school, is_head=True)
    assert head.user.username == "sidorov.ip" and head.position.name == "Директор"
    library = Employee.objects.get(organization__code="ЭБ")
    assert library.is_head and library.is_registrar
    assert chain_verify() is None


def test_organizations_from_xlsx_with_parent_listed_above(db):
    government = org_row(
        name="Правительство Камчатского края",
        short_name="Правительство",
        code="ПКК",
        kind="орган исполнительной власти",
        registrar_last_name="Анисимова",
        registrar_first_name="Анна",
        head_last_name="Иванов",
        head_first_name="Иван",
    )
    museum = org_row(
        name="КГБУ «Камчатский краевой объединённый музей»",
        short_name="Музей",
        code="КМ",
        kind="иная организация",
        parent="пкк",
        inn=4101012345,
        registrar_last_name="Лебедева",
        registrar_first_name="Лена",
        head_last_name="Орлов",
        head_first_name="Олег",
    )
    data = xlsx_bytes([ORG_HEADERS, government, [None] * 5, museum])
    report = importing.organizations_import(
        actor=None, data=data, name="orgs.xlsx", connect=organization_onboard
    )
    assert report.ok, report.errors
    assert Organization.objects.get(code="КМ").parent.code == "ПКК"
    assert Organization.objects.get(code="КМ").inn == "4101012345"


def test_bad_rows_are_all_reported_and_nothing_is_imported(municipality):
    bad_kind = [*SCHOOL]
    bad_kind[3] = "министерство"
    bad_date = [*LIBRARY]
    bad_date[6] = "32.13.2026"
    duplicate_code = [*LIBRARY]
    duplicate_code[0] = "Другая библиотека"
    duplicate_code[2] = "СШ7"
    no_parent = [*SCHOOL]
    no_parent[0], no_parent[2], no_parent[4] = "Школа № 9", "СШ9", "НЕТ"
    no_name = [*SCHOOL]
    no_name[0], no_name[2] = "", "СШ10"
    good = [*SCHOOL]
    good[0], good[2] = "Школа № 11", "СШ11"
    data = csv_bytes([ORG_HEADERS, bad_kind, bad_date, duplicate_code, no_parent, no_name, good])
    report = importing.organizations_import(
        actor=None, data=data, name="orgs.csv", connect=organization_onboard
    )
    assert not report.ok
    cells = {(e.row, e.column) for e in report.errors}
    assert (2, "Вид") in cells
    assert (3, "Дата подключения") in cells
    assert (4, "Код") in cells
    assert (5, "Вышестоящая организация") in cells
    assert (6, "Полное наименование") in cells
    assert not any(e.row == 7 for e in report.errors)
    messages = {e.column: e.message for e in report.errors}
    assert messages["Вид"] == "Unknown kind of organization."
    assert Organization.objects.count() == 1
    assert report.created == 0


def test_header_problems(db):
    data = csv_bytes([["Полное наименование", "Краткое наименование", "Цвет"], ["А", "Б", "В"]])
    report = importing.organizations_import(
        actor=None, data=data, name="orgs.csv", connect=organization_onboard
    )
    cells = {(e.row, e.column, e.message) for e in report.errors}
    assert (1, "Цвет", "Unknown column.") in cells
    assert (1, "Код", "A required column is missing.") in cells
    assert (1, "Вид", "A required column is missing.") in cells


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "a.csv"), (b"not a zip", "a.xlsx"), (b"x", "a.txt")],
)
def test_unreadable_files(db, data, name):
    report = importing.organizations_import(
        actor=None, data=data, name=name, connect=organization_onboard
    )
    assert not report.ok and report.created == 0


def test_cp1251_csv_from_excel(municipality):
    data = csv_bytes([ORG_HEADERS, SCHOOL], bom=False).decode().encode("cp1251")
    report = importing.organizations_import(
        actor=None, data=data, name="orgs.csv", connect=organization_onboard
    )
    assert report.ok, report.errors
    assert Organization.objects.filter(short_name="МБОУ СШ № 7").exists()


def test_employees_from_csv_and_xlsx(health, education, registrar):
    rows = [
        EMP_HEADERS,
        ["mz", "Иванова", "Мария", "Петровна", "", "", "Отдел кадров", "Консультант", "контролёр"],
        [
            "MZ",
            "Ким",
            "Ольга",
            "",
            "kim",
            "kim@example.org",
            "",
            "Референт",
            "регистратор, администратор",
        ],
        ["MO", "Ким", "Ольга", "", "KIM", "", "", "Референт", ""],
    ]
    report = importing.employees_import(actor=None, data=csv_bytes(rows), name="people.csv")
    assert report.ok, report.errors
    assert report.created == 3
    ivanova = Employee.objects.get(user__last_name="Иванова")
    assert ivanova.is_controller and ivanova.department.name == "Отдел кадров"
    kim = Employee.objects.filter(user__username="kim")
    assert kim.count() == 2
    assert kim.get(organization=health).is_org_admin
    more = [EMP_HEADERS, ["MO", "Орлова", "Ирина", "", "", "", "", "Учитель", ""]]
    report = importing.employees_import(actor=None, data=xlsx_bytes(more), name="people.xlsx")
    assert report.ok, report.errors
    assert Employee.objects.filter(organization=education, user__last_name="Орлова").exists()


def test_bad_employee_rows(health, registrar):
    rows = [
        EMP_HEADERS,
        ["XX", "Иванова", "Мария", "", "", "", "", "", ""],
        ["MZ", "Петров", "Пётр", "", "alice", "", "", "", ""],
        ["MZ", "Сидоров", "", "", "", "", "", "", ""],
        ["MZ", "Орлов", "Олег", "", "", "not-an-email", "", "", "директор"],
        ["MZ", "Алексеева", "Алиса", "", "alice", "", "", "Делопроизводитель", ""],
        ["MZ", "Ким", "Ольга", "", "kim", "", "", "", ""],
        ["MZ", "Ким", "Олег", "", "kim", "", "", "", ""],
    ]
    report = importing.employees_import(actor=None, data=csv_bytes(rows), name="people.csv")
    cells = {(e.row, e.column) for e in report.errors}
    assert cells == {
        (2, "Код организации"),
        (3, "Логин"),
        (4, "Имя"),
        (5, "Электронная почта"),
        (5, "Роли"),
        (6, "Логин"),  # row 3 gave "alice" to another person
        (6, "Должность"),
        (8, "Логин"),
    }
    assert Employee.objects.filter(organization=health).count() == 1


def test_import_commands(tmp_path, municipality, capsys):
    good = tmp_path / "orgs.csv"
    good.write_bytes(csv_bytes([ORG_HEADERS, SCHOOL]))
    call_command("import_orgs", str(good))
    assert "Imported 1 row(s)." in capsys.readouterr().out
    bad = tmp_path / "people.csv"
    bad.write_bytes(csv_bytes([EMP_HEADERS, ["НЕТ", "Иванова", "Мария", "", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_employees", str(bad))
    assert "строка 2" in capsys.readouterr().err
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_orgs", str(tmp_path / "missing.csv"))
