"""Full-text search of documents: card and files, morphology, numbers, and visibility."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from bering.assignments.tests.factories import incoming, issued
from bering.documents import selectors, services
from bering.documents.models import Document
from bering.documents.tests.factories import JournalFactory, doc_type
from bering.files import processing
from bering.files.samples import make_docx, make_pdf
from bering.search.models import SearchPart

pytestmark = pytest.mark.django_db


def draft(persona, title, *, files=(), **card):
    kw = dict(doc_type=doc_type("memo"), title=title)
    kw.update(card)
    uploads = [services.Upload(name=name, stream=io.BytesIO(data)) for name, data in files]
    return services.document_create(
        actor=persona.actor, card=services.Card(**kw), flow="internal", uploads=uploads
    )


def process_files(document):
    for item in selectors.current_files(document):
        processing.process(item.stored_id)


def found(persona, text, **query):
    page = selectors.document_search(persona.actor, selectors.SearchQuery(text=text, **query))
    return [hit.document.pk for hit in page.hits]


def test_any_form_of_a_word_finds_the_title_and_ye_is_e(registrar):
    doc = draft(registrar, "О поставке медицинского оборудования для ФАПов")
    tree = draft(registrar, "Об установке новогодней ёлки у здания министерства")
    assert found(registrar, "поставки") == [doc.pk]
    assert found(registrar, "оборудованию поставка") == [doc.pk]
    assert found(registrar, "елка") == [tree.pk]
    assert found(registrar, "ЁЛКИ") == [tree.pk]
    assert found(registrar, "поставки ёлки") == []


def test_registration_and_correspondent_numbers_match_exactly(registrar, health):
    journal = JournalFactory(organization=health)
    card = dict(
        doc_type=doc_type("incoming-letter"),
        correspondent="Администрация Алеутского муниципального округа",
        correspondent_date=dt.date(2026, 11, 20),
    )
    first = services.document_register_incoming(
        actor=registrar.actor,
        card=services.Card(title="О ремонте ФАПа", correspondent_number="48-вх", **card),
        journal=journal,
    )
    for n in range(2, 13):
        services.document_register_incoming(
            actor=registrar.actor,
            card=services.Card(title="О ремонте ФАПа", correspondent_number=f"{n}-ОД", **card),
            journal=journal,
        )
    twelfth = Document.objects.get(reg_number="01-15/12")
    assert found(registrar, "01-15/1") == [first.pk]
    assert found(registrar, "01-15/12") == [twelfth.pk]
    assert found(registrar, "48-ВХ") == [first.pk]
    assert found(registrar, "20.11.2026 48-вх") == [first.pk]
    assert len(found(registrar, "Алеутского")) == 12


def test_a_word_only_inside_the_pdf_or_docx_is_found_after_extraction(registrar):
    pdf = make_pdf("Акт", "Осмотр показал трещину в несущей балке перекрытия.")
    docx = make_docx("Справка", "Котельная переведена на резервное топливо.")
    doc = draft(registrar, "Служебная записка", files=[("akt.pdf", pdf), ("spravka.docx", docx)])
    assert found(registrar, "балка") == []
    process_files(doc)
    assert found(registrar, "балки перекрытия") == [doc.pk]
    assert found(registrar, "резервного топлива") == [doc.pk]
    hit = selectors.document_search(registrar.actor, selectors.SearchQuery(text="балки")).hits[0]
    assert hit.snippet is not None
    assert [p.text for p in hit.snippet if p.marked] == ["балке"]


def test_a_new_version_replaces_the_old_text(registrar):
    doc = draft(
        registrar, "Служебная записка", files=[("a.pdf", make_pdf("А", "Старый текст про лодку."))]
    )
    process_files(doc)
    assert found(registrar, "лодка") == [doc.pk]
    upload = services.Upload(
        name="b.pdf", stream=io.BytesIO(make_pdf("Б", "Новый текст про вертолёт."))
    )
    services.document_file_add(actor=registrar.actor, document=doc, upload=upload, replaces_slot=1)
    process_files(doc)
    assert found(registrar, "вертолет") == [doc.pk]
    assert found(registrar, "лодка") == []


MARKER = "Кзыфлоп"


def test_search_never_reveals_a_foreign_or_restricted_document(registrar, head, executor, outsider):
    restricted = draft(
        head,
        f"Проверка {MARKER} по закрытому делу",
        access=Document.Access.RESTRICTED,
        allowed=[registrar.employee],
        files=[("s.pdf", make_pdf("ДСП", f"Внутри файла {MARKER}внутри и {MARKER}."))],
    )
    process_files(restricted)
    foreign = draft(outsider, f"Письмо {MARKER} министерства образования")
    assert found(head, MARKER) == [restricted.pk]
    assert found(registrar, MARKER) == [restricted.pk]
    assert found(executor, MARKER) == []
    assert found(outsider, MARKER) == [foreign.pk]
    page = selectors.document_search(executor.actor, selectors.SearchQuery(text=MARKER))
    assert page.total == 0 and page.hits == []


def test_filters_narrow_and_the_order_is_by_relevance_or_date(registrar, executor):
    in_body = draft(registrar, "Отчёт", files=[("a.pdf", make_pdf("А", "Про паводок на реке."))])
    process_files(in_body)
    in_title = draft(registrar, "О паводке в Усть-Камчатском округе", executor=executor.employee)
    assert found(registrar, "паводок") == [in_title.pk, in_body.pk]
    assert found(registrar, "паводок", order="date") == [in_title.pk, in_body.pk]
    Document.objects.filter(pk=in_title.pk).update(
        created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    assert found(registrar, "паводок", order="date") == [in_body.pk, in_title.pk]
    assert found(registrar, "паводок") == [in_title.pk, in_body.pk]
    assert found(registrar, "паводок", executor_id=executor.employee.pk) == [in_title.pk]
    assert found(registrar, "паводок", date_from=dt.date(2026, 1, 1)) == [in_body.pk]

    night = draft(registrar, "Ночная сводка о ледоходе")  # 01:00 of 1 January in Kamchatka
    Document.objects.filter(pk=night.pk).update(
        created_at=dt.datetime(2024, 12, 31, 13, 0, tzinfo=dt.UTC)
    )
    assert found(registrar, "ледоход", date_to=dt.date(2024, 12, 31)) == []
    assert found(registrar, "ледоход", date_to=dt.date(2025, 1, 1)) == [night.pk]
    assert found(registrar, "ледоход", date_from=dt.date(2025, 1, 1)) == [night.pk]
    assert found(registrar, "ледоход", date_from=dt.date(2025, 1, 2)) == []
    assert found(registrar, "паводок", status="registered") == []


def test_more_matches_than_the_cap_are_shown_newest_first_uncounted(registrar, monkeypatch):
    docs = [draft(registrar, f"О паводке, сообщение {n}") for n in range(5)]
    monkeypatch.setattr(selectors, "MATCH_CAP", 3)
    first = selectors.document_search(
        registrar.actor, selectors.SearchQuery(text="паводок"), per_page=2
    )
    assert first.total is None and first.by_date and first.has_next
    assert [h.document.pk for h in first.hits] == [docs[4].pk, docs[3].pk]
    last = selectors.document_search(
        registrar.actor, selectors.SearchQuery(text="паводок"), page=3, per_page=2
    )
    assert [h.document.pk for h in last.hits] == [docs[0].pk] and not last.has_next
    monkeypatch.setattr(selectors, "MATCH_CAP", 5)
    counted = selectors.document_search(registrar.actor, selectors.SearchQuery(text="паводок"))
    assert counted.total == 5


def test_more_index_matches_than_the_cap_but_few_visible_are_counted_and_ranked(
    registrar, head, executor, monkeypatch
):
    closed = [
        draft(
            head,
            f"О паводке, закрытая сводка {n}",
            access=Document.Access.RESTRICTED,
            allowed=[registrar.employee],
        )
        for n in range(4)
    ]
    older = draft(head, "О паводке и паводковой обстановке на реке паводок")
    newer = draft(head, "Сводка за сутки", files=[("s.pdf", make_pdf("С", "Паводок."))])
    process_files(newer)
    monkeypatch.setattr(selectors, "MATCH_CAP", 3)
    page = selectors.document_search(executor.actor, selectors.SearchQuery(text="паводок"))
    assert page.total == 2 and not page.by_date
    assert [h.document.pk for h in page.hits] == [older.pk, newer.pk]
    monkeypatch.setattr(selectors, "MATCH_CAP", 4)  # now all six are read from the index
    page = selectors.document_search(executor.actor, selectors.SearchQuery(text="паводок"))
    assert page.total == 2 and [h.document.pk for h in page.hits] == [older.pk, newer.pk]
    assert found(head, "паводок", order="date")[:2] == [newer.pk, older.pk]
    assert len(found(head, "паводок")) == len(closed) + 2


def test_when_the_index_cannot_count_the_newest_documents_are_read_and_at_least_said(
    registrar, head, executor, monkeypatch
):
    """Many entries, few visible: the newest ``WALK`` documents passing the filters are
    tested; when they are not all of them, the page says «не менее N», newest first."""
    for n in range(6):
        draft(
            head,
            f"О паводке, закрытая сводка {n}",
            access=Document.Access.RESTRICTED,
            allowed=[registrar.employee],
        )
    older = draft(head, "О паводке на реке Камчатке")
    newer = draft(head, "Паводок: сводка за сутки")
    draft(head, "О завозе топлива")  # the newest, without the word
    monkeypatch.setattr(selectors, "MATCH_CAP", 3)  # the index is read 6 ids at a time
    monkeypatch.setattr(selectors, "WALK", 2)
    page = selectors.document_search(
        executor.actor, selectors.SearchQuery(text="паводок"), per_page=1
    )
    assert page.total is None and page.at_least == 1 and page.by_date and page.has_next
    assert [h.document.pk for h in page.hits] == [newer.pk]
    deeper = selectors.document_search(
        executor.actor, selectors.SearchQuery(text="паводок"), per_page=1, page=2
    )
    assert [h.document.pk for h in deeper.hits] == [older.pk] and deeper.at_least == 2
    monkeypatch.setattr(selectors, "WALK", 4)  # fewer visible than that: all read, counted
    page = selectors.document_search(executor.actor, selectors.SearchQuery(text="паводок"))
    assert page.total == 2 and page.at_least is None
    assert {h.document.pk for h in page.hits} == {older.pk, newer.pk}
    monkeypatch.setattr(selectors, "WALK", 2)  # the page and the API say it
    html = executor.client().get("/documents/search/", {"q": "паводок"}).content.decode()
    assert 'data-at-least="2"' in html and "не менее 2" in html
    body = executor.client().get("/api/v1/search", {"q": "паводок"}).json()
    assert body["count"] is None and body["count_at_least"] == 2 and body["order"] == "date"


def test_an_empty_or_function_word_query_finds_nothing(registrar):
    draft(registrar, "О бюджете")
    assert found(registrar, "") == []
    assert found(registrar, "и о не") == []


def test_the_text_of_an_issued_resolution_is_found(registrar, head, executor, controller):
    document = incoming(registrar, title="О ремонте кровли")
    assert found(head, "согласовать смету") == []
    issued(
        head,
        document,
        executor.employee,
        controller=controller.employee,
        text="Согласовать смету с подрядчиком",
    )
    assert found(head, "сметы подрядчика") == [document.pk]
    assert found(executor, "смета") == [document.pk]


def test_file_text_that_came_before_its_part_is_caught_up_by_the_sweep(registrar):
    pdf = make_pdf("Акт", "Проверка выявила нарушение пожарной безопасности.")
    doc = draft(registrar, "Служебная записка", files=[("akt.pdf", pdf)])
    process_files(doc)
    SearchPart.objects.filter(source__startswith="file:").update(tokens="")  # as if raced
    services.document_file_add(
        actor=registrar.actor,
        document=doc,
        upload=services.Upload(name="x.pdf", stream=io.BytesIO(make_pdf("Б", "пусто"))),
    )
    assert found(registrar, "пожарной") == []
    call_command("search_catch_up", verbosity=0)
    assert found(registrar, "пожарной безопасности") == [doc.pk]
