"""Files a person can hold (issue 17, item 3): no Python module under ``samverkan/`` outside
migrations, translations and data files is longer than :data:`MAX_LINES`.

A module that grows past the limit is split by concept into a package whose ``__init__``
re-exports the public names, as ``analysis/hotspots/``, ``situation/build/``,
``core/masking/``, ``demo/loader/`` and ``cases/views/`` were.
"""

from __future__ import annotations

from pathlib import Path

import samverkan

MAX_LINES = 650
ROOT = Path(samverkan.__file__).parent
# Generated or data, not code someone reads top to bottom.
EXCLUDED_DIRS = {"migrations", "locale", "data"}

# Modules still over the limit, each waiting for its own split (paths relative to
# samverkan/). An entry must still be over the limit: once a module is split, its entry
# goes, so the list can only shrink.
ALLOWLIST: set[str] = set()


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def oversized(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """``{relative path: lines}`` of every module under ``root`` longer than ``limit``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if EXCLUDED_DIRS & set(rel.parts[:-1]):
            continue
        n = line_count(path)
        if n > limit:
            out[rel.as_posix()] = n
    return out


def test_no_module_is_longer_than_a_person_can_hold():
    offenders = {p: n for p, n in oversized(ROOT).items() if p not in ALLOWLIST}
    listing = "\n".join(f"  samverkan/{p}: {n} lines" for p, n in sorted(offenders.items()))
    assert not offenders, (
        f"Modules over {MAX_LINES} lines; split them by concept into a package:\n{listing}"
    )


def test_the_allowlist_holds_only_modules_still_over_the_limit():
    found = oversized(ROOT)
    stale = sorted(p for p in ALLOWLIST if p not in found)
    assert not stale, f"Split already (or gone): remove from ALLOWLIST: {stale}"


def test_the_check_finds_a_long_module_and_skips_migrations_locale_and_data(tmp_path):
    def write(rel: str, lines: int) -> None:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines, encoding="utf-8")

    write("app/views.py", MAX_LINES + 1)
    write("app/models.py", MAX_LINES)
    write("app/views/detail.py", MAX_LINES + 5)
    write("app/migrations/0001_initial.py", 5 * MAX_LINES)
    write("locale/sv/x.py", 5 * MAX_LINES)
    write("core/data/names.py", 5 * MAX_LINES)
    assert oversized(tmp_path) == {
        "app/views.py": MAX_LINES + 1,
        "app/views/detail.py": MAX_LINES + 5,
    }
