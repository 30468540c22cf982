"""Build the demo region through the services, so every row has its audit event.

Idempotent by stages, each in one transaction: the structure (organizations,
people, journals) is built if the government is missing; the substitution if
none exists; the documents if the demo organizations have none. A second run
only reads a few rows.

The documents' past (dates over 2026) is written by moving the clock the
services read, one document at a time, in chronological order: numbers, dates
and the audit chain come out as if clerks had worked through the year.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bering.accounts.models import User
from bering.core import clock
from bering.documents import services as documents
from bering.documents.models import Document, DocumentType, Journal
from bering.documents.onboarding import organization_onboard
from bering.files import samples
from bering.orgs import services as orgs
from bering.orgs.actor import Actor
from bering.orgs.models import Employee, Organization, Substitution
from bering.web.demo import data, texts
from bering.web.demo.data import Body, Person

SEED = 2026
TZ = zoneinfo.ZoneInfo("Asia/Kamchatka")
CONNECTED_ON = dt.date(2026, 1, 12)
PERSONA_ROLES = {
    "registrar": "делопроизводитель",
    "head": "руководитель",
    "executor": "исполнитель",
    "controller": "контролёр",
    "orgadmin": "администратор организации",
    "regionadmin": "администратор региона (Django admin)",
    "deputy": "заместитель, сейчас замещает руководителя",
    "registrar2": "делопроизводитель другой организации",
}


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Services, ``auto_now`` fields and the audit chain all read this moment."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@dataclass(frozen=True)
class Login:
    username: str
    who: str
    role: str
    organization: str


def run(*, documents_count: int, say: Callable[[str], None]) -> list[Login]:
    """Seed what is missing and return the demo logins."""
    rng = random.Random(SEED)
    if not Organization.objects.filter(code=data.BODIES[0].code).exists():
        say("Подключаю организации края...")
        with transaction.atomic():
            _structure(rng)
    if not Substitution.objects.filter(substitute__user__username="deputy").exists():
        with transaction.atomic():
            _substitution()
    codes = [b.code for b in data.BODIES]
    if not Document.objects.filter(organization__code__in=codes).exists() and documents_count:
        say(f"Пишу {documents_count} документов 2026 года...")
        with transaction.atomic():
            _documents(random.Random(SEED + 1), documents_count)
    from bering.approvals.models import ApprovalRun
    from bering.web.demo import workflow

    if (
        documents_count
        and not ApprovalRun.objects.filter(document__organization__code="МЗ").exists()
    ):
        say("Согласования, резолюции и доставка за последние месяцы...")
        with transaction.atomic():
            workflow.run(rng=random.Random(SEED + 2))
    from bering.appeals.models import Appeal
    from bering.web.demo import appeals

    if documents_count and not Appeal.objects.filter(organization__code="МЗ").exists():
        say("Обращения граждан во всех состояниях...")
        with transaction.atomic():
            appeals.run()
    from bering.web.demo import publication

    with transaction.atomic():
        publication.run()  # acts on the public site (/acts/), decision 0018
    return logins()


# --- Structure ----------------------------------------------------------------------------


def _person_data(person: Person) -> orgs.PersonData:
    return orgs.PersonData(
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        username=person.username,
        email=f"{person.username}@demo.bering.local" if person.username else "",
        position=person.position,
        department=person.department,
    )


class _Names:
    """Invented Russian names, no two alike."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[str, str]] = set()

    def person(self, position: str, department: str = "") -> Person:
        while True:
            female = self.rng.random() < 0.6  # the civil service of the region is mostly women
            last = self.rng.choice(texts.MALE_LAST)
            father = self.rng.choice(texts.FATHERS)
            if female:
                last, first, middle = last + "а", self.rng.choice(texts.FEMALE_FIRST), father[1]
            else:
                first, middle = self.rng.choice(texts.MALE_FIRST), father[0]
            if (last, first) not in self.used:
                self.used.add((last, first))
                return Person(last, first, middle, position, department)


def _structure(rng: random.Random) -> None:
    names = _Names(rng)
    start = dt.datetime.combine(CONNECTED_ON, dt.time(9, 0), tzinfo=TZ)
    for number, body in enumerate(data.BODIES):
        with clock_at(min(start + dt.timedelta(minutes=10 * number), timezone.now())):
            organization = _connect(body, names)
            for person, roles in body.people:
                orgs.employee_add(
                    actor=None, organization=organization, person=_person_data(person), **roles
                )
            for i in range(body.staff):
                department = body.departments[i % len(body.departments)] if body.departments else ""
                position = rng.choice(data.STAFF_POSITIONS)
                orgs.employee_add(
                    actor=None,
                    organization=organization,
                    person=_person_data(names.person(position, department)),
                )
    User.objects.filter(username="regionadmin").update(
        is_region_admin=True, is_staff=True, is_superuser=True
    )
    # One hash for every demo login: hashing 80 passwords with Argon2 would take a minute.
    codes = [b.code for b in data.BODIES]
    User.objects.filter(posts__organization__code__in=codes).update(
        password=make_password(settings.BERING_DEMO_PASSWORD)
    )


def _connect(body: Body, names: _Names) -> Organization:
    registrar = body.registrar or names.person(
        body.registrar_position, body.departments[0] if body.departments else ""
    )
    head = body.head or names.person(body.head_position)
    parent = Organization.objects.get(code=body.parent) if body.parent else None
    return organization_onboard(
        actor=None,
        name=body.name,
        short_name=body.short_name,
        code=body.code,
        kind=body.kind,
        parent=parent,
        connected_on=CONNECTED_ON,
        registrar=_person_data(registrar),
        head=_person_data(head),
        address=body.address,
    )


def _substitution() -> None:
    """The deputy minister acts for the minister, who is away on a trip these two weeks."""
    head = Employee.objects.filter(user__username="head").first()
    deputy = Employee.objects.filter(user__username="deputy").first()
    if head is None or deputy is None:
        return
    today = head.organization.local_today(clock.now())
    orgs.substitution_create(
        actor=Actor(user=head.user, post=head),
        absent=head,
        substitute=deputy,
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=11),
        reason="Командировка в Москву",
    )


# --- Documents ----------------------------------------------------------------------------


@dataclass
class _Org:
    organization: Organization
    registrar: Employee
    head: Employee
    staff: list[Employee]
    journals: dict[str, Journal]
    incoming: list[Document]

    def actor(self, employee: Employee) -> Actor:
        return Actor(user=employee.user, post=employee)


def _load_orgs() -> list[_Org]:
    codes = [b.code for b in data.BODIES]
    result = []
    for organization in Organization.objects.filter(code__in=codes).order_by("pk"):
        posts = list(
            Employee.objects.filter(organization=organization, is_active=True)
            .select_related("user", "organization")
            .order_by("pk")
        )
        journals = {j.flow: j for j in Journal.objects.filter(organization=organization)}
        result.append(
            _Org(
                organization=organization,
                registrar=next(p for p in posts if p.is_registrar),
                head=next(p for p in posts if p.is_head),
                staff=posts,
                journals=journals,
                incoming=[],
            )
        )
    return result


def _moments(rng: random.Random, count: int) -> list[dt.datetime]:
    """Working-hour moments of working days over 2026, up to yesterday, in order."""
    today = timezone.localtime(timezone.now(), TZ).date()
    last = min(dt.date(2026, 12, 28), today - dt.timedelta(days=1))
    first = dt.date(2026, 1, 12)
    if last - first < dt.timedelta(days=60):
        first = last - dt.timedelta(days=300)
    days = [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
    ]
    moments = [
        dt.datetime.combine(rng.choice(days), dt.time(9, 0), tzinfo=TZ)
        + dt.timedelta(minutes=rng.randrange(0, 8 * 60))
        for _ in range(count)
    ]
    return sorted(moments)


def _documents(rng: random.Random, count: int) -> None:
    bodies = _load_orgs()
    types = {t.code: t for t in DocumentType.objects.all()}
    weights = [
        45 if o.organization.code == "МЗ" else 4 if o.organization.kind != "other" else 1
        for o in bodies
    ]
    kinds = ["incoming", "outgoing", "internal", "draft", "restricted"]
    kind_weights = [45, 17, 13, 17, 8]
    for n, moment in enumerate(_moments(rng, count)):
        org = rng.choices(bodies, weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        with clock_at(moment):
            maker = _MAKERS[kind]
            maker(rng, org, types, n)


def _pick_executor(rng: random.Random, org: _Org) -> Employee:
    executor = next((p for p in org.staff if p.user.username == "executor"), None)
    if executor is not None and rng.random() < 0.35:
        return executor
    plain = [p for p in org.staff if not p.is_head] or org.staff
    return rng.choice(plain)


def _upload(name: str, content: bytes) -> documents.Upload:
    return documents.Upload(name=name, stream=io.BytesIO(content))


def _scan(title: str, correspondent: str, number: str, date: dt.date) -> bytes:
    """The scan of an incoming letter: the correspondent's letterhead, number and date."""
    body = texts.BODY.format(title=title)
    return samples.make_pdf(title, body, letterhead=correspondent, number=number, date=date)


def _their_number(rng: random.Random) -> str:
    pattern = rng.choice(("{a:02d}-{b:02d}/{n}", "{n}-ОД", "{a}/{n}", "ИСХ-{n}"))
    return pattern.format(a=rng.randint(1, 20), b=rng.randint(1, 30), n=rng.randint(10, 9999))


def _make_incoming(
    rng: random.Random, org: _Org, types: dict[str, DocumentType], n: int, restricted: bool = False
) -> Document:
    appeal = not restricted and rng.random() < 0.12
    if restricted:
        title, correspondent = rng.choice(texts.RESTRICTED_TITLES), rng.choice(texts.CORRESPONDENTS)
    elif appeal:
        title, correspondent = rng.choice(texts.APPEAL_TITLES), rng.choice(texts.CITIZENS)
    else:
        title = rng.choice(texts.INCOMING_TITLES)
        correspondent = rng.choice(texts.CORRESPONDENTS)
    today = clock.now().astimezone(TZ).date()
    their_date = today - dt.timedelta(days=rng.randint(1, 6))
    their_number = "" if appeal else _their_number(rng)
    executor = _pick_executor(rng, org)
    allowed: list[Employee] = []
    if restricted:
        allowed = [org.head, executor]
    scan = _scan(title, correspondent, their_number, their_date)
    document = documents.document_register_incoming(
        actor=org.actor(org.registrar),
        card=documents.Card(
            doc_type=types["appeal" if appeal else "incoming-letter"],
            title=title,
            access=Document.Access.RESTRICTED if restricted else Document.Access.GENERAL,
            correspondent=correspondent,
            correspondent_number=their_number,
            correspondent_date=their_date,
            executor=executor,
            pages=rng.randint(1, 6),
            allowed=allowed,
        ),
        journal=org.journals["incoming"],
        uploads=[_upload(f"Скан письма {their_number or correspondent}.pdf", scan)],
        confirm_duplicate=True,
    )
    if rng.random() < 0.12:
        documents.document_file_add(
            actor=org.actor(org.registrar),
            document=document,
            upload=_upload("Приложение — схема.png", samples.make_png(320, 200)),
        )
    org.incoming.append(document)
    return document


def _make_outgoing(
    rng: random.Random, org: _Org, types: dict[str, DocumentType], n: int
) -> Document:
    roll = rng.random()
    code = "decree" if roll < 0.1 else "agreement" if roll < 0.18 else "outgoing-letter"
    titles = {
        "decree": texts.DECREE_TITLES,
        "agreement": texts.AGREEMENT_TITLES,
        "outgoing-letter": texts.OUTGOING_TITLES,
    }[code]
    title = rng.choice(titles)
    author = _pick_executor(rng, org)
    reply_to = rng.choice(org.incoming) if org.incoming and rng.random() < 0.4 else None
    if reply_to is not None and code == "outgoing-letter":
        title = f"{title} (на № {reply_to.correspondent_number or reply_to.reg_number})"
    letter = samples.make_docx(
        title, texts.BODY.format(title=title), letterhead=org.organization.name
    )
    draft = documents.document_create(
        actor=org.actor(author),
        card=documents.Card(
            doc_type=types[code],
            title=title,
            addressee=reply_to.correspondent if reply_to else rng.choice(texts.ADDRESSEES),
            signer=org.head,
            executor=author,
            in_reply_to=reply_to if code == "outgoing-letter" else None,
        ),
        flow="outgoing",
        uploads=[_upload(f"{title[:60]}.docx", letter)],
    )
    return documents.document_register(
        actor=org.actor(org.registrar), document=draft, journal=org.journals["outgoing"]
    )


def _make_internal(
    rng: random.Random,
    org: _Org,
    types: dict[str, DocumentType],
    n: int,
    *,
    register: bool = True,
    restricted: bool = False,
) -> Document:
    code = rng.choice(list(texts.INTERNAL_TITLES))
    title = rng.choice(texts.RESTRICTED_TITLES if restricted else texts.INTERNAL_TITLES[code])
    author = _pick_executor(rng, org)
    body = texts.BODY.format(title=title)
    if n % 3 == 0:
        upload = _upload(f"{title[:60]}.odt", samples.make_odt(title, body))
    else:
        upload = _upload(
            f"{title[:60]}.docx",
            samples.make_docx(title, body, letterhead=org.organization.name),
        )
    allowed = [org.head, author] if restricted else []
    draft = documents.document_create(
        actor=org.actor(author),
        card=documents.Card(
            doc_type=types[code],
            title=title,
            access=Document.Access.RESTRICTED if restricted else Document.Access.GENERAL,
            signer=org.head if code in ("order", "disposition") else None,
            executor=author,
            allowed=allowed,
        ),
        flow="internal",
        uploads=[upload],
    )
    if not register:
        return draft
    return documents.document_register(
        actor=org.actor(org.registrar), document=draft, journal=org.journals["internal"]
    )


def _make_draft(rng: random.Random, org: _Org, types: dict[str, DocumentType], n: int) -> Document:
    if rng.random() < 0.5:
        return _make_internal(rng, org, types, n, register=False)
    title = rng.choice(texts.OUTGOING_TITLES)
    author = _pick_executor(rng, org)
    body = texts.BODY.format(title=title)
    draft = documents.document_create(
        actor=org.actor(author),
        card=documents.Card(
            doc_type=types["outgoing-letter"],
            title=title,
            addressee=rng.choice(texts.ADDRESSEES),
            signer=org.head,
            executor=author,
        ),
        flow="outgoing",
        uploads=[_upload("Проект письма.docx", samples.make_docx(title, body))],
    )
    if rng.random() < 0.4:
        documents.document_file_add(
            actor=org.actor(author),
            document=draft,
            upload=_upload("Проект письма.docx", samples.make_docx(title, body + "\nРедакция 2.")),
            replaces_slot=1,
        )
    return draft


def _make_restricted(
    rng: random.Random, org: _Org, types: dict[str, DocumentType], n: int
) -> Document:
    if rng.random() < 0.6:
        return _make_incoming(rng, org, types, n, restricted=True)
    return _make_internal(rng, org, types, n, restricted=True)


_MAKERS: dict[str, Callable[[random.Random, _Org, dict[str, DocumentType], int], Document]] = {
    "incoming": _make_incoming,
    "outgoing": _make_outgoing,
    "internal": _make_internal,
    "draft": _make_draft,
    "restricted": _make_restricted,
}


# --- Logins -------------------------------------------------------------------------------


def logins() -> list[Login]:
    """The persona logins, then the registrar and head of every other demo organization."""
    codes = [b.code for b in data.BODIES]
    posts = (
        Employee.objects.filter(organization__code__in=codes)
        .select_related("user", "organization", "position")
        .order_by("organization__pk", "pk")
    )
    result = []
    for post in posts:
        username = post.user.username
        role = PERSONA_ROLES.get(username)
        if role is None:
            continue
        who = f"{post.user.full_name}, {post.position.name if post.position else ''}".strip(", ")
        result.append(Login(username, who, role, post.organization.short_name))
    order = list(PERSONA_ROLES)
    return sorted(result, key=lambda login: order.index(login.username))
