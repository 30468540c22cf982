"""What changed, in words: insertions, deletions, folds, pages and the Russian summary."""

from __future__ import annotations

import pytest

from bering.approvals import textdiff
from bering.approvals.textdiff import MAX_WORDS, Fragment, compare


def kinds(old: str, new: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in compare(old, new).fragments]


def test_an_inserted_word() -> None:
    assert kinds("Завоз топлива до 1 октября.", "Завоз угля и топлива до 1 октября.") == [
        ("same", "Завоз"),
        ("ins", "угля и"),
        ("same", "топлива до 1 октября."),
    ]


def test_a_deleted_word() -> None:
    assert kinds("Завоз всего топлива до 1 октября.", "Завоз топлива до 1 октября.") == [
        ("same", "Завоз"),
        ("del", "всего"),
        ("same", "топлива до 1 октября."),
    ]


def test_a_replaced_word_is_one_fragment_removed_then_added() -> None:
    diff = compare("Завоз 300 тонн до 1 октября.", "Завоз 350 тонн до 1 октября.")
    assert [(f.kind, f.text) for f in diff.fragments] == [
        ("same", "Завоз"),
        ("del", "300"),
        ("ins", "350"),
        ("same", "тонн до 1 октября."),
    ]
    assert diff.changes == 1 and diff.summary == "изменён 1 фрагмент"


def test_punctuation_stays_with_its_word_case_counts_whitespace_does_not() -> None:
    diff = compare("Срок:  1 октября,\nвсё.", "Срок: 1 Октября, всё.")
    assert [(f.kind, f.text) for f in diff.fragments] == [
        ("same", "Срок: 1"),
        ("del", "октября,"),
        ("ins", "Октября,"),
        ("same", "всё."),
    ]
    assert not compare("Текст  проекта\r\n", "Текст проекта").changed


def test_unchanged_text_is_folded_to_a_few_words_around_each_change() -> None:
    words = [f"слово{i}" for i in range(100)]
    new = list(words)
    new[50] = "НОВОЕ"
    fragments = compare(" ".join(words), " ".join(new)).fragments
    assert [f.kind for f in fragments] == ["fold", "same", "del", "ins", "same", "fold"]
    assert fragments[0].words == 44 and fragments[0].label == "… 44 слова без изменений …"
    assert fragments[1].text == " ".join(words[44:50])
    assert fragments[4].text == " ".join(words[51:57])
    assert fragments[5].words == 43
    assert Fragment("fold", words=5).label == "… 5 слов без изменений …"
    assert Fragment("fold", words=21).label == "… 21 слово без изменений …"


def test_a_long_unchanged_run_between_changes_keeps_both_sides() -> None:
    middle = [f"м{i}" for i in range(30)]
    old = " ".join(["А", *middle, "Б"])
    new = " ".join(["А1", *middle, "Б1"])
    fragments = compare(old, new).fragments
    assert [f.kind for f in fragments] == ["del", "ins", "same", "fold", "same", "del", "ins"]
    assert fragments[3].words == 18


@pytest.mark.parametrize(
    ("count", "summary"),
    [
        (1, "изменён 1 фрагмент"),
        (2, "изменено 2 фрагмента"),
        (5, "изменено 5 фрагментов"),
        (11, "изменено 11 фрагментов"),
        (21, "изменён 21 фрагмент"),
    ],
)
def test_the_summary_says_the_count_in_proper_russian(count: int, summary: str) -> None:
    old = [f"слово{i}" for i in range(count * 3)]
    new = [f"НОВОЕ{i}" if i % 3 == 1 else w for i, w in enumerate(old)]
    diff = compare(" ".join(old), " ".join(new))
    assert diff.changes == count and diff.summary == summary


def test_pages_come_from_form_feeds() -> None:
    old = "Первая страница.\fВторая страница, 300 тонн.\fТретья.\fПятая, старое."
    new = "Первая страница.\fВторая страница, 350 тонн.\fТретья.\fПятая, новое."
    diff = compare(old, new)
    assert diff.pages == [2, 4] and diff.summary == "изменено 2 фрагмента на стр. 2, 4"
    # A deletion is told on the page of the new version where it happened.
    deleted = compare("Один.\fДва, три.", "Один.\fДва.")
    assert deleted.pages == [2]
    # Without page breaks, no pages.
    assert compare("Один два.", "Один три.").summary == "изменён 1 фрагмент"


def test_text_is_kept_as_is_for_the_template_to_escape() -> None:
    diff = compare("Текст проекта", "Текст <script>alert(1)</script> проекта")
    assert ("ins", "<script>alert(1)</script>") in [(f.kind, f.text) for f in diff.fragments]


def test_nothing_changed() -> None:
    diff = compare("Текст проекта", "Текст\nпроекта")
    assert not diff.changed and diff.fragments == [] and diff.summary == "текст не изменился"


# How long a comparison takes is measured in bench/, never asserted here: the time
# budget is a server's safety valve, so these tests fix it to make the answer exact.


def test_a_100000_word_text_with_a_few_edits_is_compared(monkeypatch) -> None:
    monkeypatch.setattr(textdiff, "TIME_BUDGET", 3600.0)
    words = [f"слово{(i * 7919) % 3001}" for i in range(100_000)]
    new = list(words)
    new[10] = "НАЧАЛО"
    new[50_000:50_003] = ["середина"]
    new[99_990] = "КОНЕЦ"
    diff = compare(" ".join(words), " ".join(new))
    assert diff.changes == 3 and diff.summary == "изменено 3 фрагмента"


def test_a_comparison_past_its_time_budget_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(textdiff, "TIME_BUDGET", 0.0)
    old = " ".join(f"слово{(i * 7919) % 3001}" for i in range(1_000))
    new = " ".join(f"слово{(i * 104729) % 3001}" for i in range(1_000))
    diff = compare(old, new)
    assert diff.too_big and diff.summary == "документ слишком большой для сравнения"


def test_a_huge_text_is_not_compared() -> None:
    diff = compare("слово " * (MAX_WORDS + 1), "слово " * MAX_WORDS)
    assert diff.too_big and diff.fragments == []
