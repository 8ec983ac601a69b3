"""Every row lock is taken inside a transaction.

``select_for_update`` outside ``transaction.atomic`` is silently ignored on SQLite and
refused on PostgreSQL (``TransactionManagementError``), so a missing decorator passes the
SQLite half of the suite and breaks production. This test reads the source: a function that
locks must be atomic itself (decorator or ``with transaction.atomic()``), or be a private
helper whose every caller in the module is.
"""

from __future__ import annotations

import ast
from pathlib import Path

import samverkan

ROOT = Path(samverkan.__file__).parent


def _is_atomic(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return text.startswith(("transaction.atomic", "atomic"))


def _atomic_function(fn: ast.FunctionDef) -> bool:
    if any(_is_atomic(d) for d in fn.decorator_list):
        return True
    return any(
        isinstance(n, ast.With) and any(_is_atomic(item.context_expr) for item in n.items)
        for n in ast.walk(fn)
    )


def _locks(fn: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "select_for_update" for n in ast.walk(fn))


def _calls(fn: ast.FunctionDef, name: str) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
        for n in ast.walk(fn)
    )


def _unprotected(tree: ast.Module) -> list[str]:
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    bad = []
    for fn in functions:
        if not _locks(fn) or _atomic_function(fn):
            continue
        callers = [f for f in functions if f is not fn and _calls(f, fn.name)]
        if fn.name.startswith("_") and callers and all(_atomic_function(c) for c in callers):
            continue
        unprotected = [c.name for c in callers if not _atomic_function(c)]
        bad.append(f"{fn.name} (callers not atomic: {unprotected or 'none in module'})")
    return bad


def test_every_lock_is_taken_inside_a_transaction():
    problems = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        bad = _unprotected(ast.parse(path.read_text(encoding="utf-8")))
        if bad:
            problems[str(path.relative_to(ROOT))] = bad
    assert problems == {}


def test_the_check_sees_a_lock_outside_a_transaction():
    source = """
from django.db import transaction

def _open(pk):
    return Meeting.objects.select_for_update().get(pk=pk)

@transaction.atomic
def fine(pk):
    return _open(pk)

def close(pk):
    return _open(pk)

@transaction.atomic
def render(pk):
    return pk
"""
    assert _unprotected(ast.parse(source)) == ["_open (callers not atomic: ['close'])"]
