"""docs/commands.md carries each project command's ``--help``, kept current by
tools/gen_commands_doc.py (the datasette/cog pattern)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location(
        "gen_commands_doc", ROOT / "tools" / "gen_commands_doc.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_commands_doc_is_current():
    current, fresh = _tool().generate()
    assert current == fresh, (
        "docs/commands.md stämmer inte med kommandonas --help: "
        "kör .venv/bin/python tools/gen_commands_doc.py"
    )


def test_every_project_command_has_its_help_in_the_doc():
    tool = _tool()
    tool._setup()
    commands = tool.project_commands()
    files = {
        p.stem
        for p in ROOT.glob("samverkan/*/management/commands/*.py")
        if not p.stem.startswith("_")
    }
    assert files and files <= set(commands)
    doc = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in commands:
        assert f"<!-- [[[help {name}]]] -->" in doc, name
        assert f"usage: samverkan {name} " in doc, name


def test_a_changed_option_makes_the_doc_stale():
    tool = _tool()
    tool._setup()
    helps = {n: tool.help_text(n, app) for n, app in tool.project_commands().items()}
    doc = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert tool.render(doc, helps) == doc
    changed = dict(helps, backup=helps["backup"].replace("usage:", "usage (changed):"))
    assert tool.render(doc, changed) != doc


def test_a_new_command_gets_a_block_under_its_heading():
    tool = _tool()
    doc = "### `samverkan frobnicate [--x]`\n\nProse.\n"
    out = tool.render(doc, {"frobnicate": "usage: samverkan frobnicate\n"})
    assert out.startswith("### `samverkan frobnicate [--x]`\n\n<!-- [[[help frobnicate]]] -->")
    assert "Prose." in out
