"""Region-scale data generator: 380 organizations, 4,000+ employees, many documents.

Rows are written with bulk_create for speed (the demo region, by contrast, goes
through the services so its history is real). Run on a scratch database:

    BERING_DATA_DIR=/tmp/bench .venv/bin/python bench/generate.py --documents 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bering.accounts.models import User  # noqa: E402
from bering.documents.models import Document, DocumentType, Journal  # noqa: E402
from bering.documents.reference import ensure_document_types  # noqa: E402
from bering.orgs.models import Employee, Organization  # noqa: E402

WORDS = [
    "о",
    "ремонте",
    "дорог",
    "завозе",
    "топлива",
    "подготовке",
    "к",
    "отопительному",
    "сезону",
    "выделении",
    "средств",
    "проведении",
    "совещания",
    "предоставлении",
    "информации",
    "бюджете",
    "здравоохранении",
    "образовании",
    "культуре",
    "транспорте",
    "переселении",
    "граждан",
    "из",
    "аварийного",
    "жилья",
]


def generate(*, organizations: int, employees: int, documents: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    ensure_document_types()
    types = list(DocumentType.objects.all())
    start = time.perf_counter()
    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            Organization(
                name=f"Бенч-организация № {i}",
                short_name=f"Бенч-{i}",
                code=f"B{i:04d}",
                kind=rng.choice(Organization.Kind.values),
            )
            for i in range(organizations)
        )
        users = User.objects.bulk_create(
            User(username=f"bench{i}", last_name=f"Сотрудник{i}", password="!")
            for i in range(employees)
        )
        staff = Employee.objects.bulk_create(
            Employee(
                user=u,
                organization=orgs[i % len(orgs)],
                is_registrar=i < len(orgs),
                is_head=len(orgs) <= i < 2 * len(orgs),
            )
            for i, u in enumerate(users)
        )
        journals = Journal.objects.bulk_create(
            Journal(organization=o, name="Входящие", flow="incoming", template="{seq}-вх")
            for o in orgs
        )
    by_org: dict[int, list[Employee]] = {}
    for e in staff:
        by_org.setdefault(e.organization_id, []).append(e)
    counters = dict.fromkeys((j.pk for j in journals), 0)
    now = timezone.now()
    batch: list[Document] = []
    for n in range(documents):
        org = orgs[n % len(orgs)]
        journal = journals[n % len(orgs)]
        counters[journal.pk] += 1
        created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        registered = rng.random() < 0.8
        batch.append(
            Document(
                organization=org,
                doc_type=rng.choice(types),
                flow="incoming",
                status="registered" if registered else "draft",
                title=" ".join(rng.choice(WORDS) for _ in range(8)),
                author=rng.choice(by_org[org.pk]),
                journal=journal if registered else None,
                reg_year=2026 if registered else None,
                reg_seq=counters[journal.pk] if registered else None,
                reg_number=f"{counters[journal.pk]}-вх" if registered else "",
                reg_date=created.date() if registered else None,
                registered_at=created if registered else None,
                correspondent=f"Корреспондент {rng.randint(1, 500)}",
                correspondent_number=str(rng.randint(1, 9999)),
                access="restricted" if rng.random() < 0.05 else "general",
            )
        )
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch.clear()
    Document.objects.bulk_create(batch)
    print(
        f"generated {organizations} organizations, {employees} employees, "
        f"{documents} documents in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=380)
    parser.add_argument("--employees", type=int, default=4200)
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    generate(organizations=args.organizations, employees=args.employees, documents=args.documents)
