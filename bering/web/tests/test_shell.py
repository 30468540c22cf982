"""The page shell: post switcher, page weight, security headers, open redirects."""

import datetime as dt

from django.urls import reverse

from bering.orgs.models import Substitution
from bering.orgs.tests.factories import EmployeeFactory, PositionFactory


def test_person_with_two_posts_switches_organization(registrar, education):
    second = EmployeeFactory(
        user=registrar.user,
        organization=education,
        position=PositionFactory(organization=education, name="Советник"),
    )
    client = registrar.client()
    page = client.get(reverse("documents:list")).content.decode()
    assert "Минздрав" in page and "Минобр" in page
    response = client.post(reverse("switch-post"), {"post": second.pk, "next": "/documents/"})
    assert response.status_code == 302
    page = client.get(reverse("documents:list")).content.decode()
    assert "Алексеева А. · Минобр" in page


def test_cannot_switch_to_someone_elses_post(registrar, outsider):
    response = registrar.client().post(reverse("switch-post"), {"post": outsider.employee.pk})
    assert response.status_code == 404


def test_substitute_acts_for_absent_head(registrar, head):
    today = dt.date.today()
    Substitution.objects.create(
        absent=head.employee, substitute=registrar.employee, starts_on=today, ends_on=today
    )
    client = registrar.client()
    client.post(
        reverse("switch-post"),
        {"post": registrar.employee.pk, "on_behalf_of": head.employee.pk},
    )
    assert "Алексеева А. за Борисов Б." in client.get(reverse("documents:list")).content.decode()


def test_switch_refuses_open_redirect(registrar):
    response = registrar.client().post(
        reverse("switch-post"), {"post": registrar.employee.pk, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_first_load_is_small_and_headers_are_strict(registrar):
    response = registrar.client().get(reverse("documents:list"))
    assert len(response.content) < 50_000
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_login_redirect_is_not_open(registrar):
    from django.test import Client

    from bering.orgs.tests.factories import PASSWORD

    response = Client().post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")


def test_locked_database_gives_a_503_page_not_a_500(registrar, monkeypatch):
    from django.db import OperationalError

    from bering.documents import views

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views.selectors, "document_list", locked)
    response = registrar.client().get(reverse("documents:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Система сейчас занята" in response.content.decode()


def test_pages_travel_compressed_when_the_browser_accepts_gzip(registrar):
    """Slow links: a page goes gzipped (a long report to about a seventh); without the
    header it goes as is."""
    import gzip

    client = registrar.client()
    plain = client.get(reverse("documents:list"))
    packed = client.get(reverse("documents:list"), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content).decode()
    assert "<html" in body
    assert len(packed.content) < len(plain.content) / 2


def _menu(persona) -> set[str]:  # type: ignore[no-untyped-def]
    import re

    page = persona.client().get(reverse("documents:list")).content.decode()
    nav = page[page.index('<nav class="nav">') : page.index("</nav>")]
    return set(re.findall(r'href="(/[a-z-]+/(?:[a-z-]+/)?)"', nav))


def test_each_person_sees_only_the_queues_of_their_roles(executor, head, controller, registrar):
    head_queue, control = reverse("assignments:head"), reverse("assignments:control")
    register, appeals = reverse("documents:register-incoming"), reverse("appeals:list")
    dashboard, mine = reverse("reports:dashboard"), reverse("reports:visas")
    plain = _menu(executor)
    assert not plain & {head_queue, control, register, appeals, dashboard}
    assert mine in plain
    assert {head_queue, control, dashboard, appeals} <= _menu(head)
    assert register not in _menu(head)
    assert control in _menu(controller) and head_queue not in _menu(controller)
    assert {register, appeals} <= _menu(registrar)
    assert not _menu(registrar) & {head_queue, control, dashboard}


def test_error_pages_speak_russian(registrar, client, db):
    page = registrar.client().get("/no-such-page/")
    assert page.status_code == 404
    assert "Не найдено" in page.content.decode() and "Not Found" not in page.content.decode()
    public = client.get("/reception/no-such-page/")
    assert public.status_code == 404
    body = public.content.decode()
    assert "Интернет-приёмная" in body and "/documents/" not in body


def test_admin_sections_are_named_in_russian(db):
    from bering.orgs.tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True, is_region_admin=True)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    page = client.get("/admin/").content.decode()
    for name in ("Документы", "Организации и сотрудники", "Обращения граждан", "Согласование"):
        assert name in page, name
