"""samverkan.analysis is a pure library: importing it must not import Django."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import samverkan.analysis

PACKAGE_DIR = Path(samverkan.analysis.__file__).parent


def _modules():
    return sorted(f"samverkan.analysis.{m.name}" for m in pkgutil.iter_modules([str(PACKAGE_DIR)]))


def test_importing_every_analysis_module_does_not_import_django():
    modules = _modules()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"django imported: {out.stdout}"


def test_sources_do_not_mention_django_imports():
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if "django" in stripped.lower() and (
                stripped.startswith(("import ", "from ")) or "import_module" in stripped
            ):
                offenders.append(f"{path.name}:{n}: {stripped}")
    assert not offenders, offenders
