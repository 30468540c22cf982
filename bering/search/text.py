"""Words to index tokens, the same way for what is indexed and for what is asked.

A token is one of:

- a **lemma** of a Russian word (pymorphy3: «поставки», «поставке» → «поставка»),
  every dictionary lemma of an ambiguous word («стали» → «стать», «сталь»), with ё
  written е; other words lower-cased;
- a **number** as typed on a card (a run of letters and digits joined by ``-``, ``/``
  or ``.``, holding a digit: «МЗ-23», «48-вх», «01-12/345»): ``0n`` + its letters and
  digits, lower-cased (``0nмз23``), so «МЗ-23» finds that number and not «МЗ-231»;
- a **date** ДД.ММ.ГГГГ: ``0d`` + ``YYYYMMDD``;
- the **organization** an entry belongs to: ``0o`` + its id (added by the services).

No ordinary word starts with a digit followed by a Latin letter, so the prefixes
cannot collide with a lemma. Tokens hold only letters and digits: they are safe in
an FTS5 query and in a ``tsquery`` literal without escaping.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pymorphy3

_WORD = r"[0-9A-Za-zА-Яа-яЁё]+"
CHUNK = re.compile(rf"{_WORD}(?:[-/.]{_WORD})*")
_LETTERS_OR_DIGITS = re.compile(r"[A-Za-zА-Яа-яЁё]+|[0-9]+")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")

MAX_QUERY_TERMS = 8
FUNCTION_WORDS = frozenset(("PREP", "CONJ", "PRCL", "INTJ"))
"""Parts of speech not indexed nor asked: «о», «и», «не», «от» would match everything."""


@functools.cache
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=200_000)
def lemmas_of(word: str) -> frozenset[str]:
    """The lemmas of one word of letters only (lower-cased, ё as е); none for «и», «о»…"""
    word = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(word):
        return frozenset((word,))
    parses = _morph().parse(word)
    if parses and parses[0].is_known and parses[0].tag.POS in FUNCTION_WORDS:
        return frozenset()
    known = [p.normal_form for p in parses if p.is_known]
    forms = known or [parses[0].normal_form] if parses else [word]
    return frozenset(form.replace("ё", "е") for form in forms)


def date_token(day: dt.date) -> str:
    return f"0d{day:%Y%m%d}"


def number_token(number: str) -> str:
    return "0n" + "".join(_LETTERS_OR_DIGITS.findall(number)).lower().replace("ё", "е")


def organization_token(organization_id: int) -> str:
    return f"0o{organization_id}"


@dataclass(frozen=True)
class Term:
    """One typed word of a query: it matches when any of its tokens is indexed."""

    text: str
    tokens: frozenset[str]


def _chunk_terms(chunk: str) -> Iterator[Term]:
    match = _DATE.match(chunk)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            yield Term(chunk, frozenset((date_token(dt.date(year, month, day)),)))
            return
        except ValueError:
            pass
    parts = _LETTERS_OR_DIGITS.findall(chunk)
    if any(part.isdigit() for part in parts) and len(parts) > 1:
        yield Term(chunk, frozenset((number_token(chunk),)))
        return
    for part in parts:
        yield Term(part, frozenset((part,)) if part.isdigit() else lemmas_of(part))


def terms(text: str) -> Iterator[Term]:
    """The terms of a text, in order, with repeats."""
    for match in CHUNK.finditer(text):
        yield from _chunk_terms(match.group())


def query_terms(query: str) -> list[Term]:
    """A query's distinct terms (at most ``MAX_QUERY_TERMS``); all must match."""
    seen: dict[frozenset[str], Term] = {}
    for term in terms(query[:1000]):
        if term.tokens:
            seen.setdefault(term.tokens, term)
    return list(seen.values())[:MAX_QUERY_TERMS]


def index_tokens(texts: Iterable[str]) -> set[str]:
    """The distinct tokens of texts: every lemma, number, date, and the parts of numbers."""
    out: set[str] = set()
    for text in texts:
        for match in CHUNK.finditer(text):
            chunk = match.group()
            chunk_terms = list(_chunk_terms(chunk))
            for term in chunk_terms:
                out |= term.tokens
            if len(chunk_terms) == 1 and any(t.startswith("0n") for t in chunk_terms[0].tokens):
                for part in _LETTERS_OR_DIGITS.findall(chunk):
                    out |= {part} if part.isdigit() else lemmas_of(part)
    return out
