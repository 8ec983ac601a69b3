"""Keep the ``--help`` of every project command in docs/commands.md current.

Like datasette's use of cog: the prose of docs/commands.md is written by hand; below the
heading of each project command sits a generated block, between the markers
``<!-- [[[help NAME]]] -->`` and ``<!-- [[[end]]] -->``, holding exactly what
``samverkan NAME --help`` prints. Run after changing a command's arguments:

    .venv/bin/python tools/gen_commands_doc.py          # rewrite the blocks
    .venv/bin/python tools/gen_commands_doc.py --check  # exit 1 if the file is stale

A command without a block gets one right after its ``### `samverkan NAME ...``` heading;
a command without a heading is an error (write its section first).
tests/core/test_commands_doc.py fails when the file is stale or a command is missing.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "commands.md"
# argparse wraps the help to the terminal; a fixed width makes the output the same
# everywhere (a developer's wide terminal, CI without one).
WIDTH = "88"

BLOCK = re.compile(
    r"<!-- \[\[\[help (?P<name>[a-z_]+)\]\]\] -->\n.*?<!-- \[\[\[end\]\]\] -->\n",
    re.DOTALL,
)


def _setup() -> None:
    os.environ["COLUMNS"] = WIDTH
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def project_commands() -> dict[str, str]:
    """The commands of the project's own apps: name -> app module."""
    from django.core.management import get_commands

    return {
        name: app
        for name, app in sorted(get_commands().items())
        if app.startswith("samverkan.") or app == "samverkan"
    }


def help_text(name: str, app: str) -> str:
    from django.core.management import load_command_class

    os.environ["COLUMNS"] = WIDTH
    parser = load_command_class(app, name).create_parser("samverkan", name)
    return parser.format_help().rstrip() + "\n"


def block(name: str, text: str) -> str:
    return (
        f"<!-- [[[help {name}]]] -->\n"
        f"<details><summary><code>samverkan {name} --help</code></summary>\n\n"
        f"```text\n{text}```\n\n</details>\n<!-- [[[end]]] -->\n"
    )


def render(doc: str, helps: dict[str, str]) -> str:
    """``doc`` with every help block replaced, and a block added for commands without."""

    def replace(match):
        name = match["name"]
        if name not in helps:
            raise SystemExit(f"docs/commands.md has a help block for unknown command {name!r}")
        return block(name, helps[name])

    out = BLOCK.sub(replace, doc)
    present = {m["name"] for m in BLOCK.finditer(out)}
    for name in sorted(set(helps) - present):
        heading = re.search(rf"^### `samverkan {name}\b[^\n]*\n", out, flags=re.MULTILINE)
        if heading is None:
            raise SystemExit(
                f"docs/commands.md has no section '### `samverkan {name} ...`': write it first."
            )
        at = heading.end()
        out = out[:at] + "\n" + block(name, helps[name]) + out[at:]
    return out


def generate() -> tuple[str, str]:
    """(current text, regenerated text) of docs/commands.md."""
    _setup()
    helps = {name: help_text(name, app) for name, app in project_commands().items()}
    doc = DOC.read_text(encoding="utf-8")
    return doc, render(doc, helps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    current, fresh = generate()
    if args.check:
        if current != fresh:
            print("docs/commands.md is stale: run tools/gen_commands_doc.py", file=sys.stderr)
            return 1
        return 0
    if current != fresh:
        DOC.write_text(fresh, encoding="utf-8")
        print("docs/commands.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
