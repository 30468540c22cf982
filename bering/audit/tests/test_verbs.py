"""Audit verbs are one enumeration (issue 11): every verb written anywhere is listed.

``record`` refuses an unknown verb at run time; this test finds one before it runs,
by walking the source of every app for verbs given as literals.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bering.audit.verbs import AuditVerb

ROOT = Path(__file__).resolve().parents[2]  # bering/


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _literals(node: ast.AST) -> list[str]:
    """The strings a verb expression can take: literals, both arms of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


RECORDERS = {"record", "_record", "_audit", "_event"}  # ``record`` and the apps' wrappers


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _verbs_of(node: ast.AST) -> list[str]:
    """Verbs given as literals: ``verb=`` of ``record`` (or a wrapper of it), the
    wrappers' positional verbs, and dotted strings assigned to a variable ``verb``."""
    if isinstance(node, ast.Call) and _name(node.func) in RECORDERS:
        keyword = [v for k in node.keywords if k.arg == "verb" for v in _literals(k.value)]
        positional = [v for arg in node.args for v in _literals(arg) if "." in v]
        return keyword + positional
    targets = node.targets if isinstance(node, ast.Assign) else []
    if any(isinstance(t, ast.Name) and t.id == "verb" for t in targets):
        assert isinstance(node, ast.Assign)
        return [v for v in _literals(node.value) if "." in v]
    return []


def _verbs_in_source() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in _sources():
        where = str(path.relative_to(ROOT.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for value in _verbs_of(node):
                found.setdefault(value, []).append(f"{where}:{getattr(node, 'lineno', '?')}")
    return found


def test_the_walk_finds_the_verbs_it_should() -> None:
    found = _verbs_in_source()
    # A keyword, a conditional, a variable assignment, and a wrapper's argument.
    for verb in ("document.registered", "citizen.signed_in", "report.accepted", "route.created"):
        assert verb in found, f"the source walk no longer sees {verb}"


def test_every_literal_verb_in_the_source_is_an_audit_verb() -> None:
    unknown = {
        verb: where for verb, where in _verbs_in_source().items() if verb not in AuditVerb.values
    }
    assert unknown == {}, (
        f"Add these verbs to bering.audit.verbs.AuditVerb (with a label and a migration): {unknown}"
    )


@pytest.mark.parametrize(
    ("template", "values"),
    [
        ("assignment.{}_sent", ["reminder", "overdue", "escalation"]),
        ("appeal.registration_{}_sent", ["reminder", "overdue"]),
        ("appeal.answer_{}_sent", ["reminder", "overdue", "escalation"]),
    ],
)
def test_verbs_built_by_reminders_are_audit_verbs(template: str, values: list[str]) -> None:
    """``assignments.reminders`` and ``appeals.reminders`` build their verbs with f-strings."""
    for value in values:
        assert template.format(value) in AuditVerb.values


def test_every_verb_has_a_label() -> None:
    """Russian labels come from the translations (merged from var/i18n/h3.json)."""
    assert all(str(v.label) and str(v.label) != v.value for v in AuditVerb)


def test_values_are_unique_and_named_app_dot_action() -> None:
    assert len(set(AuditVerb.values)) == len(AuditVerb.values)
    for value in AuditVerb.values:
        family, _, action = value.partition(".")
        assert family and action and value == value.lower(), value
