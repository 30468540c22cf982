"""The staff pages of appeals, driven as a registrar and a head would."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bering.appeals import services
from bering.appeals.models import Appeal, Citizen
from bering.appeals.tests.conftest import make_citizen, pdf, signed_answer
from bering.appeals.tests.routes import ROUTES
from bering.documents.services import Upload

pytestmark = pytest.mark.django_db

MARKER = "МЕТКА-ОБРАЩЕНИЯ-5521"


@pytest.fixture
def with_file(galina, health, registrar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.appeal_send(
            citizen=galina,
            organization=health,
            text=f"Прошу отремонтировать дорогу. {MARKER}",
            consent=True,
            uploads=[Upload(name="фото.pdf", stream=io.BytesIO(pdf(MARKER)))],
        ).appeal


def test_registrar_registers_from_the_queue(with_file, registrar, executor):
    client = registrar.client()
    page = client.get("/appeals/queue/").content.decode()
    assert f'data-appeal="{with_file.pk}"' in page
    card = client.get(f"/appeals/{with_file.pk}/").content.decode()
    assert 'data-action="register-appeal"' in card and "3 календарных дня" in card
    response = client.post(
        f"/appeals/{with_file.pk}/register/", {"title": "", "executor": executor.employee.pk}
    )
    assert response.status_code == 302
    with_file.refresh_from_db()
    assert with_file.status == Appeal.Status.REGISTERED
    assert with_file.document.executor == executor.employee
    assert with_file.document.files.count() == 2  # the appeal as a PDF, then the photo
    card = client.get(f"/appeals/{with_file.pk}/").content.decode()
    assert "30 календарных дней" in card and 'data-action="register-appeal"' not in card


def test_head_extends_and_ends_correspondence(registered, head, registrar):
    card = head.client().get(f"/appeals/{registered.pk}/").content.decode()
    assert 'data-action="extend-appeal"' in card
    assert 'data-action="register-appeal"' not in card
    registrar_card = registrar.client().get(f"/appeals/{registered.pk}/").content.decode()
    assert 'data-action="extend-appeal"' not in registrar_card
    response = head.client().post(
        f"/appeals/{registered.pk}/extend/", {"days": "45", "reason": "x"}, follow=True
    )
    assert "30" in response.content.decode()  # the form's limit, told as a message
    registered.refresh_from_db()
    assert registered.extended_at is None
    head.client().post(f"/appeals/{registered.pk}/extend/", {"days": "20", "reason": "Запрос"})
    registered.refresh_from_db()
    assert registered.extended_at is not None
    head.client().post(f"/appeals/{registered.pk}/close/", {"ground": "repeated"})
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.NO_ANSWER


def test_registrar_cannot_end_correspondence(registered, registrar):
    response = registrar.client().post(
        f"/appeals/{registered.pk}/close/", {"ground": "repeated"}, follow=True
    )
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.REGISTERED


def test_answer_is_sent_from_the_card(registered, registrar, executor, head):
    answer = signed_answer(registered, executor, head, registrar)
    client = registrar.client()
    card = client.get(f"/appeals/{registered.pk}/").content.decode()
    assert 'data-action="send-answer"' in card and answer.reg_number in card
    client.post(f"/appeals/{registered.pk}/answer/", {"answer": answer.pk, "result": "supported"})
    registered.refresh_from_db()
    assert registered.status == Appeal.Status.ANSWERED
    download = client.get(f"/appeals/{registered.pk}/answer/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_paper_appeal_with_a_new_citizen(registrar):
    client = registrar.client()
    response = client.post(
        "/appeals/paper/",
        {
            "last_name": "Сидоров",
            "first_name": "Семён",
            "postal_address": "с. Мильково, ул. Советская, 3",
            "channel": "paper",
            "text": "Прошу провести интернет в село.",
            "scan": SimpleUploadedFile("скан.pdf", pdf("скан")),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', page)
    url = re.search(r"data-tracking-url>([^<]+)<", page).group(1)
    assert "/reception/t/" in url and "data:image/svg+xml" in page
    appeal = Appeal.objects.get(citizen__last_name="Сидоров")
    assert appeal.status == Appeal.Status.REGISTERED and appeal.channel == "paper"
    assert appeal.files.count() == 1


def test_paper_appeal_for_a_found_citizen_and_bad_input(registrar, galina):
    client = registrar.client()
    found = client.get("/appeals/paper/?q=Гусе").content.decode()
    assert "Гусева Галина" in found
    bad = client.post("/appeals/paper/", {"citizen": galina.pk, "channel": "paper", "text": ""})
    assert bad.status_code == 400
    assert not Appeal.objects.exists()
    ok = client.post(
        "/appeals/paper/", {"citizen": galina.pk, "channel": "personal", "text": "Приём"}
    )
    assert ok.status_code == 200
    assert Appeal.objects.get().citizen == galina


def test_executor_and_outsider_see_no_list(with_file, executor, outsider):
    for persona in (executor, outsider):
        page = persona.client().get("/appeals/").content.decode()
        assert MARKER not in page
    assert executor.client().get("/appeals/paper/").status_code == 404


def _fill(route: str, appeal: Appeal) -> str:
    file_id = appeal.files.first().pk
    return "/" + route.replace("<int:pk>", str(appeal.pk)).replace("<int:file_id>", str(file_id))


OBJECT_ROUTES = sorted(r for r, kind in ROUTES.items() if kind == "object")


@pytest.mark.parametrize("route", OBJECT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organization_gets_404(route, method, with_file, outsider):
    before = (with_file.status, with_file.milestones.count())
    client = outsider.client()
    url = _fill(route, with_file)
    response = (
        client.post(url, {"ground": "anonymous", "days": 5, "reason": "x"})
        if method == "post"
        else client.get(url)
    )
    assert response.status_code in (404, 405), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert MARKER.encode() not in body
    with_file.refresh_from_db()
    assert (with_file.status, with_file.milestones.count()) == before


@pytest.mark.parametrize(
    "route", ["appeals/<int:pk>/", "appeals/<int:pk>/files/<int:file_id>/download/"]
)
def test_owner_reaches_object_routes(route, with_file, registrar):
    assert registrar.client().get(_fill(route, with_file)).status_code == 200


def test_list_page_query_count_does_not_grow(registrar, health, django_capture_on_commit_callbacks):
    def count() -> int:
        client = registrar.client()
        client.get("/appeals/?status=all")  # warm the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/appeals/?status=all").status_code == 200
        return len(ctx)

    def add(n: int) -> None:
        for i in range(n):
            citizen = make_citizen(
                f"Иванов{i}", "Иван", f"ivan{i}.{Citizen.objects.count()}@mail.ru"
            )
            services.appeal_send(
                citizen=citizen, organization=health, text=f"Текст {i}", consent=True
            )

    add(2)
    few = count()
    add(15)
    assert count() == few
