"""Appeal stories: citizen Galina Гусева writes to the Ministry of Health; Alice
registers it, Boris (the head) extends or ends it, Vera drafts the answer.
Another citizen, Пётр Петров, must never see Galina's appeal."""

from __future__ import annotations

import io

import pytest
import weasyprint

from bering.appeals import services
from bering.appeals.models import Citizen
from bering.approvals import services as approval_services
from bering.approvals.models import Visa
from bering.approvals.reference import ensure_regulations
from bering.documents import services as document_services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.tests.factories import PASSWORD


def make_citizen(
    last: str = "Гусева", first: str = "Галина", email: str = "galina@mail.ru"
) -> Citizen:
    return Citizen.objects.create(
        last_name=last,
        first_name=first,
        middle_name="Петровна",
        postal_address="683000, г. Петропавловск-Камчатский, ул. Ленинская, д. 1, кв. 2",
        email=email,
        login_email=email,
    )


@pytest.fixture
def galina(db) -> Citizen:
    return make_citizen()


@pytest.fixture
def petr(db) -> Citizen:
    return make_citizen("Петров", "Пётр", "petr@yandex.ru")


@pytest.fixture
def sent(galina, health, registrar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.appeal_send(
            citizen=galina,
            organization=health,
            text="Прошу помочь с записью к врачу в поликлинике.",
            consent=True,
        )


@pytest.fixture
def registered(sent, registrar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.appeal_register(actor=registrar.actor, appeal=sent.appeal)


def pdf(text: str) -> bytes:
    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def signed_answer(
    appeal, author, signer, registrar, text: str = "Запись к врачу организована."
) -> Document:
    """An answer «в ответ на» the appeal, approved (signing only), signed and registered."""
    ensure_regulations()
    answer = document_services.document_create(
        actor=author.actor,
        card=document_services.Card(
            doc_type=doc_type("outgoing-letter"),
            title="Ответ на обращение",
            signer=signer.employee,
            in_reply_to=appeal.document,
        ),
        flow="outgoing",
        uploads=[document_services.Upload(name="ответ.pdf", stream=io.BytesIO(pdf(text)))],
    )
    approval_services.approval_start(actor=author.actor, document=answer, plan=[])
    visa = Visa.objects.get(run__document=answer, approver=signer.employee)
    approval_services.approval_sign(actor=signer.actor, visa=visa, password=PASSWORD)
    journal = JournalFactory(
        organization=appeal.organization,
        name="Исходящие",
        flow="outgoing",
        template="{index}/{seq}",
    )
    return document_services.document_register(
        actor=registrar.actor, document=answer, journal=journal
    )
