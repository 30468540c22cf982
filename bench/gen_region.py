"""The generator's region: organizations, people and their posts, journals.

Written with bulk_create (a few thousand rows). Each organization gets the three
default journals of ``documents.onboarding`` (incoming ``{seq}-вх``, outgoing
``{index}-{seq}``, internal ``{seq}/{yy}``), each with its ``journal.created``
event at the organization's connection; the first organization gets a larger
staff when it holds the big share of the documents.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.gen_audit import Chains
from bering.accounts.models import User
from bering.documents.models import DocumentType, Journal
from bering.documents.onboarding import DEFAULT_JOURNALS
from bering.orgs.models import Employee, Organization
from bering.search.text import index_tokens

LAST_NAMES = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Федоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семенов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьев",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьев",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королев",
    "Гусев",
]
FIRST_NAMES = [
    "Александр",
    "Алексей",
    "Андрей",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Михаил",
    "Николай",
    "Сергей",
    "Владимир",
    "Юрий",
    "Олег",
    "Павел",
    "Виктор",
    "Роман",
    "Игорь",
    "Антон",
    "Максим",
    "Денис",
    "Григорий",
]
FEMALE_FIRST = [
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Мария",
    "Юлия",
    "Екатерина",
    "Галина",
    "Людмила",
    "Марина",
    "Валентина",
    "Оксана",
    "Вера",
    "Надежда",
    "Лариса",
    "Дарья",
    "Ксения",
]
MIDDLE = [
    "Александров",
    "Алексеев",
    "Андреев",
    "Викторов",
    "Владимиров",
    "Дмитриев",
    "Иванов",
    "Михайлов",
    "Николаев",
    "Петров",
    "Сергеев",
    "Юрьев",
    "Павлов",
    "Олегов",
    "Григорьев",
]


@dataclass
class Person:
    employee: int
    user: int
    tokens: frozenset[str]


@dataclass
class Org:
    id: int
    code: str
    tz: dt.tzinfo
    journals: dict[str, Journal] = field(default_factory=dict)
    staff: list[Person] = field(default_factory=list)
    officials: list[Person] = field(default_factory=list)
    """Everyone but the registrar and the head: authors, approvers, executors."""

    @property
    def registrar(self) -> Person:
        return self.staff[0]

    @property
    def head(self) -> Person:
        return self.staff[1]

    @property
    def controller(self) -> Person:
        return self.staff[2]


def _name(rng: random.Random, i: int) -> tuple[str, str, str]:
    last = rng.choice(LAST_NAMES)
    middle = rng.choice(MIDDLE)
    if i % 2:
        return last + "а", rng.choice(FEMALE_FIRST), middle + "на"
    return last, rng.choice(FIRST_NAMES), middle + "ич"


def region_create(
    rng: random.Random,
    *,
    organizations: int,
    employees: int,
    big_staff: int,
    connected: float,
    chains: Chains,
) -> list[Org]:
    """The organizations with their staff and journals; ``big_staff`` posts in the first."""
    employees = max(employees, 4 * organizations)  # a registrar, a head and two officials
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Бенч-организация № {i}",
            short_name=f"Бенч-{i}",
            code=f"B{i:04d}",
            kind=rng.choice(Organization.Kind.values),
            connected_on=dt.date.fromtimestamp(connected),
        )
        for i in range(organizations)
    )
    names = [_name(rng, i) for i in range(employees)]
    users = User.objects.bulk_create(
        User(
            username=f"bench{i}",
            last_name=last,
            first_name=first,
            middle_name=middle,
            password="!",
        )
        for i, (last, first, middle) in enumerate(names)
    )
    extra = max(0, min(big_staff, employees - 4 * organizations) - 4) if big_staff else 0
    where = [orgs[0]] * extra + [orgs[i % len(orgs)] for i in range(employees - extra)]
    seen: dict[int, int] = {}
    posts = []
    for user, org in zip(users, where, strict=True):
        n = seen.get(org.pk, 0)
        seen[org.pk] = n + 1
        posts.append(
            Employee(
                user=user,
                organization=org,
                is_registrar=n == 0,
                is_head=n == 1,
                is_controller=n == 2,
                is_org_admin=n == 0,
            )
        )
    staff = Employee.objects.bulk_create(posts)
    out = {o.pk: Org(id=o.pk, code=o.code, tz=o.tz) for o in orgs}
    for post, (last, first, middle) in zip(staff, names, strict=True):
        tokens = frozenset(index_tokens([f"{last} {first} {middle}"]))
        out[post.organization_id].staff.append(Person(post.pk, post.user_id, tokens))
    for org in out.values():
        org.officials = org.staff[2:]
    journals = Journal.objects.bulk_create(
        Journal(
            organization=o,
            name=spec.name,
            flow=spec.flow,
            index=o.code,
            template=spec.template,
        )
        for o in orgs
        for spec in DEFAULT_JOURNALS
    )
    types = list(DocumentType.objects.filter(is_active=True))
    Journal.document_types.through.objects.bulk_create(
        Journal.document_types.through(journal_id=j.pk, documenttype_id=t.pk)
        for j in journals
        for t in types
        if t.flow == j.flow
    )
    for n, journal in enumerate(journals):
        org = out[journal.organization_id]
        org.journals[journal.flow] = journal
        chains.push(
            connected + n,
            org.id,
            "journal.created",
            None,
            None,
            "journal",
            journal.pk,
            {"name": journal.name, "template": journal.template, "index": journal.index},
        )
    return list(out.values())
