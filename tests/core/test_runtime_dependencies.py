"""The application runs on what its own dependencies install.

`make demo` installs the project without the test extras. A package that the application
imports but only a test tool brings along (``requests``: pulled in by libpysal, imported by
Authlib's OpenID Connect client) makes every command fail on a fresh machine while the
whole suite passes; that is how `make demo` broke unnoticed until 7 December 2026.

The check computes the closure of ``[project] dependencies`` in pyproject.toml (extras left
out), then imports every application module in a clean interpreter in which every other
installed package is hidden, as on a fresh install: a hard import of a hidden package
fails, while an optional one (``try: import pygments`` in Django REST framework) does not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]

# Hides the packages named in SAMVERKAN_HIDDEN, then imports every module of the
# application (not its migrations or bundled data).
_IMPORT_ALL = """
import importlib, importlib.abc, json, os, pkgutil, sys
HIDDEN = set(json.loads(os.environ["SAMVERKAN_HIDDEN"]))

class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (not a runtime dependency)")
        return None

sys.meta_path.insert(0, Hide())
import django
django.setup()
import samverkan
for info in pkgutil.walk_packages(samverkan.__path__, "samverkan."):
    if ".migrations" in info.name or info.name.startswith("samverkan.demo_data"):
        continue
    importlib.import_module(info.name)
print("ok")
"""


def runtime_closure() -> set[str]:
    """The distributions ``[project] dependencies`` install, with what they require."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    todo = [Requirement(r) for r in declared]
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(key[0])
        extras = req.extras or {""}
        for dep in metadata.requires(req.name) or []:
            sub = Requirement(dep)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return names


def hidden_modules(closure: set[str]) -> set[str]:
    """Top-level modules installed here only by packages outside ``closure``."""
    owners = metadata.packages_distributions()
    return {
        module
        for module, dists in owners.items()
        if module not in ("samverkan", "tests")
        and not {canonicalize_name(d) for d in dists} & closure
    }


def _import_everything(hidden: set[str]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "SAMVERKAN_HIDDEN": json.dumps(sorted(hidden)),
    }
    return subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_application_imports_with_its_runtime_dependencies_only():
    hidden = hidden_modules(runtime_closure())
    # The test tools are hidden, so the check is a real one.
    assert {"pytest", "hypothesis", "playwright"} <= hidden
    result = _import_everything(hidden)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-3000:]


def test_the_check_fails_when_a_runtime_package_is_missing():
    """Hiding Authlib, which the sign-in with OpenID Connect imports, must fail."""
    hidden = hidden_modules(runtime_closure()) | {"authlib"}
    result = _import_everything(hidden)
    assert result.returncode != 0 and "authlib" in result.stderr
