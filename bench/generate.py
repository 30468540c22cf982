"""Region-scale data generator: 380 organizations, 4,000+ employees, millions of documents.

Documents come with their work: approval rounds with visas and the signature,
resolutions with assignments and reports, and the audit log in per-organization
hash chains. Rows are written by COPY on PostgreSQL (psycopg 3, a writer thread
streaming while the next batch is made; ``bench/gen_sink.py``) and with
executemany on SQLite (small sizes). From 50,000 documents on PostgreSQL two
processes make the documents, each for its own organizations (so each journal's
numbers and each organization's chain stay in one process), the secondary indexes
are built once at the end and foreign-key triggers are skipped while writing.
The whole history is coherent:

- documents are registered on working days from January 2022 to now, more each
  year; numbers follow registration times without gaps per journal and year, and
  each ``JournalCounter`` holds the last, so the app registers the next one;
- outgoing and internal drafts are approved, signed, then registered; the newest
  are still in work (``bench/gen_flow.py``); incoming letters get resolutions;
- every document has its search entry (card tokens as ``documents.indexing``
  makes them, a share with a file's text) and its audit events, chained per
  organization with the root chain announcing each (``bench/gen_audit.py``).

The first organization holds ``--big`` documents. Run on a scratch database:

    BERING_DATA_DIR=/tmp/bench .venv/bin/python bench/generate.py --documents 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bering_scale \
        .venv/bin/python bench/generate.py --documents 2000000 --big 200000

Search entries hold no ``SearchPart`` rows: searching reads only the entries.
"""

from __future__ import annotations

import argparse
import array
import bisect
import datetime as dt
import itertools
import multiprocessing
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402

from bench.gen_audit import Chains  # noqa: E402
from bench.gen_flow import DAY, HOUR, Work, at  # noqa: E402
from bench.gen_region import Org, Person, region_create  # noqa: E402
from bench.gen_sink import Indexes, Sink, Table, ids_base, ids_start, reset_sequences  # noqa: E402
from bering.approvals.models import Regulation  # noqa: E402
from bering.approvals.reference import ensure_regulations  # noqa: E402
from bering.core import clock  # noqa: E402
from bering.documents.indexing import KIND  # noqa: E402
from bering.documents.models import Document, DocumentType, JournalCounter  # noqa: E402
from bering.documents.numbering import format_number  # noqa: E402
from bering.documents.reference import ensure_document_types  # noqa: E402
from bering.search.models import SearchEntry  # noqa: E402
from bering.search.text import index_tokens, lemmas_of, number_token, organization_token  # noqa: E402

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


START = dt.datetime(2022, 1, 10, tzinfo=dt.UTC)
"""The first working day of the generated history."""
BATCH = 5000
BACK = 40 * DAY
"""No event of a document is earlier than its slot by more than this: the audit log
releases events older than the current slot minus ``BACK``, in time order."""
TEXTS = 3000
"""Files' texts are drawn from so many, made once (each 200-1500 words of the vocabulary)."""
IN_WORK_DAYS = 14
"""Outgoing and internal drafts of the last two weeks may still be in work."""

FLOW_SHARES = (("incoming", 0.55), ("outgoing", 0.30), ("internal", 0.15))
TYPE_SHARES = {
    "incoming": (("incoming-letter", 85), ("appeal", 15)),
    "outgoing": (("outgoing-letter", 70), ("decree", 15), ("agreement", 10), ("normative-act", 5)),
    "internal": (("memo", 40), ("order", 30), ("disposition", 20), ("protocol", 10)),
}
RESOLVED = {"incoming": 0.45, "internal": 0.15, "outgoing": 0.0}
"""Share of registered documents that get a resolution."""
RESTRICTED = 0.05
CORRESPONDENTS = (
    "Министерство финансов края",
    "Министерство здравоохранения края",
    "Министерство образования края",
    "Министерство строительства края",
    "Прокуратура района",
    "Управление Федерального казначейства",
    "Администрация городского округа",
    "Администрация муниципального района",
    "Законодательное собрание края",
    "Контрольно-счетная палата края",
    "Территориальный фонд обязательного медицинского страхования",
    "Главное управление МЧС России по краю",
    "Отделение Социального фонда России",
    "Управление Росреестра по краю",
    "Краевая больница",
    "Совет депутатов сельского поселения",
    "ООО «Северная энергетическая компания»",
    "АО «Камчатские коммунальные системы»",
)

DOC_COLUMNS = (
    "id",
    "organization_id",
    "doc_type_id",
    "flow",
    "status",
    "title",
    "access",
    "journal_id",
    "reg_year",
    "reg_seq",
    "reg_number",
    "reg_date",
    "registered_at",
    "registered_by_id",
    "signed_at",
    "author_id",
    "signer_id",
    "executor_id",
    "addressee",
    "pages",
    "attachments_note",
    "correspondent",
    "correspondent_number",
    "correspondent_date",
    "in_reply_to_id",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = ("id", "kind", "object_id", "organization_id", "card", "body", "updated_at")
ALLOWED_COLUMNS = ("id", "document_id", "employee_id")


def vocabulary() -> list[str]:
    words = list(dict.fromkeys(VOCABULARY.split()))
    assert not {ABSENT, LOCAL, *RARE} & set(words)
    return words


def slots(rng: random.Random, count: int, start: float, now: float, tz: dt.tzinfo) -> list[float]:
    """``count`` moments in working hours of working days from ``start`` to ``now``, in
    order; each day's share grows over the years (more organizations, more paper)."""
    day = dt.datetime.fromtimestamp(start, tz).date()
    today = dt.datetime.fromtimestamp(now, tz).date()
    windows = []
    while day <= today:
        if day.weekday() < 5:
            low = dt.datetime.combine(day, dt.time(9), tz).timestamp()
            high = min(dt.datetime.combine(day, dt.time(18), tz).timestamp(), now - 60)
            if high > low:
                windows.append((low, high))
        day += dt.timedelta(days=1)
    weights = list(itertools.accumulate(1 + 1.5 * i / len(windows) for i in range(len(windows))))
    out: list[float] = []
    made = 0
    for (low, high), weight in zip(windows, weights, strict=True):
        upto = round(count * weight / weights[-1])
        out += sorted(rng.uniform(low, high) for _ in range(upto - made))
        made = upto
    return out


NUMBER_PARTS = re.compile(r"[A-Za-zА-Яа-яЁё]+|[0-9]+")


def number_tokens(number: str) -> set[str]:
    """``index_tokens([number])`` for a registration number, without its regular
    expressions: the number's token and its parts (the test compares the two)."""
    if number.isdigit():
        return {number}
    out = {number_token(number)}
    for part in NUMBER_PARTS.findall(number):
        if part.isdigit():
            out.add(part)
        else:
            out |= lemmas_of(part)
    return out


def _shares(weights: list[float]) -> list[float]:
    """Cumulative shares below 1 for ``bisect`` of a ``random()``: the last is open."""
    total = sum(weights)
    return list(itertools.accumulate(w / total for w in weights))[:-1]


class Progress:
    """A plain line on stderr every few seconds: phase, rows, rate, ETA."""

    def __init__(self, phase: str, total: int, *, quiet: bool = False) -> None:
        self.phase, self.total, self.quiet = phase, total, quiet
        self.start = self.last = time.perf_counter()

    def update(self, done: int, rows: int, *, force: bool = False) -> None:
        moment = time.perf_counter()
        if self.quiet or (moment - self.last < 5 and not force):
            return
        self.last = moment
        took = moment - self.start
        rate = done / took if took else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        print(
            f"[{self.phase}] {done:,}/{self.total:,} documents, {rows:,} rows, "
            f"{rate:,.0f} documents/s ({rows / took if took else 0:,.0f} rows/s), "
            f"{took:,.0f} s, ETA {eta:,.0f} s",
            file=sys.stderr,
            flush=True,
        )

    def step(self, done: int, total: int) -> None:
        if not self.quiet:
            took = time.perf_counter() - self.start
            print(f"[{self.phase}] {done}/{total}, {took:,.0f} s", file=sys.stderr, flush=True)


@dataclass
class Summary:
    rows: dict[str, int]
    seconds: float
    index_seconds: float
    copy_seconds: float
    python_seconds: float
    """CPU time of the generating processes until the rows were written."""
    server_seconds: float
    """CPU time of the PostgreSQL backends while the rows were written."""
    parts: int = 1


@dataclass
class Plan:
    """What every part needs, made once before the parts start (and inherited by fork)."""

    seed: int
    now: float
    big: int
    bodies: float
    fast: bool
    quiet: bool
    orgs: list[Org]
    terms: dict[int, tuple[int, int, int]]
    kinds: dict[str, tuple[list[DocumentType], list[float]]]
    words: list[str]
    word_tokens: list[frozenset[str]]
    cum_weights: list[float]
    texts: list[list[str]]
    moments: list[float]
    owner: array.array[int]
    """The organization (index in ``orgs``) of each document, in time order."""
    part_of: list[int]
    """The part that makes each organization's documents."""
    rare_big: dict[int, str]
    rare_any: dict[int, str]
    local_big: set[int]
    bases: dict[str, int]
    """The first id of each table for the parts (ids ``base + part + k * parts``)."""
    heads: dict[int, list[Any]]


@dataclass
class PartResult:
    rows: dict[str, int]
    counters: dict[tuple[int, int], int]
    heads: dict[int, list[Any]]
    python_seconds: float
    server_seconds: float
    copy_seconds: float


def generate(
    *,
    organizations: int,
    employees: int,
    documents: int,
    big: int = 0,
    bodies: float = 0.1,
    seed: int = 7,
    fast: bool | None = None,
    parts: int | None = None,
    quiet: bool = False,
) -> Summary:
    """Fill the database with a region's history; see the module's docstring.

    ``fast`` (default: on PostgreSQL from 50,000 documents) drops the secondary
    indexes of the filled tables and skips foreign-key triggers while writing, and
    builds the indexes at the end. ``parts`` processes make the documents, each
    for its own organizations with its own connection (default: 2 on PostgreSQL
    from 50,000 documents, else 1, in this process).
    """
    began, cpu_began = time.perf_counter(), time.process_time()
    large = connection.vendor == "postgresql" and documents >= 50_000
    fast = large if fast is None else fast
    parts = (2 if large else 1) if parts is None else parts
    plan, tables, chains = _prepare(
        organizations=organizations,
        employees=employees,
        documents=documents,
        big=big,
        bodies=bodies,
        seed=seed,
        fast=fast,
        parts=parts,
        quiet=quiet,
    )
    indexes = Indexes([t.name for t in tables]) if fast else None
    if indexes is not None:
        indexes.drop()
    cpu = time.process_time() - cpu_began
    global _PLAN
    _PLAN = plan
    if parts == 1:
        results = [_produce_part(0, 1)]
    else:
        connections.close_all()  # each part opens its own
        with multiprocessing.get_context("fork").Pool(parts) as pool:
            results = pool.starmap(_produce_part, [(part, parts) for part in range(parts)])
    _PLAN = None
    counters: dict[tuple[int, int], int] = {}
    for result in results:
        counters.update(result.counters)
        chains.heads.update(result.heads)
    JournalCounter.objects.bulk_create(
        JournalCounter(journal_id=journal_id, year=year, last_seq=last)
        for (journal_id, year), last in sorted(counters.items())
    )
    chains.write_heads()
    reset_sequences(tables)
    made = time.perf_counter()
    if indexes is not None:
        indexes.build(Progress("indexes", 0, quiet=quiet))
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table.name}")
    rows = {t.name: t.written for t in tables}
    for result in results:
        for name, count in result.rows.items():
            rows[name] += count
    return Summary(
        rows=rows,
        seconds=time.perf_counter() - began,
        index_seconds=time.perf_counter() - made,
        copy_seconds=sum(r.copy_seconds for r in results),
        python_seconds=cpu + sum(r.python_seconds for r in results),
        server_seconds=sum(r.server_seconds for r in results),
        parts=parts,
    )


def _prepare(
    *,
    organizations: int,
    employees: int,
    documents: int,
    big: int,
    bodies: float,
    seed: int,
    fast: bool,
    parts: int,
    quiet: bool,
) -> tuple[Plan, list[Table], Chains]:
    """The region with its journals' events (written), and the plan of the documents."""
    rng = random.Random(seed)
    ensure_document_types()
    ensure_regulations()
    now = clock.now().timestamp()
    start = START.timestamp()
    big = min(big, documents)
    chains = Chains()
    with transaction.atomic():
        orgs = region_create(
            rng,
            organizations=organizations,
            employees=employees,
            big_staff=max(4, employees // 20) if big else 0,
            connected=start - 30 * DAY,
            chains=chains,
        )
    chains.release(None)  # the journals' events, each chain opened in the root chain
    with Sink() as sink:
        sink.flush([chains.table])
    types = {t.code: t for t in DocumentType.objects.all()}
    tables = [
        Table(Document, DOC_COLUMNS),
        Table(Document.allowed.through, ALLOWED_COLUMNS),
        Table(SearchEntry, ENTRY_COLUMNS),
        *Work.new_tables(),
        chains.table,
    ]
    bases = {t.name: ids_base(t) for t in tables}
    words = vocabulary()
    word_tokens = [frozenset(index_tokens([w])) for w in words]
    cum_weights = list(itertools.accumulate(1 / (r + 10) for r in range(len(words))))
    texts = [
        sorted(
            set().union(
                *(
                    word_tokens[i]
                    for i in set(
                        rng.choices(
                            range(len(words)), cum_weights=cum_weights, k=rng.randint(200, 1500)
                        )
                    )
                )
            )
        )
        for _ in range(min(TEXTS, max(1, int(documents * bodies))))
    ]
    others = len(orgs) - 1
    owner = array.array("H", [0]) * documents
    for n in range(documents):
        owner[n] = 1 + rng.randrange(others) if others else 0
    for n in rng.sample(range(documents), big) if others else ():
        owner[n] = 0
    rare_big: dict[int, str] = {}
    rare_any: dict[int, str] = {}
    for word in RARE:
        in_big = [rng.randrange(big) for _ in range(2)] if big else []
        rare_big.update(dict.fromkeys(in_big, word))
        anywhere = rng.sample(range(documents), RARE_COPIES - len(in_big))
        rare_any.update(dict.fromkeys(anywhere, word))
    plan = Plan(
        seed=seed,
        now=now,
        big=big,
        bodies=bodies,
        fast=fast,
        quiet=quiet,
        orgs=orgs,
        terms={
            r.doc_type_id: (r.total_days, r.stage_days, r.sign_days)
            for r in Regulation.objects.all()
        },
        kinds={
            flow: ([types[code] for code, _ in shares], _shares([w for _, w in shares]))
            for flow, shares in TYPE_SHARES.items()
        },
        words=words,
        word_tokens=word_tokens,
        cum_weights=cum_weights,
        texts=texts,
        moments=slots(rng, documents, start, now, orgs[0].tz),
        owner=owner,
        part_of=_balance(owner, len(orgs), parts),
        rare_big=rare_big,
        rare_any=rare_any,
        local_big=set(rng.sample(range(big), RARE_COPIES)) if big >= RARE_COPIES else set(),
        bases=bases,
        heads={chain: list(head) for chain, head in chains.heads.items()},
    )
    return plan, tables, chains


def _balance(owner: array.array[int], organizations: int, parts: int) -> list[int]:
    """Each organization's part, the largest first to the least loaded part."""
    counts = [0] * organizations
    for index in owner:
        counts[index] += 1
    load = [0] * parts
    part_of = [0] * organizations
    for index in sorted(range(organizations), key=lambda i: -counts[i]):
        part = load.index(min(load))
        part_of[index] = part
        load[part] += counts[index]
    return part_of


_PLAN: Plan | None = None


def _produce_part(part: int, parts: int) -> PartResult:
    """Make and write the documents of the part's organizations, in time order."""
    plan = _PLAN
    assert plan is not None
    cpu_began = time.process_time()
    rng = random.Random(plan.seed * 1000 + part)
    now, orgs, owner, moments = plan.now, plan.orgs, plan.owner, plan.moments
    big = plan.big
    mine_orgs = {org.id for index, org in enumerate(orgs) if plan.part_of[index] == part}
    mine = [n for n in range(len(moments)) if plan.part_of[owner[n]] == part]
    chains = Chains(heads={c: h for c, h in plan.heads.items() if c in mine_orgs})
    work = Work(rng, chains, now)
    docs = Table(Document, DOC_COLUMNS)
    allowed = Table(Document.allowed.through, ALLOWED_COLUMNS)
    entries = Table(SearchEntry, ENTRY_COLUMNS)
    tables = [docs, allowed, entries, *work.tables, chains.table]
    for table in tables:
        ids_start(table, plan.bases[table.name], part, parts)
    flow_names = [f for f, _ in FLOW_SHARES]
    flow_weights = _shares([w for _, w in FLOW_SHARES])
    terms, kinds, words, word_tokens = plan.terms, plan.kinds, plan.words, plan.word_tokens
    indices = range(len(words))
    rare_any, rare_big, local_big = plan.rare_any, plan.rare_big, plan.local_big
    cached: dict[str, frozenset[str]] = {}

    def tokens_of(text: str) -> frozenset[str]:
        found = cached.get(text)
        if found is None:
            found = cached[text] = frozenset(index_tokens([text]))
        return found

    counters: dict[tuple[int, int], int] = {}
    label = "documents" if parts == 1 else f"documents, part {part + 1} of {parts}"
    progress = Progress(label, len(mine), quiet=plan.quiet)
    seen_big = 0
    with Sink(skip_foreign_keys=plan.fast) as sink:

        def flush(until: float | None) -> None:
            chains.release(until)
            if sink.postgres:
                sink.flush(tables)  # the writer thread owns the connection meanwhile
                return
            fts = [(r[0], r[4], r[5]) for r in entries.rows]
            with transaction.atomic():
                sink.flush(tables)
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO search_fts (rowid, card, body) VALUES (%s, %s, %s)", fts
                    )

        for done, n in enumerate(mine, 1):
            moment = moments[n]
            org = orgs[owner[n]]
            if big and org is orgs[0]:
                ordinal = seen_big
                seen_big += 1
            else:
                ordinal = -1
            draw = rng.random()
            flow = flow_names[bisect.bisect(flow_weights, draw)]
            choices, weights = kinds[flow]
            doc_type = choices[bisect.bisect(weights, rng.random())]
            doc_id = docs.next_id()
            chosen = rng.choices(indices, cum_weights=plan.cum_weights, k=8)
            title = [words[i] for i in chosen]
            extra = rare_any.get(n) or rare_big.get(ordinal)
            if extra is None and (
                ordinal in local_big if ordinal >= 0 else rng.random() < LOCAL_SHARE
            ):
                extra = LOCAL
            if extra is not None:
                place = rng.randrange(8)
                title[place] = extra
                chosen[place] = -1
            card = set().union(*(word_tokens[i] for i in chosen if i >= 0))
            if extra is not None:
                card |= tokens_of(extra)
            restricted = rng.random() < RESTRICTED
            people: set[int] = set()
            signer: Person | None = None
            executor: Person | None = None
            signed_at = None
            correspondent = number_theirs = addressee = ""
            date_theirs = None
            if flow == "incoming":
                author = org.registrar
                created = moment - rng.uniform(20, 600)
                registered: float | None = moment
                status = "registered"
                last = moment
                correspondent = rng.choice(CORRESPONDENTS)
                number_theirs = (
                    str(rng.randint(1, 9999))
                    if rng.random() < 0.5
                    else f"{rng.randint(1, 99):02d}-{rng.randint(1, 40)}/{rng.randint(1, 9999)}"
                )
            else:
                author = rng.choice(org.officials)
                deputy = rng.random() > 0.8 and author is not org.controller
                signer = org.controller if deputy else org.head
                executor = author
                addressee = rng.choice(CORRESPONDENTS) if flow == "outgoing" else ""
                days = terms.get(doc_type.pk, (3, 1, 1))
                rounds = work.plan(org, author, signer, days)
                age = (now - moment) / DAY
                if age < IN_WORK_DAYS and rng.random() < 0.6 * (1 - age / IN_WORK_DAYS):
                    created, registered = moment, None
                    base = moment + rng.uniform(HOUR, 2 * DAY)
                else:
                    registered = moment
                    base = moment - rng.uniform(0.2 * HOUR, DAY) - rounds[-1].end
                    created = base - rng.uniform(HOUR, 3 * DAY)
                outcome = work.approval_write(doc_id, org, author, rounds, base, days[0])
                if registered is not None and outcome.status != "signed":
                    raise AssertionError(f"document {doc_id} registered before it was signed")
                status = "registered" if registered is not None else outcome.status
                signed_at = outcome.signed_at
                people = outcome.people
                last = max(moment, outcome.last) if registered is not None else outcome.last
                chains.push(
                    created,
                    org.id,
                    "document.created",
                    author.user,
                    author.employee,
                    "document",
                    doc_id,
                    {"type": doc_type.code, "title": " ".join(title).capitalize()},
                )
            journal = reg_year = seq = reg_date = None
            number = ""
            if registered is not None:
                journal = org.journals[flow]
                local = at(registered)
                assert local is not None
                local = local.astimezone(org.tz)
                reg_year, reg_date = local.year, local.date()
                key = (journal.pk, reg_year)
                seq = counters[key] = counters.get(key, 0) + 1
                number = format_number(
                    template=journal.template, index=journal.index, seq=seq, year=reg_year
                )
                registrar = org.registrar
                chains.push(
                    registered,
                    org.id,
                    "document.registered",
                    registrar.user,
                    registrar.employee,
                    "document",
                    doc_id,
                    {"number": number, "journal": journal.name, "type": doc_type.code},
                )
                card |= number_tokens(number)
                card.add(f"0d{reg_date:%Y%m%d}")
                if flow == "incoming":
                    date_theirs = reg_date - dt.timedelta(days=rng.randint(0, 14))
                    card |= tokens_of(correspondent)
                    card |= number_tokens(number_theirs)
                    card.add(f"0d{date_theirs:%Y%m%d}")
                if rng.random() < RESOLVED[flow]:
                    people.update(work.resolution_write(doc_id, org, registered))
            if addressee:
                card |= tokens_of(addressee)
            for person in (signer, executor):
                if person is not None:
                    card |= person.tokens
            card.add(organization_token(org.id))
            if restricted:
                people.add(org.head.employee)
                for employee in sorted(people):
                    allowed.add((allowed.next_id(), doc_id, employee))
            title_text = " ".join(title).capitalize()
            docs.add(
                (
                    doc_id,
                    org.id,
                    doc_type.pk,
                    flow,
                    status,
                    title_text,
                    "restricted" if restricted else "general",
                    journal.pk if journal is not None else None,
                    reg_year,
                    seq,
                    number,
                    reg_date,
                    at(registered),
                    org.registrar.employee if registered is not None else None,
                    at(signed_at),
                    author.employee,
                    signer.employee if signer is not None else None,
                    executor.employee if executor is not None else None,
                    addressee,
                    rng.randint(1, 12),
                    "",
                    correspondent,
                    number_theirs,
                    date_theirs,
                    None,
                    at(created),
                    at(last),
                )
            )
            body = ""
            if rng.random() < plan.bodies:
                body = " ".join(t for t in rng.choice(plan.texts) if t not in card)
            entries.add(
                (entries.next_id(), KIND, doc_id, org.id, " ".join(sorted(card)), body, at(last))
            )
            if len(docs.rows) >= BATCH:
                flush(moment - BACK)
                progress.update(done, sum(t.written for t in tables))
        flush(None)
    progress.update(len(mine), sum(t.written for t in tables), force=True)
    return PartResult(
        rows={t.name: t.written for t in tables},
        counters=counters,
        heads={c: h for c, h in chains.heads.items() if c in mine_orgs},
        python_seconds=time.process_time() - cpu_began,
        server_seconds=sink.server_seconds,
        copy_seconds=sink.copy_seconds,
    )


def main() -> None:
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
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--keep-indexes",
        action="store_true",
        help="keep indexes and foreign-key checks while writing (slower)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args()
    summary = generate(
        organizations=args.organizations,
        employees=args.employees,
        documents=args.documents,
        big=args.big,
        bodies=args.bodies,
        seed=args.seed,
        fast=False if args.keep_indexes else None,
        quiet=args.quiet,
    )
    print(
        f"generated {args.documents:,} documents ({args.organizations} organizations, "
        f"{args.employees} employees, the first organization "
        f"{min(args.big, args.documents) or 'as others'}) in {summary.seconds:,.1f} s "
        f"(indexes {summary.index_seconds:,.1f} s, COPY busy {summary.copy_seconds:,.1f} s; "
        f"CPU while writing: Python {summary.python_seconds:,.1f} s, "
        f"PostgreSQL {summary.server_seconds:,.1f} s)"
    )
    for name, rows in summary.rows.items():
        print(f"  {name:32s} {rows:>12,}")


if __name__ == "__main__":
    main()
