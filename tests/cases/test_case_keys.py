"""Keys apart from data: the case key is never silently regenerated while encrypted data
exists, the demo still generates one for an empty installation, the data folder and the
SQLite file are the owner's only, and rotate_case_key moves all data to a new key,
resumably and audited (docs/operations.md, Keys)."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from samverkan.cases import crypto, rotation, services
from samverkan.cases.models import Conversation, PreventiveCase
from samverkan.core.models import AuditEvent

BIN = Path(sys.executable).parent / "samverkan"
OLD, NEW = "old-case-key-for-tests", "new-case-key-for-tests"


@pytest.fixture
def old_key(settings, tmp_path):
    settings.CASES_ENCRYPTION_KEYS = [OLD]
    settings.CASES_ENCRYPTION_KEY_FILE = tmp_path / "keys" / "cases_encryption_key"
    return settings


def raw_tokens() -> list[str]:
    tokens = []
    with connection.cursor() as cursor:
        for model, names in crypto.encrypted_fields():
            cols = ", ".join(model._meta.get_field(n).column for n in names)
            cursor.execute(f"SELECT {cols} FROM {model._meta.db_table} ORDER BY id")
            tokens += [v for row in cursor.fetchall() for v in row if v]
    return tokens


def database_url_for_subprocess(tmp_path: Path) -> dict[str, str]:
    """Environment that points a subprocess at the test database (its committed data)."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp_path / "data" / "samverkan.sqlite3"
        target.parent.mkdir()
        dest = sqlite3.connect(target)
        connection.ensure_connection()
        connection.connection.backup(dest)
        dest.close()
        return {"SAMVERKAN_DATA": str(target.parent)}
    auth = quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        auth += ":" + quote(params["PASSWORD"], safe="")
    url = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"
    return {"SAMVERKAN_DATA": str(tmp_path / "data"), "DATABASE_URL": url}


def run_check(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "CASES_ENCRYPTION_KEY",
            "CASES_ENCRYPTION_KEYS",
            "CASES_ENCRYPTION_KEY_FILE",
        )
    }
    env.update(env_extra)
    return subprocess.run(
        [str(BIN), "check"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_missing_key_with_encrypted_data_refuses_to_start(
    transactional_db, old_key, cw, tmp_path
):
    env = database_url_for_subprocess(tmp_path)
    key_file = Path(env["SAMVERKAN_DATA"]) / "cases_encryption_key"
    refused = run_check(env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "cases.E001" in output and "CASES_ENCRYPTION_KEY" in output
    assert str(key_file) in output  # where the key is looked for
    assert not key_file.exists(), "a new key was generated beside data it cannot read"
    # A wrong key is refused as well, and the right one starts.
    wrong = run_check({**env, "CASES_ENCRYPTION_KEYS": "some other key"})
    assert wrong.returncode != 0 and "cases.E002" in wrong.stdout + wrong.stderr
    started = run_check({**env, "CASES_ENCRYPTION_KEYS": OLD})
    assert started.returncode == 0, started.stdout + started.stderr


def test_in_process_the_missing_key_is_named_not_regenerated(old_key, cw):
    old_key.CASES_ENCRYPTION_KEYS = []
    errors = crypto.check_case_key()
    assert [e.id for e in errors] == ["cases.E001"]
    assert str(old_key.CASES_ENCRYPTION_KEY_FILE) in errors[0].hint
    with pytest.raises(crypto.MissingCaseKey, match="CASES_ENCRYPTION_KEY"):
        PreventiveCase.objects.get(pk=cw.case.pk)
    assert not Path(old_key.CASES_ENCRYPTION_KEY_FILE).exists()


def test_without_key_and_without_encrypted_data_the_demo_generates_one(db, settings, tmp_path):
    settings.CASES_ENCRYPTION_KEYS = []
    settings.CASES_ENCRYPTION_KEY_FILE = tmp_path / "demo" / "cases_encryption_key"
    assert crypto.check_case_key() == []
    token = crypto.encrypt("Bengt")
    key_file = Path(settings.CASES_ENCRYPTION_KEY_FILE)
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert crypto.decrypt(token) == "Bengt"
    assert crypto.keys() == (key_file.read_text().strip(),)


def test_data_folder_and_database_file_are_the_owners_only(tmp_path):
    data = tmp_path / "fresh"
    result = run_check({"SAMVERKAN_DATA": str(data)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    db_file = data / "samverkan.sqlite3"
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600


def test_the_secret_key_comes_from_a_key_file_outside_the_data_folder(tmp_path):
    secret = tmp_path / "keys" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("s3cr3t-from-file-" + "x" * 50 + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env.update(SAMVERKAN_DATA=str(tmp_path / "data"), SECRET_KEY_FILE=str(secret))
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    out = subprocess.run(
        [str(BIN), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.stdout.strip().splitlines()[-1] == secret.read_text().strip(), out.stderr
    assert not (tmp_path / "data" / "secret_key").exists()
    env["SECRET_KEY_FILE"] = str(tmp_path / "keys" / "missing")
    missing = subprocess.run(
        [str(BIN), "check"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert missing.returncode != 0 and "SECRET_KEY_FILE" in missing.stderr


def more_cases(cw, n):
    for i in range(n):
        case = services.create_case(
            cw.users["officer"],
            organisation=cw.polis,
            case_type="other",
            person_name=f"Person {i}",
            person_number=cw.pnr,
            background=f"Bakgrund {i}",
            purpose="Handläggning",
        )
        services.plan_conversation(
            case,
            "person",
            "2026-01-10T10:00+01:00",
            cw.users["officer"],
            notes=f"Samtal {i}",
            purpose="Handläggning",
        )


def test_rotation_reencrypts_everything_so_the_old_key_can_go(old_key, cw):
    more_cases(cw, 2)
    before = raw_tokens()
    old_key.CASES_ENCRYPTION_KEYS = [NEW, OLD]
    assert set(services.find_by_number(cw.pnr)) == set(PreventiveCase.objects.all())
    call_command("rotate_case_key", "--no-progress")
    after = raw_tokens()
    assert len(after) == len(before) and not set(after) & set(before)
    old_key.CASES_ENCRYPTION_KEYS = [NEW]  # the old key removed from the configuration
    case = PreventiveCase.objects.get(pk=cw.case.pk)
    assert (case.person_name, case.background) == ("Adam Andersson", "Hotade en lärare i oktober.")
    assert sorted(Conversation.objects.values_list("notes", flat=True)) == ["Samtal 0", "Samtal 1"]
    # The blind index moved too: the search by number finds every case with the new key only.
    assert set(services.find_by_number(cw.pnr)) == set(PreventiveCase.objects.all())
    old_key.CASES_ENCRYPTION_KEYS = [OLD]
    with pytest.raises(ValueError, match="nyckel"):
        PreventiveCase.objects.get(pk=cw.case.pk)
    actions = list(
        AuditEvent.objects.filter(action__startswith="case_key.")
        .order_by("id")
        .values_list("action", "details")
    )
    assert [a for a, _ in actions] == ["case_key.start_rotation", "case_key.finish_rotation"]
    finish = actions[-1][1]
    assert finish["rotated"] == 3 + 2 and finish["key"] == crypto.fingerprint(NEW)
    assert NEW not in str(actions) and OLD not in str(actions)


def test_an_interrupted_rotation_resumes_where_it_stopped(old_key, cw, monkeypatch):
    more_cases(cw, 3)
    old_key.CASES_ENCRYPTION_KEYS = [NEW, OLD]
    real = rotation.rotate_row
    calls = []

    def failing(*args, **kwargs):
        if len(calls) == 3:
            raise RuntimeError("avbruten")
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(rotation, "rotate_row", failing)
    with pytest.raises(RuntimeError, match="avbruten"):
        call_command("rotate_case_key", "--no-progress")
    done = [t for t in raw_tokens() if crypto.is_current(t, (NEW,))]
    assert done and len(done) < len(raw_tokens())
    assert AuditEvent.objects.filter(action="case_key.interrupt_rotation").count() == 1

    monkeypatch.setattr(rotation, "rotate_row", real)
    result = rotation.rotate_case_key()
    assert result.already == 3 and result.rotated == result.rows - 3
    # Rows done before the interruption were left as they were, not encrypted again.
    assert set(done) <= set(raw_tokens())
    old_key.CASES_ENCRYPTION_KEYS = [NEW]
    assert all(crypto.decrypt(t) for t in raw_tokens())
    assert PreventiveCase.objects.get(pk=cw.case.pk).person_name == "Adam Andersson"


@pytest.fixture
def file_key(settings, tmp_path):
    settings.CASES_ENCRYPTION_KEYS = []
    key_file = tmp_path / "keys" / "cases_encryption_key"
    key_file.parent.mkdir()
    key_file.write_text(OLD + "\n")
    settings.CASES_ENCRYPTION_KEY_FILE = key_file
    return key_file


def test_rotation_with_a_key_file_generates_and_drops_the_old_key(file_key, cw):
    more_cases(cw, 1)
    call_command("rotate_case_key", "--generate", "--drop-old", "--no-progress")
    ring = crypto.read_key_file(file_key)
    assert len(ring) == 1 and ring[0] != OLD
    assert stat.S_IMODE(file_key.stat().st_mode) == 0o600
    assert crypto.keys() == (ring[0],)
    assert all(crypto.is_current(t, (ring[0],)) for t in raw_tokens())
    assert sorted(PreventiveCase.objects.values_list("person_name", flat=True)) == [
        "Adam Andersson",
        "Person 0",
    ]
    assert services.find_by_number(cw.pnr).count() == 2
