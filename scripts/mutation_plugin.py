"""pytest plugin of scripts/mutation.py: import one module from a mutated source.

Loaded with ``-p scripts.mutation_plugin``, before Django and the conftest
import anything. When ``BERING_MUTANT_MODULE`` (a dotted name) and
``BERING_MUTANT_SOURCE`` (a file holding the mutated source) are set, that
module is compiled from the mutated source instead of its file on disk. The
working tree is never written, so other people's test runs are not disturbed.
"""

# ruff: noqa: PTH123, SIM115
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from types import CodeType, ModuleType


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, source_file: str) -> None:
        super().__init__(fullname, path)
        self._source_file = source_file

    def get_data(self, path: str) -> bytes:
        if path == self.path:
            with open(self._source_file, "rb") as handle:
                return handle.read()
        return super().get_data(path)

    def get_code(self, fullname: str) -> CodeType:  # never a cached .pyc
        return self.source_to_code(self.get_data(self.path), self.path)


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, module: str, source_file: str) -> None:
        self.module = module
        self.source_file = source_file

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.module:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.origin is None:
            return None
        loader = _MutantLoader(fullname, spec.origin, self.source_file)
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=loader,
            submodule_search_locations=spec.submodule_search_locations,
        )


_MODULE = os.environ.get("BERING_MUTANT_MODULE")
_SOURCE = os.environ.get("BERING_MUTANT_SOURCE")
if _MODULE and _SOURCE:
    if _MODULE in sys.modules:  # pragma: no cover - imported too early
        raise RuntimeError(f"{_MODULE} was imported before the mutation plugin")
    sys.meta_path.insert(0, _MutantFinder(_MODULE, _SOURCE))


# --- Many mutants in one pytest session ------------------------------------------------
# With ``BERING_MUTANTS_FILE`` (JSON: [{"module", "label", "source"}, ...]) the session
# runs its collected tests once per mutant: each mutant's functions are compiled and
# their code objects swapped into the live functions (so every ``from x import f``
# sees the change), module-level constants are replaced, the tests run until the
# first failure, and everything is restored. One verdict per line goes to
# ``BERING_MUTANTS_OUT``. Django starts and the test database is set up only once.


class _CannotSwap(Exception):
    """The mutant changes a closure's shape: this runner cannot apply it."""


def _shape(code: types.CodeType) -> tuple[object, ...]:
    """What a code object does, without its line numbers."""
    consts = tuple(_shape(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return (code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars)


def _inner(func: object) -> object:
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return func


def _apply(module: ModuleType, source: str) -> list[tuple[object, str, object]]:
    """Swap the mutated definitions in; return what to undo: (target, attr, old)."""
    namespace: dict[str, object] = {"__name__": module.__name__, "__file__": module.__file__}
    exec(compile(source, str(module.__file__), "exec"), namespace)  # noqa: S102
    undo: list[tuple[object, str, object]] = []

    def swap_function(old: object, new: object) -> None:
        old, new = _inner(old), _inner(new)
        if not isinstance(old, types.FunctionType) or not isinstance(new, types.FunctionType):
            return
        if _shape(old.__code__) == _shape(new.__code__) and old.__defaults__ == new.__defaults__:
            return  # the same code, only reformatted (other line numbers)
        if len(old.__code__.co_freevars) != len(new.__code__.co_freevars):
            raise _CannotSwap(f"cannot swap {old.__qualname__}")
        undo.append((old, "__code__", old.__code__))
        undo.append((old, "__defaults__", old.__defaults__))
        old.__code__ = new.__code__
        old.__defaults__ = new.__defaults__

    for name, new in namespace.items():
        old = module.__dict__.get(name, None)
        if old is None or name.startswith("__"):
            continue
        if isinstance(_inner(old), types.FunctionType):
            swap_function(old, new)
        elif isinstance(old, type) and isinstance(new, type):
            if getattr(old, "__module__", None) != module.__name__:
                continue
            for attr, value in vars(new).items():
                current = vars(old).get(attr)
                if isinstance(value, (staticmethod, classmethod)):
                    value, current = value.__func__, getattr(current, "__func__", None)
                elif isinstance(value, property):
                    value, current = value.fget, getattr(current, "fget", None)
                if isinstance(_inner(value), types.FunctionType) and current is not None:
                    swap_function(current, value)
        elif isinstance(old, (bool, int, str, tuple, frozenset)) and old != new:
            undo.append((module, name, old))
            setattr(module, name, new)
    return undo


def _undo(undo: list[tuple[object, str, object]]) -> None:
    for target, attr, old in reversed(undo):
        setattr(target, attr, old)


def _run_items(session: object, items: list[object]) -> bool:
    """Run the items in order, stop at the first failure; True if all passed."""
    from _pytest.runner import runtestprotocol

    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else items[0]
        reports = runtestprotocol(item, nextitem=nextitem, log=False)  # type: ignore[arg-type]
        if any(r.failed for r in reports):
            # tear down down to the session so the next mutant starts clean
            item.session._setupstate.teardown_exact(items[0])  # type: ignore[attr-defined]
            return False
    return True


def pytest_runtestloop(session: object) -> bool | None:
    import importlib
    import json

    mutants_file = os.environ.get("BERING_MUTANTS_FILE")
    if not mutants_file:
        return None
    out = open(os.environ["BERING_MUTANTS_OUT"], "a", buffering=1)
    # Transactional tests end by emptying every table (the migrated rows too: the
    # audit chain head, document types), which breaks the next pass: leave them out.
    items = [
        item
        for item in session.items  # type: ignore[attr-defined]
        if not any(m.kwargs.get("transaction") for m in item.iter_markers("django_db"))
    ]
    if not items:
        out.write(json.dumps({"label": "-", "verdict": "error (no tests)"}) + "\n")
        return True
    baseline = _run_items(session, items)
    out.write(json.dumps({"label": "baseline", "verdict": "passed" if baseline else "FAILED"}))
    out.write("\n")
    if not baseline:
        return True
    with open(mutants_file) as handle:
        mutants = json.load(handle)
    deadline = float(os.environ.get("BERING_MUTANTS_DEADLINE", "0"))
    import time

    for mutant in mutants:
        if deadline and time.time() > deadline:
            out.write(json.dumps({"label": "-", "verdict": "budget spent"}) + "\n")
            break
        module = importlib.import_module(mutant["module"])
        try:
            undo = _apply(module, mutant["source"])
        except _CannotSwap as exc:
            verdict = f"error ({exc})"
        except Exception as exc:  # a mutant that does not even load
            verdict = f"killed (load: {type(exc).__name__})"
        else:
            if not undo:
                verdict = "skipped (no runtime change)"
            else:
                try:
                    verdict = "survived" if _run_items(session, items) else "killed"
                finally:
                    _undo(undo)
        out.write(json.dumps({"label": mutant["label"], "verdict": verdict}) + "\n")
    out.close()
    return True
