"""The demo region at work: approvals, resolutions and deliveries of the last months.

Written through the services with the clock moved, like the documents: some
visas were decided on time, some late, some are overdue now; some drafts were
returned and came back in a second round; resolutions have executors who
reported and executors who are late; letters were delivered to another
ministry. So the inboxes, the overdue marks and the reports have something real
to show on the first login.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.conf import settings
from django.utils import timezone

from bering.approvals import services as approvals
from bering.approvals.models import Visa
from bering.assignments import services as assignments
from bering.assignments.models import Assignment, Report, TermKind
from bering.assignments.terms import Term
from bering.deadlines.selectors import is_working_day
from bering.documents import services as documents
from bering.documents.models import Document, DocumentType, Journal
from bering.exchange import services as exchange
from bering.exchange.models import Delivery
from bering.files import samples
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization
from bering.web.demo.seed import TZ, clock_at

DRAFTS = [
    ("normative-act", "Об утверждении порядка предоставления субсидий медицинским организациям"),
    (
        "normative-act",
        "О внесении изменений в государственную программу «Развитие здравоохранения»",
    ),
    ("agreement", "Соглашение о взаимодействии с Фондом обязательного медицинского страхования"),
    ("agreement", "Соглашение о предоставлении субсидии на оснащение ФАП"),
    ("decree", "О мерах по обеспечению лекарственными препаратами жителей отдалённых сёл"),
    ("decree", "Об организации санитарной авиации в зимний период"),
    ("outgoing-letter", "О предоставлении сведений о кадровом обеспечении"),
    ("outgoing-letter", "Ответ на запрос о завозе вакцин в Алеутский округ"),
    ("protocol", "Протокол совещания у Губернатора по вопросам здравоохранения"),
    ("normative-act", "Об утверждении административного регламента лицензирования"),
    ("agreement", "Соглашение о сотрудничестве с Минобразования по школьной медицине"),
    ("outgoing-letter", "О проведении диспансеризации работников бюджетной сферы"),
]
RESOLUTIONS = [
    "Подготовить ответ в установленный срок.",
    "Рассмотреть, доложить предложения.",
    "Прошу проработать и подготовить проект ответа.",
    "Для сведения и использования в работе.",
    "Обеспечить исполнение, о результатах доложить.",
]


def _actor(employee: Employee) -> Actor:
    return Actor(user=employee.user, post=employee)


def _working_after(moment: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` of office time after ``moment`` (9:00–18:00 on working days)."""
    local = moment.astimezone(TZ)
    left = hours
    while True:
        day_end = local.replace(hour=18, minute=0, second=0, microsecond=0)
        if is_working_day(local.date()) and local < day_end:
            available = (day_end - local).total_seconds() / 3600
            if left <= available:
                return local + dt.timedelta(hours=left)
            left -= available
        local = (local + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0)


def run(*, rng: random.Random) -> None:
    """Seed the workflow of the Ministry of Health, if it has none yet."""
    ministry = Organization.objects.get(code="МЗ")
    staff = list(
        Employee.objects.filter(organization=ministry, is_active=True).select_related("user")
    )
    by_login = {e.user.username: e for e in staff}
    head, registrar, executor = by_login["head"], by_login["registrar"], by_login["executor"]
    controller, deputy = by_login["controller"], by_login["deputy"]
    others = [e for e in staff if e not in (head, registrar, deputy) and not e.is_head]
    lawyer = next((e for e in others if "правов" in str(e.position).lower()), others[0])
    economist = next(
        (e for e in others if "эконом" in str(e.position).lower() and e != lawyer), others[1]
    )
    journals = {j.flow: j for j in Journal.objects.filter(organization=ministry)}
    types = {t.code: t for t in DocumentType.objects.all()}
    now = timezone.now()
    start = now - dt.timedelta(days=75)
    _approvals(
        rng,
        start,
        now,
        head,
        registrar,
        deputy,
        lawyer,
        economist,
        executor,
        others,
        journals,
        types,
    )
    _resolutions(rng, start, now, ministry, head, registrar, executor, controller, others)
    _deliveries(now, ministry, registrar)


def _approvals(
    rng: random.Random,
    start: dt.datetime,
    now: dt.datetime,
    head: Employee,
    registrar: Employee,
    deputy: Employee,
    lawyer: Employee,
    economist: Employee,
    executor: Employee,
    others: list[Employee],
    journals: dict[str, Journal],
    types: dict[str, DocumentType],
) -> None:
    moments = sorted(
        _working_after(start + dt.timedelta(days=rng.randrange(0, 70)), rng.uniform(0, 8))
        for _ in DRAFTS
    )
    password = settings.BERING_DEMO_PASSWORD
    for n, ((code, title), moment) in enumerate(zip(DRAFTS, moments, strict=True)):
        author = executor if n % 3 == 0 else rng.choice(others)
        doc_type = types[code]
        with clock_at(moment):
            draft = documents.document_create(
                actor=_actor(author),
                card=documents.Card(
                    doc_type=doc_type,
                    title=title,
                    signer=head,
                    addressee="Правительство Камчатского края"
                    if code != "outgoing-letter"
                    else "Территориальный фонд ОМС Камчатского края",
                ),
                flow=doc_type.flow,
                uploads=[documents.Upload(name="проект.docx", stream=_docx(title))],
            )
            plan = [approvals.StagePlan(name="Правовое управление", approver_ids=(lawyer.pk,))]
            if code in ("agreement", "decree", "protocol"):
                plan.append(
                    approvals.StagePlan(
                        name="Финансово-экономический отдел", approver_ids=(economist.pk,)
                    )
                )
            plan.append(approvals.StagePlan(name="Заместитель министра", approver_ids=(deputy.pk,)))
            approvals.approval_start(actor=_actor(author), document=draft, plan=plan)
        scenario = n % 6
        clock = moment
        rounds = 0
        while True:
            visa = (
                Visa.objects.filter(run__document=draft, status=Visa.Status.PENDING)
                .select_related("approver__user", "approver__organization")
                .order_by("pk")
                .first()
            )
            if visa is None:
                break
            slow = (n + visa.pk) % 4 == 0 and code in ("agreement", "decree", "protocol")
            clock = _working_after(clock, rng.uniform(20, 40) if slow else rng.uniform(1, 10))
            if clock >= now or (
                scenario == 0
                and visa.kind == Visa.Kind.VISA
                and rounds == 0
                and visa.approver_id == lawyer.pk
                and n > 3
            ):
                break  # still with the approver: overdue now if its time has passed
            with clock_at(clock):
                if visa.kind == Visa.Kind.SIGN:
                    if scenario == 5:
                        break
                    approvals.approval_sign(
                        actor=_actor(visa.approver), visa=visa, password=password
                    )
                    documents.document_register(
                        actor=_actor(registrar),
                        document=Document.objects.get(pk=draft.pk),
                        journal=journals[doc_type.flow],
                    )
                    break
                if scenario == 1 and rounds == 0 and visa.approver_id == lawyer.pk:
                    approvals.visa_decide(
                        actor=_actor(visa.approver),
                        visa=visa,
                        outcome=Visa.Status.REJECTED,
                        comment="Не указано основание: дополнить ссылкой на закон края.",
                    )
                    rounds += 1
                    clock = _working_after(clock, rng.uniform(2, 6))
                    with clock_at(clock):
                        current = draft.files.order_by("-version").first()
                        assert current is not None
                        documents.document_file_add(
                            actor=_actor(author),
                            document=Document.objects.get(pk=draft.pk),
                            upload=documents.Upload(
                                name="проект-2.docx", stream=_docx(title + " (ред. 2)")
                            ),
                            replaces_slot=current.slot,
                        )
                        approvals.approval_start(
                            actor=_actor(author),
                            document=Document.objects.get(pk=draft.pk),
                            plan=plan,
                        )
                    continue
                outcome = Visa.Status.REMARKS if (n + visa.pk) % 5 == 0 else Visa.Status.AGREED
                approvals.visa_decide(
                    actor=_actor(visa.approver),
                    visa=visa,
                    outcome=outcome,
                    comment="Уточнить формулировку п. 2." if outcome == Visa.Status.REMARKS else "",
                )


def _resolutions(
    rng: random.Random,
    start: dt.datetime,
    now: dt.datetime,
    ministry: Organization,
    head: Employee,
    registrar: Employee,
    executor: Employee,
    controller: Employee,
    others: list[Employee],
) -> None:
    incoming = list(
        Document.objects.filter(
            organization=ministry,
            flow="incoming",
            status=Document.Status.REGISTERED,
            registered_at__gte=start,
        ).order_by("registered_at")[:18]
    )
    for n, document in enumerate(incoming):
        assert document.registered_at is not None
        moment = _working_after(document.registered_at, rng.uniform(1, 6))
        if moment >= now:
            continue
        # Nobody controls their own assignment: the controller is never responsible.
        responsible = executor if n % 2 == 0 else rng.choice([o for o in others if o != controller])
        co = [rng.choice([o for o in others if o != responsible])] if n % 4 == 0 else []
        spec = assignments.ResolutionSpec(
            text=rng.choice(RESOLUTIONS),
            responsible=responsible,
            co_executors=co,
            controller=controller,
            term=Term(kind=TermKind.WORKING, days=rng.choice([5, 10])),
        )
        with clock_at(moment):
            if n >= len(incoming) - 2:
                assignments.resolution_draft(
                    actor=_actor(registrar), document=document, spec=spec, author=head
                )
                continue
            resolution = assignments.resolution_issue(
                actor=_actor(head), document=document, spec=spec
            )
        if n % 3 == 2:
            continue  # still with the executor: overdue once its time passes
        main = Assignment.objects.get(resolution=resolution, role="responsible")
        late = n % 5 == 0
        report_at = (
            main.due_at + dt.timedelta(days=2)
            if late
            else _working_after(moment, rng.uniform(8, 30))
        )
        if report_at >= now:
            continue
        with clock_at(report_at):
            report = assignments.report_submit(
                actor=_actor(responsible),
                assignment=main,
                text="Исполнено. Ответ направлен заявителю, копия в деле.",
            )
        accept_at = _working_after(report_at, rng.uniform(1, 8))
        if accept_at < now:
            with clock_at(accept_at):
                assignments.report_accept(
                    actor=_actor(controller), report=Report.objects.get(pk=report.pk)
                )


def _deliveries(now: dt.datetime, ministry: Organization, registrar: Employee) -> None:
    education = Organization.objects.get(code="МО")
    education_registrar = Employee.objects.get(user__username="registrar2")
    letters = list(
        Document.objects.filter(
            organization=ministry, flow="outgoing", status=Document.Status.REGISTERED
        ).order_by("-registered_at")[:3]
    )
    for n, letter in enumerate(letters):
        with clock_at(now - dt.timedelta(hours=30 - n * 8)):
            exchange.document_send(
                actor=_actor(registrar), document=letter, addressee_org_ids=[education.pk]
            )
    first = Delivery.objects.filter(addressee=education).order_by("pk").first()
    if first is not None:
        journal = Journal.objects.get(organization=education, flow="incoming")
        with clock_at(now - dt.timedelta(hours=4)):
            exchange.delivery_register(
                actor=_actor(education_registrar), delivery=first, journal=journal
            )


def _docx(title: str) -> io.BytesIO:
    return io.BytesIO(samples.make_docx(title, "Проект документа для согласования."))
