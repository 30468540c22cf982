"""Region-scale data generator: 380 organizations, 4,000+ employees, many documents.

Rows are written with bulk_create for speed (the demo region, by contrast, goes
through the services so its history is real). Each document gets its search entry
(card tokens from its card, as ``bering.documents.indexing`` makes them; a share of
the documents also a file's text of 200-1500 words), written by COPY on PostgreSQL
with the GIN index built once at the end. Documents are dated over the past year.
Run on a scratch database:

    BERING_DATA_DIR=/tmp/bench .venv/bin/python bench/generate.py --documents 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_bench \
        .venv/bin/python bench/generate.py --documents 1000000 --big 100000

Search entries hold no ``SearchPart`` rows: searching reads only the entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bering.accounts.models import User  # noqa: E402
from bering.documents.indexing import KIND, card_text  # noqa: E402
from bering.documents.models import Document, DocumentType, Journal, JournalCounter  # noqa: E402
from bering.documents.reference import ensure_document_types  # noqa: E402
from bering.orgs.models import Employee, Organization  # noqa: E402
from bering.search.models import SearchEntry  # noqa: E402
from bering.search.text import index_tokens, organization_token  # noqa: E402

VOCABULARY = """
ремонт дорога завоз топливо подготовка отопительный сезон выделение средства
проведение совещание предоставление информация бюджет здравоохранение образование
культура транспорт переселение гражданин аварийный жилье поставка оборудование
медицинский учреждение школа детский сад больница поликлиника район поселок село
администрация глава постановление распоряжение приказ письмо запрос ответ обращение
жалоба заявление договор контракт муниципальный государственный закупка аукцион
конкурс котировка смета проект строительство реконструкция капитальный текущий
водоснабжение водоотведение теплоснабжение электроснабжение газоснабжение котельная
сеть трубопровод насосный станция мост переправа паром причал аэропорт вертолетный
площадка северный завоз навигация ледовый переправа зимник автомобильный грузовой
перевозка пассажирский маршрут расписание тариф субсидия компенсация возмещение
расход доход налог сбор пошлина штраф платеж задолженность погашение кредит заем
отчет исполнение контроль проверка ревизия акт протокол заключение экспертиза
согласование утверждение изменение дополнение отмена продление срок порядок
положение регламент инструкция методический рекомендация разъяснение уведомление
извещение приглашение представление награждение грамота благодарность почетный
звание ветеран пенсионер инвалид семья многодетный ребенок молодежь спорт
соревнование турнир праздник фестиваль выставка концерт музей библиотека архив
документ дело фонд хранение передача уничтожение экспертный комиссия рабочий группа
состав член председатель заместитель секретарь специалист сотрудник работник
штатный расписание вакансия назначение увольнение отпуск командировка премия
зарплата оплата труд охрана пожарный безопасность чрезвычайный ситуация паводок
наводнение пожар лесной тушение эвакуация население оповещение учение тренировка
санитарный эпидемиологический вакцинация грипп профилактика диспансеризация
лекарственный препарат аптека фельдшерский пункт скорый помощь санитарный авиация
земельный участок аренда собственность имущество приватизация кадастровый
межевание градостроительный план разрешение ввод эксплуатация жилой многоквартирный
дом управляющий компания благоустройство территория двор освещение уборка снег
мусор вывоз твердый коммунальный отход полигон экология природный ресурс рыбный
промысел оленеводство сельский хозяйство ферма продукция торговля магазин цена
мониторинг статистика перепись показатель численность прогноз развитие программа
стратегия инвестиционный предприниматель малый бизнес поддержка грант конкурсный
отбор заявка участник победитель итог результат оценка эффективность рейтинг
связь интернет цифровой платформа электронный услуга портал сервис обучение курс
повышение квалификация переподготовка семинар конференция форум визит делегация
"""
"""A few hundred words of a region's paperwork; titles and bodies are drawn from them
with falling weights, so the first words are common (about a third of the documents)
and the last rare."""

RARE = [
    "гидрометеоролог",
    "ледокол",
    "вездеход",
    "снегоход",
    "метеостанция",
    "дизельгенератор",
    "радиорелейный",
    "мерзлота",
]
"""Each is written into only a few documents (``RARE_COPIES``), some in the big organization."""
RARE_COPIES = 6
LOCAL = "тундра"
"""Common in the other organizations (``LOCAL_SHARE`` of their documents), rare in the big
one: the planner, taking words and organizations as independent, expects many matches
there (the trap of walking the date index for a word that is rare where asked)."""
LOCAL_SHARE = 0.2
ABSENT = "аннигиляция"
"""A word no generated document holds."""


def vocabulary() -> list[str]:
    words = list(dict.fromkeys(VOCABULARY.split()))
    assert not {ABSENT, LOCAL, *RARE} & set(words)
    return words


def _org_of(n: int, documents: int, big: int, orgs: list[Organization]) -> Organization:
    """The first ``big`` documents belong to the first organization, the rest spread."""
    if n < big:
        return orgs[0]
    return orgs[1 + (n - big) % (len(orgs) - 1)] if len(orgs) > 1 else orgs[0]


def _drop_text_index() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_entry_tsv")
    return True


def _make_text_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX search_entry_tsv ON search_searchentry USING gin (tsv)")
        cursor.execute("ANALYZE search_searchentry")
        cursor.execute("ANALYZE documents_document")


def _write_entries(rows: list[tuple[int, int, str, str]]) -> None:
    """Search entries of (document id, organization id, card, body), in bulk."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY search_searchentry (kind, object_id, organization_id, card, body, "
                "updated_at) FROM STDIN"
            ) as copy:
                for pk, org_id, card, body in rows:
                    copy.write_row((KIND, pk, org_id, card, body, now))
        return
    entries = SearchEntry.objects.bulk_create(
        SearchEntry(kind=KIND, object_id=pk, organization_id=org_id, card=card, body=body)
        for pk, org_id, card, body in rows
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_fts (rowid, card, body) VALUES (%s, %s, %s)",
            [(e.pk, e.card, e.body) for e in entries],
        )


def generate(
    *,
    organizations: int,
    employees: int,
    documents: int,
    big: int = 0,
    bodies: float = 0.1,
    seed: int = 7,
) -> None:
    rng = random.Random(seed)
    ensure_document_types()
    types = list(DocumentType.objects.all())
    words = vocabulary()
    word_tokens = [frozenset(index_tokens([w])) for w in words]
    cum_weights = list(itertools.accumulate(1 / (r + 10) for r in range(len(words))))
    indices = range(len(words))
    rare_at: dict[int, str] = {}
    for word in RARE:
        in_big = [rng.randrange(big) for _ in range(2)] if 0 < big <= documents else []
        for n in in_big + rng.sample(range(documents), RARE_COPIES - len(in_big)):
            rare_at[n] = word
    local_at = set(rng.sample(range(big), RARE_COPIES)) if big else set()
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
    journal_of = {j.organization_id: j for j in journals}
    by_org: dict[int, list[Employee]] = {}
    for e in staff:
        by_org.setdefault(e.organization_id, []).append(e)
    counters = dict.fromkeys((j.pk for j in journals), 0)
    now = timezone.now()
    indexed = _drop_text_index()
    created_field = Document._meta.get_field("created_at")
    created_field.auto_now_add = False  # type: ignore[attr-defined]  # dated over a year
    batch: list[Document] = []
    texts: list[tuple[set[str], str]] = []

    def flush() -> None:
        with transaction.atomic():
            Document.objects.bulk_create(batch)
            _write_entries(
                [
                    (d.pk, d.organization_id, " ".join(sorted(card)), body)
                    for d, (card, body) in zip(batch, texts, strict=True)
                ]
            )
        batch.clear()
        texts.clear()

    try:
        for n in range(documents):
            org = _org_of(n, documents, big, orgs)
            journal = journal_of[org.pk]
            counters[journal.pk] += 1
            created = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            registered = rng.random() < 0.8
            chosen = rng.choices(indices, cum_weights=cum_weights, k=8)
            title = [words[i] for i in chosen]
            if n in rare_at:
                title[rng.randrange(8)] = rare_at[n]
            elif (n >= big and rng.random() < LOCAL_SHARE) or n in local_at:
                title[rng.randrange(8)] = LOCAL
            document = Document(
                organization=org,
                doc_type=rng.choice(types),
                flow="incoming",
                status="registered" if registered else "draft",
                title=" ".join(title).capitalize(),
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
                created_at=created,
            )
            card = index_tokens([card_text(document)]) | {organization_token(org.pk)}
            body = ""
            if rng.random() < bodies:
                drawn = set(rng.choices(indices, cum_weights=cum_weights, k=rng.randint(200, 1500)))
                body_tokens: set[str] = set().union(*(word_tokens[i] for i in drawn))
                body = " ".join(sorted(body_tokens - card))
            batch.append(document)
            texts.append((card, body))
            if len(batch) == 5000:
                flush()
                if n % 100_000 == 99_999:
                    print(f"  {n + 1} documents, {time.perf_counter() - start:.0f} s", flush=True)
        flush()
    finally:
        created_field.auto_now_add = True  # type: ignore[attr-defined]
    JournalCounter.objects.bulk_create(
        JournalCounter(journal_id=pk, year=2026, last_seq=seq) for pk, seq in counters.items()
    )
    made = time.perf_counter() - start
    if indexed:
        _make_text_index()
    print(
        f"generated {organizations} organizations, {employees} employees, "
        f"{documents} documents (the first organization {min(big, documents) or 'as others'}, "
        f"{bodies:.0%} with a file's text) in {made:.1f} s, "
        f"text index {time.perf_counter() - start - made:.1f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--organizations", type=int, default=380)
    parser.add_argument("--employees", type=int, default=4200)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument(
        "--big", type=int, default=0, help="documents of the first organization (0: as others)"
    )
    parser.add_argument(
        "--bodies", type=float, default=0.1, help="share of documents with a file's text"
    )
    args = parser.parse_args()
    generate(
        organizations=args.organizations,
        employees=args.employees,
        documents=args.documents,
        big=args.big,
        bodies=args.bodies,
    )
