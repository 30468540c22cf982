"""Registration numbers: templates, the year of a number, counters per journal and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from bering.core import clock
from bering.documents import numbering, services
from bering.documents.models import Document, JournalCounter
from bering.documents.tests.factories import JournalFactory, doc_type

# 13:30 UTC on New Year's Eve: 01:30 on 1 January 2027 in Petropavlovsk-Kamchatsky
# (UTC+12), still 16:30 on 31 December 2026 in Moscow (UTC+3).
NEW_YEARS_EVE = dt.datetime(2026, 12, 31, 13, 30, tzinfo=dt.UTC)


def card(number: str = "125-ОД") -> services.Card:
    return services.Card(
        doc_type=doc_type("incoming-letter"),
        title="О ремонте фельдшерско-акушерского пункта в с. Никольское",
        correspondent="Администрация Алеутского муниципального округа",
        correspondent_number=number,
        correspondent_date=dt.date(2026, 11, 20),
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{index}/{seq}", "01-15/7"),
        ("{seq}", "7"),
        ("{index}-{seq}/{yy}", "01-15-7/27"),
        ("{yyyy}/{index}/{seq}", "2027/01-15/7"),
        ("МЗ-{seq}-{yyyy}", "МЗ-7-2027"),
        ("{seq}{seq}", "77"),
    ],
)
def test_format_number_fills_the_placeholders(template: str, expected: str) -> None:
    assert numbering.template_is_valid(template)
    assert numbering.format_number(template=template, index="01-15", seq=7, year=2027) == expected


def test_format_number_pads_short_years() -> None:
    assert numbering.format_number(template="{yy}/{seq}", index="", seq=1, year=2005) == "05/1"
    assert numbering.format_number(template="{yyyy}/{seq}", index="", seq=1, year=987) == "0987/1"


def test_index_is_inserted_literally_not_expanded() -> None:
    """A journal index with braces is data, never a template of its own."""
    number = numbering.format_number(template="{index}/{seq}", index="{yyyy}", seq=3, year=2026)
    assert number == "{yyyy}/3"


@pytest.mark.parametrize(
    "template",
    [
        "{seq.__class__}",
        "{seq.__class__.__init__.__globals__}",
        "{0}",
        "{}",
        "{seq!r}",
        "{seq:>10}",
        "{index}",  # no {seq}
        "",
        "{{seq}}",
        "{seq}}",
        "{seq}{",
        "{SEQ}",
        "{ seq }",
        "{year}/{seq}",
        "{index[0]}/{seq}",
    ],
)
def test_template_is_valid_refuses_unknown_placeholders(template: str) -> None:
    assert not numbering.template_is_valid(template)


def test_format_number_never_evaluates_attribute_access() -> None:
    """Were ``str.format`` used, ``{seq.__class__}`` would leak Python internals."""
    number = numbering.format_number(template="{seq.__class__}-{seq}", index="", seq=5, year=2026)
    assert number == "{seq.__class__}-5"
    assert "class" not in numbering.format_number(template="{seq}", index="", seq=5, year=2026)


def test_allocate_refuses_to_run_outside_a_transaction(monkeypatch: pytest.MonkeyPatch) -> None:
    class Conn:
        in_atomic_block = False

    monkeypatch.setattr(transaction, "get_connection", lambda *a, **k: Conn())
    with pytest.raises(RuntimeError):
        numbering.allocate(journal=JournalFactory.build(), year=2026)


def test_counters_are_per_journal_and_per_year(registrar: Any, health: Any) -> None:
    first, second = JournalFactory(organization=health), JournalFactory(organization=health)
    with transaction.atomic():
        assert [numbering.allocate(journal=first, year=2026) for _ in range(3)] == [1, 2, 3]
        assert numbering.allocate(journal=second, year=2026) == 1
        assert numbering.allocate(journal=first, year=2027) == 1
        assert numbering.allocate(journal=first, year=2026) == 4
    assert {(c.journal_id, c.year, c.last_seq) for c in JournalCounter.objects.all()} == {
        (first.pk, 2026, 4),
        (second.pk, 2026, 1),
        (first.pk, 2027, 1),
    }


def test_year_of_a_number_is_the_year_in_the_organizations_time_zone(
    monkeypatch: pytest.MonkeyPatch, registrar: Any, outsider: Any, health: Any, education: Any
) -> None:
    """Kamchatka crosses midnight nine hours before Moscow."""
    education.time_zone = "Europe/Moscow"
    education.save(update_fields=["time_zone"])
    kamchatka = JournalFactory(organization=health, template="{index}/{seq}-{yy}")
    moscow = JournalFactory(organization=education, template="{index}/{seq}-{yy}")
    JournalCounter.objects.create(journal=kamchatka, year=2026, last_seq=41)
    JournalCounter.objects.create(journal=moscow, year=2026, last_seq=41)
    monkeypatch.setattr(clock, "now", lambda: NEW_YEARS_EVE)

    east = services.document_register_incoming(
        actor=registrar.actor, card=card(), journal=kamchatka
    )
    west = services.document_register_incoming(actor=outsider.actor, card=card(), journal=moscow)

    assert (east.reg_year, east.reg_seq, east.reg_number) == (2027, 1, "01-15/1-27")
    assert east.reg_date == dt.date(2027, 1, 1)
    assert (west.reg_year, west.reg_seq, west.reg_number) == (2026, 42, "01-15/42-26")
    assert west.reg_date == dt.date(2026, 12, 31)
    assert east.registered_at == west.registered_at == NEW_YEARS_EVE
    assert JournalCounter.objects.get(journal=kamchatka, year=2026).last_seq == 41
    assert JournalCounter.objects.get(journal=kamchatka, year=2027).last_seq == 1
    assert not JournalCounter.objects.filter(journal=moscow, year=2027).exists()


def test_one_minute_before_local_midnight_is_still_the_old_year(
    monkeypatch: pytest.MonkeyPatch, registrar: Any, health: Any
) -> None:
    journal = JournalFactory(organization=health)
    # 23:59 on 31 December in Kamchatka is 11:59 UTC.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 31, 11, 59, tzinfo=dt.UTC))
    old = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC))
    new = services.document_register_incoming(
        actor=registrar.actor, card=card("126-ОД"), journal=journal
    )
    assert (old.reg_year, old.reg_seq, old.reg_date) == (2026, 1, dt.date(2026, 12, 31))
    assert (new.reg_year, new.reg_seq, new.reg_date) == (2027, 1, dt.date(2027, 1, 1))


def test_the_database_refuses_a_second_document_with_the_same_number(
    registrar: Any, health: Any
) -> None:
    """The last line of defence under the counter: a unique constraint."""
    journal = JournalFactory(organization=health)
    doc = services.document_register_incoming(actor=registrar.actor, card=card(), journal=journal)
    clone = Document.objects.get(pk=doc.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()
