"""Notification kinds are one enumeration (issue 11): ``notifications.models.Kind``.

``notify`` refuses a kind not in it at run time; this test finds one before it runs,
by walking the source of every app for kinds given to ``notify`` as literals. Kinds
built elsewhere (the reminders pass ``kind=kind`` through) are listed below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bering.notifications.models import Kind, Notification

ROOT = Path(__file__).resolve().parents[2]  # bering/


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _kinds_in_source() -> dict[str, list[str]]:
    """``kind=`` literals of ``notify(...)`` calls in every app's code (not tests)."""
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        where = str(path.relative_to(ROOT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "notify":
                for keyword in node.keywords:
                    if keyword.arg == "kind":
                        for value in _literals(keyword.value):
                            found.setdefault(value, []).append(f"{where}:{node.lineno}")
    return found


def test_the_walk_finds_notify_calls() -> None:
    found = _kinds_in_source()
    assert {"assignment_new", "report", "returned"} <= found.keys()


def test_every_literal_kind_given_to_notify_is_a_kind() -> None:
    unknown = {k: where for k, where in _kinds_in_source().items() if k not in Kind.values}
    assert unknown == {}, f"Add these kinds to bering.notifications.models.Kind: {unknown}"


@pytest.mark.parametrize("kind", ["reminder", "overdue", "escalation"])
def test_kinds_passed_through_by_the_reminders_are_kinds(kind: str) -> None:
    """``assignments.reminders`` and ``appeals.reminders`` pass their own ``kind``."""
    assert kind in Kind.values


def test_the_model_field_takes_its_choices_from_the_enumeration() -> None:
    field = Notification._meta.get_field("kind")
    assert list(field.choices or []) == list(Kind.choices)
    assert all(str(kind.label) and str(kind.label) != kind.value for kind in Kind)
