"""The Norwegian and English catalogs are complete: no untranslated or fuzzy entries, and
every literal {% translate %} string in the templates is in them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "samverkan"


def read_po(path: Path) -> dict[str, dict]:
    """A minimal .po reader (msgid, msgstr/msgstr[n], fuzzy flag); enough for these checks."""
    entries, current, field = {}, None, None

    def finish():
        if current is not None and current.get("msgid", "") != "":
            entries[current["msgid"]] = current

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,"):
            finish()
            current, field = {"fuzzy": "fuzzy" in line, "msgstr": []}, None
        elif line.startswith("msgid "):
            if current is None or "msgid" in current:
                finish()
                current = {"fuzzy": False, "msgstr": []}
            current["msgid"], field = _unquote(line[6:]), "msgid"
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgstr"):
            current["msgstr"].append(_unquote(line.split(" ", 1)[1]))
            field = "msgstr"
        elif line.startswith('"') and current is not None:
            if field == "msgid":
                current["msgid"] += _unquote(line)
            elif field == "msgstr":
                current["msgstr"][-1] += _unquote(line)
        elif not line:
            finish()
            current, field = None, None
    finish()
    return entries


def _unquote(s: str) -> str:
    return s.strip()[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_catalog_is_complete(lang):
    entries = read_po(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [m for m, e in entries.items() if not all(e["msgstr"]) or e["fuzzy"]]
    assert not untranslated, f"{len(untranslated)} oöversatta/osäkra i {lang}: {untranslated[:10]}"


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_template_strings_are_in_the_catalog(lang):
    entries = read_po(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")
    missing = set()
    for template in ROOT.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for msgid in re.findall(r'{%\s*translate\s+"([^"]+)"', text):
            # makemessages writes a literal % in a template string as %%.
            if msgid not in entries and msgid.replace("%", "%%") not in entries:
                missing.add(f"{template.relative_to(ROOT)}: {msgid}")
    assert not missing, f"Kör make messages: {sorted(missing)[:10]}"
