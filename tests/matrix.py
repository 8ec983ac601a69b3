"""Collects the permission matrix from every app's ``tests/<app>/matrix.py``.

Each fragment defines ``MATRIX`` (URL name -> (kwargs factory taking the world, expected
status per user)) and may define ``extend_world(world)`` to add the objects its URLs need.
``tests/core/test_permission_matrix.py`` fails when a URL has no row in any fragment.
"""

from __future__ import annotations

import importlib
from pathlib import Path

ANON, REPORTER, COORD, OTHER = "anonymous", "reporter", "coordinator", "other_coordinator"

MATRIX: dict[str, tuple] = {}
EXTENSIONS = []

for fragment in sorted(Path(__file__).parent.glob("*/matrix.py")):
    module = importlib.import_module(f"tests.{fragment.parent.name}.matrix")
    overlap = set(MATRIX) & set(module.MATRIX)
    if overlap:
        raise RuntimeError(f"URL names in two matrix fragments: {sorted(overlap)}")
    MATRIX.update(module.MATRIX)
    if hasattr(module, "extend_world"):
        EXTENSIONS.append(module.extend_world)
