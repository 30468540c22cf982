"""What changed between two versions of a text, in words rather than lines.

Pure: no database, no HTML. The texts are compared word by word (a word keeps its
punctuation, case counts, any run of whitespace is one space); the result is a list of
fragments (unchanged text folded to a few words around each change, inserted, deleted)
and a Russian summary, «изменено 3 фрагмента на стр. 2, 5». Pages are known when the
text has form feeds between pages (the text of a PDF, see ``bering.files.pdf.text``).
The template builds the HTML from the fragments, escaping every word.
"""

from __future__ import annotations

import difflib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from bering.deadlines.arithmetic import plural_ru

MAX_WORDS = 200_000
"""Longer texts (either version) are not compared: «документ слишком большой»."""

MAX_WORK = 5_000_000
"""Beyond this (see ``_work``) even the matcher's first look takes seconds."""

TIME_BUDGET = 3.0
"""Seconds the matcher may work: its work depends on how much was rewritten, not only on
the length, so a long text rewritten throughout is given up on rather than waited for."""

CONTEXT = 6
"""Unchanged words shown on each side of a change; the rest is folded."""

MAX_FRAGMENTS = 2_000
"""At most this many fragments are shown; the summary still counts every change."""

TOO_BIG = "документ слишком большой для сравнения"

Kind = Literal["same", "fold", "ins", "del"]


@dataclass(frozen=True)
class Fragment:
    """A passage of the comparison. ``fold`` stands for ``words`` unchanged words."""

    kind: Kind
    text: str = ""
    words: int = 0

    @property
    def label(self) -> str:
        """«… 12 слов без изменений …» for a fold."""
        if self.kind != "fold":
            return ""
        return f"… {self.words} {plural_ru(self.words, 'слово', 'слова', 'слов')} без изменений …"


@dataclass(frozen=True)
class TextDiff:
    fragments: list[Fragment] = field(default_factory=list)
    changes: int = 0
    pages: list[int] = field(default_factory=list)
    too_big: bool = False
    truncated: bool = False

    @property
    def changed(self) -> bool:
        return self.changes > 0

    @property
    def summary(self) -> str:
        """«изменён 1 фрагмент», «изменено 3 фрагмента на стр. 2», «… на стр. 2, 5»."""
        if self.too_big:
            return TOO_BIG
        if not self.changes:
            return "текст не изменился"
        n = self.changes
        verb = plural_ru(n, "изменён", "изменено", "изменено")
        noun = plural_ru(n, "фрагмент", "фрагмента", "фрагментов")
        where = f" на стр. {', '.join(str(p) for p in self.pages)}" if self.pages else ""
        return f"{verb} {n} {noun}{where}"


def _words(text: str) -> tuple[list[str], list[int]]:
    """The words of ``text`` and, for each, its page (1-based; form feeds separate pages)."""
    words: list[str] = []
    pages: list[int] = []
    for number, page in enumerate(text.split("\f"), start=1):
        chunk = page.split()
        words.extend(chunk)
        pages.extend([number] * len(chunk))
    return words, pages


def _same(words: list[str], *, first: bool, last: bool) -> list[Fragment]:
    """An unchanged run: whole when short, else a few words by each change, the rest folded."""
    head = 0 if first else CONTEXT
    tail = 0 if last else CONTEXT
    if len(words) <= head + tail + 1:
        return [Fragment("same", " ".join(words))] if words else []
    out: list[Fragment] = []
    if head:
        out.append(Fragment("same", " ".join(words[:head])))
    out.append(Fragment("fold", words=len(words) - head - tail))
    if tail:
        out.append(Fragment("same", " ".join(words[len(words) - tail :])))
    return out


def compare(old: str, new: str) -> TextDiff:
    """The word-level comparison of ``old`` and ``new``."""
    a, a_pages = _words(old)
    b, b_pages = _words(new)
    if len(a) > MAX_WORDS or len(b) > MAX_WORDS:
        return TextDiff(too_big=True)
    paged = "\f" in old or "\f" in new

    # The common beginning and end cost nothing to find and spare the matcher most of
    # a long text with a few edits.
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    if _work(a[start : len(a) - end], b[start : len(b) - end]) > MAX_WORK:
        return TextDiff(too_big=True)
    matcher = _Budgeted(a[start : len(a) - end], b[start : len(b) - end], TIME_BUDGET)
    ops: list[tuple[str, int, int, int, int]] = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    try:
        opcodes = matcher.get_opcodes()
    except _OutOfTime:
        return TextDiff(too_big=True)
    for op, o1, o2, n1, n2 in opcodes:
        ops.append((op, o1 + start, o2 + start, n1 + start, n2 + start))
    if end:
        ops.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    ops = _merge_equal(ops)

    fragments: list[Fragment] = []
    changes = 0
    pages: set[int] = set()
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            fragments.extend(_same(a[i1:i2], first=index == 0, last=index == len(ops) - 1))
            continue
        changes += 1
        if paged:
            if j2 > j1:
                pages.update(b_pages[j1:j2])
            elif b_pages:
                pages.add(b_pages[min(j1, len(b_pages) - 1)])
            else:
                pages.update(a_pages[i1:i2])
        if i2 > i1:
            fragments.append(Fragment("del", " ".join(a[i1:i2])))
        if j2 > j1:
            fragments.append(Fragment("ins", " ".join(b[j1:j2])))
    truncated = len(fragments) > MAX_FRAGMENTS
    return TextDiff(
        fragments=fragments[:MAX_FRAGMENTS] if changes else [],
        changes=changes,
        pages=sorted(pages),
        truncated=truncated,
    )


def _work(a: list[str], b: list[str]) -> int:
    """About how many steps the matcher's first look takes: for each word of ``a`` the
    places of that word in ``b`` (a word in more than 1% of ``b`` is not looked up)."""
    counts = Counter(b)
    popular = len(b) // 100 + 1 if len(b) >= 200 else len(b) + 1
    return sum(c for w in a if (c := counts.get(w, 0)) <= popular)


class _OutOfTime(Exception):
    pass


class _Budgeted(difflib.SequenceMatcher[str]):
    """A matcher that gives up (``_OutOfTime``) once its time budget is spent: it looks
    for the longest match once per matching block, and the clock is read each time."""

    def __init__(self, a: list[str], b: list[str], budget: float) -> None:
        self.deadline = time.monotonic() + budget
        super().__init__(None, a, b, autojunk=True)

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        if time.monotonic() > self.deadline:
            raise _OutOfTime
        return super().find_longest_match(alo, ahi, blo, bhi)


def _merge_equal(
    ops: list[tuple[str, int, int, int, int]],
) -> list[tuple[str, int, int, int, int]]:
    """Adjacent equal runs (a prefix next to the matcher's own) as one."""
    merged: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            _, i1, _, j1, _ = merged[-1]
            merged[-1] = ("equal", i1, op[2], j1, op[4])
        else:
            merged.append(op)
    return merged
