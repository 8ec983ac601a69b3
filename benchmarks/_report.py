"""Write one benchmark's results into its own section of ``docs/benchmarks.md``.

Each benchmark owns the text between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` so
benchmarks can be run one at a time without erasing each other's results.
"""

from __future__ import annotations

import platform
import re
from datetime import UTC, datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = (
    "# Benchmarks\n\n"
    "Run on demand (`make bench`, or `python -m benchmarks.NAME`), never in the test suite. "
    "Each target is reported as a ratio against a reference implementation measured in the "
    "same process, so the numbers compare across machines.\n"
)


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section ``name`` in docs/benchmarks.md."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"<!-- bench:{name} -->\n{markdown.rstrip()}\n\n_Run {stamp} on {machine()}._\n<!-- /bench:{name} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL
    )
    if pattern.search(text):
        text = pattern.sub(lambda _m: body, text)
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
