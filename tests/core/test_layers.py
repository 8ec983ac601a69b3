"""The import contracts of pyproject.toml ([tool.importlinter]; docs/operations.md,
Architecture) hold for the code, and each one breaks when a forbidden import is added.

A forbidden import is added to a copy of the package in a temporary folder, never to the
working tree, so a parallel run of ``make lint`` never sees it.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        check=False,
        cwd=package_parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    # Only the Python files: the graph is all the linter reads, and data files are large.
    dest = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "samverkan",
        dest / "samverkan",
        ignore=lambda folder, names: [
            n
            for n in names
            if not n.endswith(".py") and not (Path(folder) / n).is_dir() or n == "__pycache__"
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", dest)
    return dest


def test_the_code_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# (module added to the copy, what it imports, the contract that must break)
BREACHES = [
    ("analysis/_breach.py", "import django", "analysis imports no Django and no app"),
    (
        "analysis/_breach.py",
        "from samverkan.core import periods",
        "analysis imports no Django and no app",
    ),
    ("core/_breach.py", "from samverkan.incidents import models", "core imports no domain app"),
    (
        "situation/_breach.py",
        "from samverkan.plans import models",
        "situation never imports cases, plans, followup or meetings",
    ),
    (
        "followup/_breach.py",
        "from samverkan.situation.build import common",
        "followup imports nothing of situation directly",
    ),
    (
        "cases/_breach.py",
        "from samverkan.incidents import models",
        "cases depends only on core (and analysis)",
    ),
    ("worker/_breach.py", "from samverkan.cases import models", "the worker imports no domain app"),
    ("followup/_breach.py", "from samverkan.demo import loader", "nothing imports the demo loader"),
    (
        "plans/_breach.py",
        "from samverkan.api import views",
        "API modules depend on their apps, never the reverse",
    ),
    (
        "incidents/_breach.py",
        "from samverkan.situation import build",
        "One-way flow: demo > county > meetings > followup > communication > plans > situation > resources > incidents > core",
    ),
    (
        "plans/_breach.py",
        "from samverkan.meetings import services",
        "One-way flow: demo > county > meetings > followup > communication > plans > situation > resources > incidents > core",
    ),
    (
        "plans/_breach.py",
        "from samverkan.followup import models",
        "One-way flow: demo > county > meetings > followup > communication > plans > situation > resources > incidents > core",
    ),
    (
        "resources/_breach.py",
        "from samverkan.situation import build",
        "One-way flow: demo > county > meetings > followup > communication > plans > situation > resources > incidents > core",
    ),
    (
        "meetings/_breach.py",
        "from samverkan.county import overview",
        "One-way flow: demo > county > meetings > followup > communication > plans > situation > resources > incidents > core",
    ),
]


@pytest.mark.parametrize(("path", "statement", "contract"), BREACHES)
def test_a_forbidden_import_breaks_its_contract(copy, path, statement, contract):
    # Other contracts may break too (core importing incidents also breaks the layers).
    module = copy / "samverkan" / path
    module.write_text(statement + "\n")
    try:
        result = _lint(copy)
    finally:
        module.unlink()
    assert result.returncode != 0, result.stdout
    # lint-imports wraps a long contract name to the terminal's width, sometimes right before
    # its status, so compare without any whitespace.
    squeezed = "".join(result.stdout.split())
    assert "".join(f"{contract}BROKEN".split()) in squeezed, result.stdout
