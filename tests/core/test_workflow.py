"""One workflow module: every app declares its status tables, core checks them."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import samverkan
from samverkan.cases import workflow as cases_workflow
from samverkan.citizens import workflow as citizens_workflow
from samverkan.core.workflow import TransitionError, Workflow
from samverkan.incidents import workflow as incidents_workflow
from samverkan.meetings import workflow as meetings_workflow
from samverkan.plans import workflow as plans_workflow
from samverkan.situation import workflow as situation_workflow

ROOT = Path(samverkan.__file__).parent


def _declared() -> dict[str, Workflow]:
    """Every module-level workflow table in the project, found by reading the code, so that a
    new one is checked without being listed here."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or path.parent.name == "core":
            continue
        if "Workflow(" not in path.read_text(encoding="utf-8"):
            continue
        dotted = ".".join(("samverkan", *path.relative_to(ROOT).with_suffix("").parts))
        for name, value in vars(importlib.import_module(dotted)).items():
            if isinstance(value, Workflow):
                found[f"{dotted.removeprefix('samverkan.')}.{name}"] = value
    return found


DECLARED = _declared()


def test_every_table_is_found():
    # The tables of each app, the safety walk's observations among them.
    for name in (
        "cases.workflow.CASE",
        "citizens.workflow.OBSERVATION",
        "communication.workflow.ACTIVITY",
        "county.workflow.DIGEST",
        "followup.workflow.TERTIAL",
        "incidents.workflow.INCIDENT",
        "meetings.workflow.ACTION",
        "plans.sharing.SHARE",
        "plans.workflow.MEASURE",
        "situation.workflow.REPORT",
    ):
        assert name in DECLARED


def test_a_table_allows_what_it_lists_and_refuses_the_rest():
    flow = Workflow({"a": {"b"}, "b": {"a", "c"}, "c": set()}, [("a", "Först"), ("b", "Sedan")])
    flow.check("a", "b")
    flow.check("b", "c")
    assert flow.allowed("b") == {"a", "c"} and flow.allowed("c") == set()
    assert flow.allowed("unknown") == set()
    with pytest.raises(TransitionError, match="Status kan inte ändras från 'Först' till 'c'"):
        flow.check("a", "c")
    with pytest.raises(TransitionError, match="från 'c' till 'Först'"):
        flow.check("c", "a")
    # A transition error is a ValueError, so views that show ValueErrors show it.
    assert issubclass(TransitionError, ValueError)


def test_the_subject_names_what_changes_status():
    flow = Workflow({"draft": set()}, subject="Lägesbildens")
    with pytest.raises(TransitionError, match="^Lägesbildens status kan inte ändras"):
        flow.check("draft", "shared")


@pytest.mark.parametrize("name", DECLARED)
def test_every_apps_workflow_is_a_core_table_of_known_statuses(name):
    flow = DECLARED[name]
    assert isinstance(flow, Workflow)
    statuses = set(flow.transitions)
    for source, targets in flow.transitions.items():
        assert set(targets) <= statuses, f"{name}: {source} leads to an undeclared status"
        assert source not in targets, f"{name}: {source} changes to itself"
        for target in statuses - set(targets):
            with pytest.raises(TransitionError):
                flow.check(source, target)
        for target in targets:
            flow.check(source, target)


def test_each_app_reexports_the_one_transition_error():
    for module in (
        cases_workflow,
        citizens_workflow,
        incidents_workflow,
        meetings_workflow,
        plans_workflow,
        situation_workflow,
    ):
        assert module.TransitionError is TransitionError


def test_no_module_defines_its_own_transition_error_or_check():
    root = ROOT
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name == "TransitionError":
                found.append(f"{path.relative_to(root)}: class {node.name}")
            if isinstance(node, ast.FunctionDef) and node.name == "check_transition":
                found.append(f"{path.relative_to(root)}: def {node.name}")
    assert found == ["core/workflow.py: class TransitionError"]
