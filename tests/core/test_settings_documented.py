"""Every environment variable the settings read is documented (the datasette pattern)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "samverkan" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"\benv(?:_bool|_list)?\(\s*\"([A-Z_][A-Z0-9_]*)\"", source))


def test_settings_read_variables():
    # Guard against the regex silently matching nothing.
    assert {"DATABASE_URL", "SECRET_KEY", "SAMVERKAN_DATA", "MAP_TILE_URL"} <= (
        variables_read_by_settings()
    )


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z_][A-Z0-9_]*)` \|", doc, flags=re.MULTILINE))
    missing = sorted(variables_read_by_settings() - documented)
    assert not missing, f"Inställningar som saknas i docs/configuration.md: {missing}"


def test_every_management_command_is_documented():
    commands = sorted(
        p.stem
        for p in ROOT.glob("samverkan/*/management/commands/*.py")
        if not p.stem.startswith("_")
    )
    assert commands, "no management commands found"
    doc = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    missing = [c for c in commands if f"`samverkan {c}" not in doc]
    assert not missing, f"Kommandon som saknas i docs/commands.md: {missing}"
