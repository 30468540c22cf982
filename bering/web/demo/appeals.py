"""Citizens' appeals of the demo region: a few citizens, an appeal in every state.

Galina Гусева has an account of the internet reception (sign in with her
e-mail: the one-time code is printed in the server's console). The Ministry of
Health holds appeals received, registered, overdue, extended, redirected to the
Ministry of Education, left without an answer, withdrawn, a paper one, and one
answered the whole way: resolution, answer drafted, signed, registered, sent.
"""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.utils import timezone

from bering.appeals import services as appeals
from bering.appeals.models import Appeal, Citizen, NoAnswerGround, Result, Topic
from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.documents import services as documents
from bering.documents.models import DocumentType, Journal
from bering.files import samples
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.web.demo.seed import clock_at

CITIZEN_LOGIN = "galina.guseva@mail.ru"

CITIZENS = [
    (
        "Гусева",
        "Галина",
        "Петровна",
        "683031, г. Петропавловск-Камчатский, пр. Карла Маркса, д. 21, кв. 14",
        CITIZEN_LOGIN,
    ),
    (
        "Коваленко",
        "Андрей",
        "Викторович",
        "684000, г. Елизово, ул. Ленина, д. 7, кв. 3",
        "a.kovalenko@yandex.ru",
    ),
    (
        "Тынэтэгина",
        "Мария",
        "Ивановна",
        "688000, пгт Палана, ул. Обухова, д. 2",
        "tynetegina@mail.ru",
    ),
    ("Шевчук", "Олег", "Игоревич", "684300, с. Мильково, ул. Советская, д. 40", ""),
]

TEXTS = {
    "0002.0015": "В поликлинике № 3 нет записи к эндокринологу на ближайшие два месяца. "
    "Прошу организовать приём или выездную консультацию.",
    "0005.0005": "В доме по пр. Карла Маркса, 21 третью неделю нет горячей воды. "
    "Управляющая компания не отвечает. Прошу принять меры.",
    "0002.0014": "Прошу сообщить, когда в с. Мильково откроется новая школа.",
    "0003.0009": "Прошу восстановить автобусный рейс Елизово — Паратунка по выходным.",
}


def _actor(employee: Employee) -> Actor:
    return Actor(user=employee.user, post=employee)


def run() -> None:
    ministry = Organization.objects.get(code="МЗ")
    if Appeal.objects.filter(organization=ministry).exists():
        return
    education = Organization.objects.get(code="МО")
    staff = {
        e.user.username: e
        for e in Employee.objects.filter(organization=ministry, is_active=True).select_related(
            "user"
        )
    }
    registrar, head, executor = staff["registrar"], staff["head"], staff["executor"]
    people = [
        Citizen.objects.create(
            last_name=last,
            first_name=first,
            middle_name=middle,
            postal_address=address,
            email=email,
            login_email=email or None,
        )
        for last, first, middle, address, email in CITIZENS
    ]
    galina, andrey, maria, oleg = people
    topic = {t.code: t for t in Topic.objects.all()}
    now = timezone.now()

    def send(
        citizen: Citizen, code: str, days_ago: float, org: Organization | None = ministry
    ) -> Appeal:
        with clock_at(now - dt.timedelta(days=days_ago)):
            return appeals.appeal_send(
                citizen=citizen,
                organization=org,
                text=TEXTS[code],
                topic=topic.get(code),
                consent=True,
            ).appeal

    def register(appeal: Appeal, days_ago: float) -> Appeal:
        with clock_at(now - dt.timedelta(days=days_ago)):
            return appeals.appeal_register(
                actor=_actor(registrar), appeal=appeal, executor=executor
            )

    # Waiting for registration, one of them «не знаю, кому» at the region's reception.
    send(galina, "0002.0015", 1)
    send(andrey, "0003.0009", 0.5, org=None)
    # Under consideration; one overdue, one extended by the head.
    register(send(maria, "0002.0015", 12), 11)
    overdue = register(send(andrey, "0002.0015", 40), 39)
    extended = register(send(maria, "0002.0014", 35), 34)
    with clock_at(now - dt.timedelta(days=6)):
        appeals.appeal_extend(
            actor=_actor(head), appeal=extended, days=20, reason="Запрошены сведения в Минобре"
        )
    # Redirected by competence to the Ministry of Education.
    redirected = register(send(galina, "0002.0014", 9), 8)
    with clock_at(now - dt.timedelta(days=7)):
        appeals.appeal_redirect(actor=_actor(registrar), appeal=redirected, organization=education)
    # Left without an answer; withdrawn by the citizen.
    rude = register(send(andrey, "0005.0005", 20), 19)
    with clock_at(now - dt.timedelta(days=18)):
        appeals.appeal_close_without_answer(
            actor=_actor(head), appeal=rude, ground=NoAnswerGround.OBSCENE
        )
    withdrawn = send(maria, "0003.0009", 15)
    with clock_at(now - dt.timedelta(days=14)):
        appeals.appeal_withdraw(citizen=maria, appeal=withdrawn)
    # A paper appeal registered by the clerk.
    with clock_at(now - dt.timedelta(days=5)):
        appeals.appeal_register_paper(
            actor=_actor(registrar),
            citizen=oleg,
            text=TEXTS["0002.0014"],
            topic=topic.get("0002.0014"),
        )
    # Answered the whole way.
    answered = register(send(galina, "0005.0005", 25), 24)
    _answer(answered, now - dt.timedelta(days=10), registrar, head, executor, ministry)
    _ = overdue


def _answer(
    appeal: Appeal,
    moment: dt.datetime,
    registrar: Employee,
    head: Employee,
    executor: Employee,
    ministry: Organization,
) -> None:
    body = (
        "Уважаемая Галина Петровна! По вашему обращению управляющей компании выдано "
        "предписание; горячее водоснабжение восстановлено 20 числа. Контроль за исполнением "
        "оставлен за Государственной жилищной инспекцией края."
    )
    pdf = samples.make_pdf("Ответ на обращение", body)
    with clock_at(moment):
        answer = documents.document_create(
            actor=_actor(executor),
            card=documents.Card(
                doc_type=DocumentType.objects.get(code="outgoing-letter"),
                title="О горячем водоснабжении дома по пр. Карла Маркса, 21",
                signer=head,
                in_reply_to=appeal.document,
                addressee="Гусевой Г. П.",
            ),
            flow="outgoing",
            uploads=[documents.Upload(name="Ответ Гусевой Г.П.pdf", stream=io.BytesIO(pdf))],
        )
        approvals.approval_start(actor=_actor(executor), document=answer, plan=[])
    visa = Visa.objects.get(run__document=answer, approver=head)
    with clock_at(moment + dt.timedelta(hours=2)):
        approvals.approval_sign(
            actor=_actor(head), visa=visa, password=settings.BERING_DEMO_PASSWORD
        )
    journal = Journal.objects.get(
        organization=ministry, flow="outgoing", name="Исходящие документы"
    )
    with clock_at(moment + dt.timedelta(hours=3)):
        answer = documents.document_register(
            actor=_actor(registrar), document=answer, journal=journal
        )
        appeals.appeal_answer_send(
            actor=_actor(registrar),
            appeal=Appeal.objects.get(pk=appeal.pk),
            answer=answer,
            result=Result.SUPPORTED,
        )
