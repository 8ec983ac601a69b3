"""The `samverkan` console script runs Django's and the project's own commands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "samverkan"


def run(*args, tmp_path):
    env = {**os.environ, "SAMVERKAN_DATA": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_console_script_lists_project_commands(tmp_path):
    result = run("help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "createsuperuser", "runserver", "import_areas", "load_demo"):
        assert command in result.stdout


def test_console_script_migrates_a_fresh_sqlite_database(tmp_path):
    result = run("migrate", "--noinput", "-v0", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "samverkan.sqlite3").exists()
    assert (tmp_path / "secret_key").exists()


@pytest.mark.django_db
def test_import_error_exits_non_zero(tmp_path):
    result = run(
        "import_areas",
        str(tmp_path / "missing.geojson"),
        "--level",
        "county",
        "--code-field",
        "a",
        "--name-field",
        "b",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "Filen finns inte" in result.stderr
