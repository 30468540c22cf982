"""Tokens: the same for the indexed text and for the query (morphology, ё, numbers, dates)."""

import datetime as dt

import pytest

from bering.search import snippets, text


def tokens_of(query: str) -> list[frozenset[str]]:
    return [term.tokens for term in text.query_terms(query)]


@pytest.mark.parametrize(
    ("indexed", "asked"),
    [
        ("О поставке медицинского оборудования", "поставки"),
        ("О поставках", "поставка"),
        ("Ёлочные игрушки для детского сада", "елочных"),
        ("Елка на площади", "ёлки"),
        ("Решение о бюджете округа", "бюджета"),
        ("Письмо Иванова Петра", "Иванов"),
        ("Входящий № 48-вх от 01.12.2026", "48-ВХ"),
        ("Приказ МЗ-23", "мз-23"),
        ("Зарегистрирован 01.12.2026", "1.12.2026"),
    ],
)
def test_indexed_text_holds_every_token_of_the_query(indexed: str, asked: str) -> None:
    tokens = text.index_tokens([indexed])
    for wanted in tokens_of(asked):
        assert wanted & tokens, (asked, wanted, tokens)


@pytest.mark.parametrize(
    ("indexed", "asked"),
    [
        ("Приказ МЗ-231", "МЗ-23"),
        ("Письмо 48-вх", "49-вх"),
        ("Зарегистрирован 02.12.2026", "01.12.2026"),
        ("О поставке", "постановление"),
    ],
)
def test_a_different_number_date_or_word_is_not_found(indexed: str, asked: str) -> None:
    tokens = text.index_tokens([indexed])
    assert not all(wanted & tokens for wanted in tokens_of(asked))


def test_function_words_are_neither_indexed_nor_asked() -> None:
    assert tokens_of("о бюджете и не от") == [frozenset({"бюджет"})]
    assert not {"о", "и", "не", "от"} & text.index_tokens(["о бюджете и не от"])


def test_tokens_are_letters_and_digits_only_whatever_is_typed() -> None:
    hostile = "\"'); DROP TABLE x; -- OR AND NOT * ^ : ( ) ' \\ {}[]<>`|&! МЗ-1 01.02.2026 ☃ 𝔘"
    for term in text.query_terms(hostile):
        for token in term.tokens:
            assert token.isalnum(), token


def test_a_date_that_does_not_exist_is_read_as_numbers() -> None:
    assert text.date_token(dt.date(2026, 2, 28)) == "0d20260228"
    assert tokens_of("31.02.2026") == [frozenset({"0n31022026"})]


def test_a_query_is_cut_to_its_first_terms() -> None:
    words = " ".join(f"слово{n}" for n in range(30))
    assert len(text.query_terms(words)) == text.MAX_QUERY_TERMS


def test_snippet_marks_every_form_of_the_asked_words_and_nothing_else() -> None:
    terms = text.query_terms("поставка ёлок")
    pieces = snippets.marked("Приказ о поставке елок и постановление о поставках", terms)
    assert pieces is not None
    assert [p.text for p in pieces if p.marked] == ["поставке", "елок", "поставках"]
    assert "".join(p.text for p in pieces) == "Приказ о поставке елок и постановление о поставках"


def test_snippet_is_cut_around_the_first_match() -> None:
    body = "вступление " * 100 + "решение о бюджете " + "окончание " * 100
    pieces = snippets.marked(body, text.query_terms("бюджет"), width=120)
    assert pieces is not None
    joined = "".join(p.text for p in pieces)
    assert joined.startswith("…") and joined.endswith("…")
    assert len(joined) <= 125
    assert [p.text for p in pieces if p.marked] == ["бюджете"]
    assert snippets.marked(body, text.query_terms("поставка"), width=120) is None
