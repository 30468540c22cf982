"""Coverage of the region, computed on a fixture with known answers."""

import datetime as dt
import io

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bering.documents.models import Document
from bering.documents.tests.factories import DocumentFactory, JournalFactory
from bering.orgs.models import Organization
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory
from bering.reports.exports import safe_cell


@pytest.fixture
def region(health, education, head, registrar, outsider, settings):
    """Health and Education (executive), a municipality with a school under it."""
    settings.BERING_REGION_TARGET_ORGS = 10
    town = OrganizationFactory(
        short_name="Елизовский МР", kind=Organization.Kind.MUNICIPALITY, name="Елизовский р-н"
    )
    school = OrganizationFactory(
        short_name="Школа № 1", kind=Organization.Kind.OTHER, parent=town, name="МБОУ СШ 1"
    )
    hospital = OrganizationFactory(short_name="Больница", parent=health, name="ГБУЗ КККБ")
    OrganizationFactory(short_name="Закрытая", is_active=False, name="Бывшая организация")
    now = timezone.now()
    registrar.user.last_login = now - dt.timedelta(days=2)
    registrar.user.save()
    head.user.last_login = now - dt.timedelta(days=45)
    head.user.save()
    school_clerk = EmployeeFactory(organization=school)
    school_clerk.user.last_login = now
    school_clerk.user.save()
    authors = {health: registrar.employee, school: school_clerk}
    for org, n in ((health, 3), (school, 2), (hospital, 1)):
        journal = JournalFactory(organization=org)
        author = authors.get(org) or EmployeeFactory(organization=org)
        for seq in range(1, n + 1):
            DocumentFactory(
                organization=org,
                author=author,
                status=Document.Status.REGISTERED,
                registered_at=now - dt.timedelta(days=3),
                journal=journal,
                reg_year=2026,
                reg_seq=seq,
                reg_number=str(seq),
                reg_date=now.date(),
            )
    DocumentFactory(organization=health, author=registrar.employee)  # a draft does not count
    return {"town": town, "school": school, "hospital": hospital}


def test_region_admin_sees_the_whole_region(region, registrar):
    registrar.user.is_region_admin = True
    registrar.user.save()
    response = registrar.client().get(reverse("api-report-coverage"))
    data = response.json()
    assert response.status_code == 200
    assert data["target"] == 10
    assert data["connected"] == 5  # health, education, town, school, hospital
    assert data["share"] == 50.0
    assert {k["name"]: k["count"] for k in data["by_kind"]} == {
        "орган исполнительной власти": 3,
        "муниципальное образование": 1,
        "иная организация": 1,
    }
    assert {k["name"]: k["count"] for k in data["by_municipality"]} == {
        "Краевой уровень": 3,
        "Елизовский МР": 2,
    }
    assert data["documents_registered"] == 6
    assert data["active_users_30d"] == 2  # registrar and the school clerk; the head is 45 days away
    assert data["users_total"] == 5  # + the head, the outsider and the hospital's clerk


def test_head_sees_own_organization_and_the_ones_below(region, head):
    data = head.client().get(reverse("api-report-coverage")).json()
    assert data["connected"] == 2  # health and its hospital
    assert data["documents_registered"] == 4
    assert sorted(o["name"] for o in data["organizations"]) == ["Больница", "Минздрав"]


def test_executor_may_not_see_organization_reports(executor):
    assert executor.client().get(reverse("reports:coverage")).status_code == 403
    assert executor.client().get(reverse("api-report-coverage")).status_code == 403


def test_page_xlsx_and_pdf_carry_the_same_numbers(region, registrar, head):
    client = head.client()
    page = client.get(reverse("reports:coverage"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Больница" in body
    assert len(page.content) < 50_000

    xlsx = client.get(reverse("reports:coverage"), {"format": "xlsx"})
    assert xlsx["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Минздрав"][5] == 3
    assert rows["Больница"][5] == 1

    pdf = client.get(reverse("reports:coverage"), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    doc = pdfium.PdfDocument(pdf.content)
    text = doc[0].get_textpage().get_text_range()
    assert "Больница" in text and "Минздрав" in text


def test_cells_are_escaped_against_formula_injection():
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("+7 999") == "'+7 999"
    assert safe_cell("-1") == "'-1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Минздрав") == "Минздрав"
    assert safe_cell(5) == 5
