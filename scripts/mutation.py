"""A small mutation tester: flip one thing in a rule module, run its tests, repeat.

Usage: ``.venv/bin/python scripts/mutation.py [--budget SECONDS] [module ...]``
(``make mutation``). Each mutant is one AST change of one module (a flipped
comparison, ``and``/``or`` swapped, a ``not`` dropped, ``True``/``False``
swapped, a ``.filter(...)``/``.exclude(...)`` removed, one operand of a ``|``/``&``
chain dropped, a function body replaced by an early ``return``). The mutated
source is given to a pytest run of that module's tests only (``-x``, one
process, SQLite, test database suffix ``_mut``) through
``scripts/mutation_plugin.py``, which compiles the module from the mutated
source at import: the working tree is never written. A mutant is *killed* when
the tests fail, *survived* when they pass. Prints the score per module and the
survivors. See docs/decisions/0015-mutation-testing.md.
"""

# ruff: noqa: T201, S603 - a command-line tool that prints and runs pytest
from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module file -> the tests that cover it (kept small: each mutant runs them all).
MODULES: dict[str, list[str]] = {
    "bering/documents/permissions.py": [
        "bering/documents/tests/test_mutation_kills.py",
        "bering/documents/tests/test_visibility_property.py",
    ],
    "bering/signatures/services.py": ["bering/signatures/tests"],
    "bering/signatures/selectors.py": ["bering/signatures/tests"],
    "bering/assignments/permissions.py": [
        "bering/assignments/tests/test_mutation_kills_m2.py",
        "bering/assignments/tests/test_mutation_kills.py",
        "bering/assignments/tests/test_services.py",
    ],
    "bering/approvals/permissions.py": ["bering/approvals/tests/test_mutation_kills_m2.py"],
    "bering/exchange/permissions.py": [
        "bering/exchange/tests/test_mutation_kills_m2.py",
        "bering/exchange/tests/test_services.py",
    ],
    "bering/documents/services.py": [
        "bering/documents/tests/test_mutation_kills.py",
        "bering/documents/tests/test_mutation_kills_m1.py",
        "bering/documents/tests/test_numbering.py",
        "bering/documents/tests/test_registration.py",
        "bering/documents/tests/test_views.py",
    ],
    "bering/assignments/services/reports.py": [
        "bering/assignments/tests/test_mutation_kills_m2.py",
        "bering/assignments/tests/test_mutation_kills.py",
        "bering/assignments/tests/test_services.py",
    ],
    "bering/reports/permissions.py": [
        "bering/reports/tests/test_mutation_kills_asg.py",
        "bering/reports/tests/test_discipline.py",
    ],
    "bering/deadlines/permissions.py": [
        "bering/deadlines/tests/test_mutation_kills_asg.py",
        "bering/deadlines/tests/test_views.py",
    ],
    "bering/orgs/permissions.py": [
        "bering/orgs/tests/test_mutation_kills_asg.py",
        "bering/orgs/tests/test_staff.py",
    ],
    "bering/appeals/permissions.py": [
        "bering/appeals/tests/test_mutation_kills_asg.py",
        "bering/appeals/tests/test_views.py",
        "bering/appeals/tests/test_services.py",
    ],
    "bering/publication/permissions.py": [
        "bering/publication/tests/test_mutation_kills.py",
        "bering/publication/tests/test_services.py",
        "bering/publication/tests/test_views.py",
    ],
    "bering/documents/selectors.py": [
        "bering/documents/tests/test_mutation_kills.py",
        "bering/documents/tests/test_mutation_kills_m1.py",
        "bering/documents/tests/test_registration.py",
        "bering/documents/tests/test_pickers.py",
        "bering/documents/tests/test_views.py",
    ],
    "bering/exchange/selectors.py": [
        "bering/exchange/tests/test_mutation_kills_asg.py",
        "bering/exchange/tests/test_services.py",
        "bering/exchange/tests/test_views.py",
    ],
    "bering/approvals/selectors.py": [
        "bering/approvals/tests/test_mutation_kills_app2.py",
        "bering/approvals/tests/test_workflow.py",
    ],
    "bering/assignments/selectors.py": [
        "bering/assignments/tests/test_mutation_kills_asg.py",
        "bering/assignments/tests/test_services.py",
        "bering/assignments/tests/test_self_control.py",
        "bering/assignments/tests/test_draft_due.py",
        "bering/assignments/tests/test_views.py",
    ],
    "bering/assignments/services/resolutions.py": [
        "bering/assignments/tests/test_services.py",
        "bering/assignments/tests/test_self_control.py",
        "bering/assignments/tests/test_draft_due.py",
        "bering/assignments/tests/test_mutation_kills_asg.py",
    ],
    "bering/assignments/services/extensions.py": [
        "bering/assignments/tests/test_services.py",
        "bering/assignments/tests/test_due_limit.py",
        "bering/assignments/tests/test_mutation_kills_asg.py",
    ],
    "bering/exchange/services.py": [
        "bering/exchange/tests/test_mutation_kills_asg.py",
        "bering/exchange/tests/test_services.py",
    ],
    "bering/approvals/services/signing.py": [
        "bering/approvals/tests/test_mutation_kills_app.py",
        "bering/approvals/tests/test_workflow.py",
    ],
    "bering/approvals/services/decisions.py": [
        "bering/approvals/tests/test_mutation_kills_app.py",
        "bering/approvals/tests/test_workflow.py",
        "bering/approvals/tests/test_views.py",
    ],
    "bering/approvals/services/rounds.py": [
        "bering/approvals/tests/test_mutation_kills_app.py",
        "bering/approvals/tests/test_workflow.py",
        "bering/approvals/tests/test_next_round.py",
    ],
    "bering/approvals/services/common.py": [
        "bering/approvals/tests/test_mutation_kills_app.py",
        "bering/approvals/tests/test_workflow.py",
    ],
    "bering/approvals/services/reminders.py": [
        "bering/approvals/tests/test_mutation_kills_app.py",
        "bering/approvals/tests/test_workflow.py",
    ],
}

COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
}


@dataclass
class Mutant:
    line: int
    description: str
    source: str


def _docstring(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _points(tree: ast.Module) -> Iterator[tuple[ast.AST, str, str]]:
    """Every place a mutation applies: (node, kind, description). Not in annotations."""
    typing: set[int] = set()
    for node in ast.walk(tree):
        annotations: list[ast.expr | None] = []
        if isinstance(node, ast.arg):
            annotations.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for annotation in annotations:
            if annotation is not None:
                typing.update(id(n) for n in ast.walk(annotation))
    for node in ast.walk(tree):
        if id(node) in typing:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in COMPARE_FLIPS:
                    flipped = COMPARE_FLIPS[type(op)].__name__
                    yield node, f"cmp:{i}", f"{type(op).__name__} -> {flipped}"
        elif isinstance(node, ast.BoolOp):
            yield node, "boolop", "and -> or" if isinstance(node.op, ast.And) else "or -> and"
            for i in range(len(node.values)):
                yield node, f"boolop-drop:{i}", f"drop operand {i + 1} of {len(node.values)}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "not", "drop not"
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield node, "bool", f"{node.value} -> {not node.value}"
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd)):
            yield node, "bin-left", "drop right operand of " + type(node.op).__name__
            yield node, "bin-right", "drop left operand of " + type(node.op).__name__
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"filter", "exclude"}
            and (node.args or node.keywords)
        ):
            yield node, "call-drop", f"drop .{node.func.attr}(...)"
            if len(node.args) + len(node.keywords) > 1:
                for i in range(len(node.keywords)):
                    yield node, f"kw-drop:{i}", f"drop {node.keywords[i].arg}= of .{node.func.attr}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith(
            "__"
        ):
            body = [n for n in node.body if not _docstring(n)]
            if body and node.returns is not None:
                returns = ast.unparse(node.returns)
                if returns == "bool":
                    yield node, "ret:True", f"{node.name}: return True"
                    yield node, "ret:False", f"{node.name}: return False"
                elif returns == "None":
                    yield node, "ret:None", f"{node.name}: return at once"


class _Apply(ast.NodeTransformer):
    def __init__(self, target: int, kind: str) -> None:
        self.target = target
        self.kind = kind

    def visit(self, node: ast.AST) -> ast.AST:
        if id(node) != self.target:
            visited: ast.AST = super().visit(node)
            return visited
        kind, _, arg = self.kind.partition(":")
        if kind == "cmp":
            assert isinstance(node, ast.Compare)
            node.ops[int(arg)] = COMPARE_FLIPS[type(node.ops[int(arg)])]()
        elif kind == "boolop":
            assert isinstance(node, ast.BoolOp)
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif kind == "boolop-drop":
            assert isinstance(node, ast.BoolOp)
            values = [v for i, v in enumerate(node.values) if i != int(arg)]
            return values[0] if len(values) == 1 else ast.BoolOp(op=node.op, values=values)
        elif kind == "not":
            assert isinstance(node, ast.UnaryOp)
            return node.operand
        elif kind == "bool":
            assert isinstance(node, ast.Constant)
            return ast.Constant(value=not node.value)
        elif kind == "bin-left":
            assert isinstance(node, ast.BinOp)
            return node.left
        elif kind == "bin-right":
            assert isinstance(node, ast.BinOp)
            return node.right
        elif kind == "call-drop":
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            return node.func.value
        elif kind == "kw-drop":
            assert isinstance(node, ast.Call)
            node.keywords = [k for i, k in enumerate(node.keywords) if i != int(arg)]
        elif kind == "ret":
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            value = None if arg == "None" else ast.Constant(value=arg == "True")
            doc = [n for n in node.body[:1] if _docstring(n)]
            node.body = [*doc, ast.Return(value=value)]
        return node


def mutants(path: Path) -> Iterator[Mutant]:
    text = path.read_text()
    tree = ast.parse(text)
    original = ast.unparse(tree)
    seen: set[str] = set()
    for index, (node, kind, description) in enumerate(list(_points(tree))):
        clone = copy.deepcopy(tree)
        target = list(_points(clone))[index][0]
        mutated: ast.AST = ast.fix_missing_locations(_Apply(id(target), kind).visit(clone))
        source = ast.unparse(mutated)
        if source == original or source in seen:
            continue
        seen.add(source)
        yield Mutant(line=getattr(node, "lineno", 0), description=description, source=source)


def run_module(
    module: str,
    mutants: list[Mutant],
    tests: list[str],
    deadline: float,
    tmp: Path,
    *,
    fresh: bool,
) -> list[tuple[str, str]]:
    """One pytest session runs the module's tests once per mutant (see the plugin)."""
    labels = [f"{module}:{m.line} {m.description}" for m in mutants]
    mutants_file = tmp / "mutants.json"
    out_file = tmp / "verdicts.jsonl"
    mutants_file.write_text(
        json.dumps(
            [
                {"module": module, "label": label, "source": m.source}
                for label, m in zip(labels, mutants, strict=True)
            ]
        )
    )
    out_file.write_text("")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BERING_TEST_DB_SUFFIX": os.environ.get("BERING_MUT_SUFFIX", "_mut"),
        "BERING_MUTANTS_FILE": str(mutants_file),
        "BERING_MUTANTS_OUT": str(out_file),
        "BERING_MUTANTS_DEADLINE": str(deadline) if deadline else "0",
    }
    env.pop("DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:xdist",
        "-p",
        "no:randomly",
        "-p",
        "scripts.mutation_plugin",
        "--create-db" if fresh else "--reuse-db",
        "-m",
        "not browser",
        *tests,
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
    verdicts = []
    for line in out_file.read_text().splitlines():
        row = json.loads(line)
        verdicts.append((row["label"], row["verdict"]))
    if not verdicts or verdicts[0][1] != "passed":  # show why the tests do not pass as they are
        print(done.stdout.decode(errors="replace")[-3000:], flush=True)
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modules", nargs="*", help="module files (default: all of MODULES)")
    parser.add_argument("--budget", type=float, default=0, help="stop after SECONDS (0: never)")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    options = parser.parse_args()
    deadline = time.time() + options.budget if options.budget else 0.0
    chosen = options.modules or list(MODULES)
    scores: list[tuple[str, int, int, int]] = []
    survivors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bering-mutant-") as tmp:
        for file in chosen:
            if deadline and time.time() > deadline:
                print(f"-- budget spent before {file}", flush=True)
                break
            if not (ROOT / file).is_file():  # moved meanwhile (a module split into a package)
                print(f"-- {file}: not found, skipped", flush=True)
                continue
            module = file.removesuffix(".py").replace("/", ".")
            found = list(mutants(ROOT / file))
            if options.list:
                for m in found:
                    print(f"{file}:{m.line} {m.description}")
                continue
            tests = [t for t in MODULES.get(file, []) if (ROOT / t).exists()]
            print(f"== {file}: {len(found)} mutants, tests {' '.join(tests)}", flush=True)
            killed = total = errors = 0
            verdicts = run_module(module, found, tests, deadline, Path(tmp), fresh=not scores)
            for label, verdict in verdicts:
                print(f"{verdict:>28}  {label}", flush=True)
                if label in {"baseline", "-"}:
                    continue
                if verdict.startswith("skipped"):
                    continue
                total += 1
                if verdict.startswith("killed"):
                    killed += 1
                elif verdict == "survived":
                    survivors.append(label)
                else:
                    errors += 1
            if total:
                scores.append((file, killed, total, errors))
    print("\n== Score (killed / total)")
    all_killed = sum(s[1] for s in scores)
    all_total = sum(s[2] for s in scores)
    for file, killed, total, errors in scores:
        extra = f", {errors} errors" if errors else ""
        print(f"{killed:4d} / {total:<4d} {100 * killed / total:5.1f} %  {file}{extra}")
    if all_total:
        print(f"{all_killed:4d} / {all_total:<4d} {100 * all_killed / all_total:5.1f} %  all")
    print("\n== Survivors")
    for label in survivors:
        print(label)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
