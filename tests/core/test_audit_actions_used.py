"""Apps name their audit actions from the registry (``audit.Action.X``), never as a typed
string: a typo in a string is found only when the line runs, a missing member when the
module loads (issue 17, item 2)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import samverkan

ROOT = Path(samverkan.__file__).parent
# The apps converted so far; an app joins once its calls use the registry.
APPS = ("plans", "followup", "communication")
# Calls whose first argument is the audit action.
ACTION_CALLS = {"record", "_record", "save_form", "_save_agreement"}


def _strings(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def literal_actions(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every action given as a string literal in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ACTION_CALLS:
                found += [(node.lineno, s) for s in _strings(node.args[0]) if "." in s]
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "audit_action" for t in node.targets
        ):
            found += [(node.lineno, s) for s in _strings(node.value) if s]
    return found


@pytest.mark.parametrize("app", APPS)
def test_app_names_audit_actions_from_the_registry(app):
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, text in literal_actions(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    assert not offenders, "Use audit.Action members:\n" + "\n".join(offenders)


def test_the_check_finds_strings_in_calls_conditionals_and_edit_views():
    source = (
        'audit.record("problem.create", obj=p)\n'
        '_record("a.b" if x else audit.Action.C, o, u, r)\n'
        "class V:\n"
        '    audit_action = "problem.update"\n'
        "audit.record(audit.Action.PROBLEM_CREATE)\n"
    )
    assert literal_actions(source) == [
        (1, "problem.create"),
        (2, "a.b"),
        (4, "problem.update"),
    ]
