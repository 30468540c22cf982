"""Snippets: a short piece of a text around the first matched word, words marked.

Only candidates are lemmatized: words starting with a stem of an asked lemma, and
numbers or dates when those are asked, so a long text costs one regex pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bering.search.text import CHUNK, Term, index_tokens

SCAN_LIMIT = 300_000
"""Characters of a text searched for a snippet (the index holds all of it)."""


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool = False


def _stem(token: str) -> str:
    return token[: max(2, min(len(token) - 3, 5))]


def _candidates(terms: Sequence[Term]) -> re.Pattern[str] | None:
    stems: set[str] = set()
    numbers = False
    for term in terms:
        for token in term.tokens:
            if token.startswith(("0n", "0d")) or token.isdigit():
                numbers = True
            else:
                stems.add(re.escape(_stem(token)))
    patterns = []
    if stems:
        stem_alternatives = "|".join(sorted(stems, key=len, reverse=True))
        patterns.append(rf"(?<![0-9A-Za-zА-Яа-яЁё])(?:{stem_alternatives})[A-Za-zА-Яа-яЁё]*")
    if numbers:
        patterns.append(CHUNK.pattern)
    if not patterns:
        return None
    return re.compile("|".join(patterns), re.IGNORECASE)


def _normalise(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def marked(text: str, terms: Sequence[Term], *, width: int = 0) -> list[Piece] | None:
    """``text`` cut to ``width`` characters around the first match (0: whole), the
    matched words marked; None when no asked word is in it."""
    pattern = _candidates(terms)
    if pattern is None:
        return None
    wanted = set().union(*(term.tokens for term in terms))
    scanned = _normalise(text[:SCAN_LIMIT])
    spans = [
        match.span()
        for match in pattern.finditer(scanned)
        if index_tokens([match.group()]) & wanted
    ]
    if not spans:
        return None
    start, end = 0, len(text)
    if width:
        first = spans[0][0]
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
        if start > 0:
            start = text.rfind(" ", 0, start) + 1
    pieces: list[Piece] = [Piece("…")] if start > 0 else []
    at = start
    for left, right in spans:
        if left < at or right > end:
            continue
        pieces.append(Piece(text[at:left]))
        pieces.append(Piece(text[left:right], marked=True))
        at = right
    pieces.append(Piece(text[at:end] + ("…" if end < len(text) else "")))
    return [piece for piece in pieces if piece.text]
