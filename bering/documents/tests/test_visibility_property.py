"""``visibility_q`` (the SQL of lists) and ``can_view`` (the check of one card) agree.

Seeded random worlds: two organizations, their people, and documents with
random access, status, author, signer, executor, registrar and named people.
For every (person, document) pair the document is in the filtered queryset
exactly when ``can_view`` says so. A failing seed is printed for replay.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bering.documents.models import Document
from bering.documents.permissions import can_view, visibility_q
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.orgs.models import Employee
from bering.orgs.tests.factories import EmployeeFactory, OrganizationFactory

SEEDS = range(12)
PEOPLE_PER_ORG = 4
DOCUMENTS = 30


def _world(rng: random.Random) -> tuple[list[Employee], list[Document]]:
    orgs = [OrganizationFactory(), OrganizationFactory()]
    people = [
        EmployeeFactory(
            organization=org,
            is_registrar=rng.random() < 0.3,
            is_head=rng.random() < 0.2,
        )
        for org in orgs
        for _ in range(PEOPLE_PER_ORG)
    ]
    memo = doc_type("memo")
    journals = {org.pk: JournalFactory(organization=org, flow="internal") for org in orgs}

    def someone(chance: float = 0.6) -> Employee | None:
        return rng.choice(people) if rng.random() < chance else None

    documents = []
    for n in range(DOCUMENTS):
        org = rng.choice(orgs)
        author = rng.choice(people)  # sometimes of the other organization: rules must not care
        status = rng.choice(list(Document.Status))
        registration: dict[str, object] = {}
        if status == Document.Status.REGISTERED:
            registration = {
                "journal": journals[org.pk],
                "reg_year": 2026,
                "reg_seq": n + 1,
                "reg_date": dt.date(2026, 3, 2),
                "reg_number": f"01-15/{n + 1}",
            }
        document = Document.objects.create(
            organization=org,
            doc_type=memo,
            flow="internal",
            title=f"Документ {n}",
            access=rng.choice(list(Document.Access)),
            status=status,
            author=author,
            signer=someone(),
            executor=someone(),
            registered_by=someone(0.4),
            **registration,
        )
        named = rng.sample(people, rng.randint(0, 3))
        if named:
            document.allowed.set(named)
        documents.append(document)
    return people, documents


@pytest.mark.parametrize("seed", SEEDS)
def test_sql_and_python_visibility_agree(db: None, seed: int) -> None:
    rng = random.Random(seed)
    people, documents = _world(rng)
    ids = [d.pk for d in documents]
    for person in people:
        in_sql = set(
            Document.objects.filter(pk__in=ids)
            .filter(visibility_q(person))
            .values_list("pk", flat=True)
        )
        in_python = {d.pk for d in documents if can_view(person, d)}
        assert in_sql == in_python, (
            f"seed {seed}, employee {person.pk}: only SQL {sorted(in_sql - in_python)}, "
            f"only Python {sorted(in_python - in_sql)}"
        )


def test_the_worlds_cover_every_reason_to_see(db: None) -> None:
    """The generator reaches each branch: general, each role, named, other organization."""
    reasons: set[str] = set()
    for seed in SEEDS:
        people, documents = _world(random.Random(seed))
        for person in people:
            for d in documents:
                if d.organization_id != person.organization_id:
                    reasons.add("other-org")
                elif d.access == Document.Access.GENERAL:
                    reasons.add("general")
                else:
                    for role in ("author", "signer", "executor", "registered_by"):
                        if getattr(d, f"{role}_id") == person.pk:
                            reasons.add(role)
                    if d.allowed.filter(pk=person.pk).exists():
                        reasons.add("named")
                    elif person.pk not in (d.author_id, d.signer_id, d.executor_id):
                        reasons.add("restricted-hidden")
        if len(reasons) == 8:
            break
    assert reasons == {
        "other-org",
        "general",
        "author",
        "signer",
        "executor",
        "registered_by",
        "named",
        "restricted-hidden",
    }
