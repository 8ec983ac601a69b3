"""`samverkan backup` of a running installation and `samverkan restore` into an empty one:
every table's count and an encrypted case's content equal after the round trip, on the
database the suite runs on (SQLite, or PostgreSQL under tools/run_tests.py); the keys are
never in the archive; a damaged archive and a non-empty target are refused."""

from __future__ import annotations

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from samverkan.cases import crypto
from samverkan.core import backup

BIN = Path(sys.executable).parent / "samverkan"
KEY = "backup-test-case-key"


@pytest.fixture
def installation(transactional_db, settings, tmp_path):
    settings.CASES_ENCRYPTION_KEYS = [KEY]
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = Path(settings.MEDIA_ROOT) / "agreements" / "avtal.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 signerat avtal\n" + os.urandom(64))
    return upload


class Target:
    """An empty installation for the restore: a fresh data folder, and on PostgreSQL a
    new empty database on the test server."""

    def __init__(self, tmp_path: Path):
        self.data = tmp_path / "restored"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CASES_ENCRYPTION_KEY") and k != "DATABASE_URL"
        }
        self.env["SAMVERKAN_DATA"] = str(self.data)
        self.dbname = None
        if connection.vendor == "postgresql":
            self.params = dict(connection.settings_dict)
            self.dbname = f"restore_{secrets.token_hex(4)}"
            self._admin(f'CREATE DATABASE "{self.dbname}"')
            p = self.params
            auth = quote(p["USER"] or "", safe="")
            if p.get("PASSWORD"):
                auth += ":" + quote(p["PASSWORD"], safe="")
            host = p["HOST"] or "127.0.0.1"
            self.env["DATABASE_URL"] = f"postgres://{auth}@{host}:{p['PORT'] or 5432}/{self.dbname}"

    def _admin(self, sql):
        import psycopg

        p = self.params
        with psycopg.connect(
            dbname=p["NAME"],
            user=p["USER"] or None,
            password=p.get("PASSWORD") or None,
            host=p["HOST"] or None,
            port=p["PORT"] or None,
            autocommit=True,
        ) as pg:
            pg.execute(sql)

    def drop(self):
        if self.dbname:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def query(self, sql):
        if self.dbname is None:
            db = sqlite3.connect(self.data / "samverkan.sqlite3")
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        import psycopg

        p = self.params
        with psycopg.connect(
            dbname=self.dbname,
            user=p["USER"] or None,
            password=p.get("PASSWORD") or None,
            host=p["HOST"] or None,
            port=p["PORT"] or None,
        ) as pg:
            return pg.execute(sql).fetchall()

    def counts(self):
        if self.dbname is None:
            tables = [
                r[0]
                for r in self.query(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
        else:
            tables = [
                r[0]
                for r in self.query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
        return {t: self.query(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in tables}

    def samverkan(self, *args):
        return subprocess.run(
            [str(BIN), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture
def target(tmp_path):
    t = Target(tmp_path)
    yield t
    t.drop()


def test_backup_restores_to_identical_counts_and_readable_cases(installation, cw, target, tmp_path):
    source = backup.table_counts()
    assert source["cases_preventivecase"] == 1 and source["core_auditevent"] > 0
    archive = tmp_path / "samverkan-backup.tar.gz"
    call_command("backup", str(archive))

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        everything = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert manifest["counts"] == source
    assert manifest["database"]["vendor"] == connection.vendor
    assert "media/agreements/avtal.pdf" in names
    assert set(manifest["checksums"]) == set(names) - {"manifest.json"}
    assert manifest["migrations"]["cases"]
    # The key is never inside the backup.
    assert KEY.encode() not in everything
    assert not any("key" in n for n in names)

    restored = target.samverkan("restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr

    after = target.counts()
    assert after.pop("core_auditevent") == source["core_auditevent"] + 1  # the restore's event
    assert after == {t: n for t, n in source.items() if t != "core_auditevent"}
    assert target.query("SELECT action FROM core_auditevent ORDER BY id DESC LIMIT 1") == [
        ("system.restore",)
    ]
    # The case reads back with the key supplied separately.
    ((name, background),) = target.query("SELECT person_name, background FROM cases_preventivecase")
    assert crypto.decrypt(name) == "Adam Andersson"
    assert crypto.decrypt(background) == "Hotade en lärare i oktober."
    copied = target.data / "media" / "agreements" / "avtal.pdf"
    assert copied.read_bytes() == installation.read_bytes()

    # A second restore into the now filled installation is refused.
    again = target.samverkan("restore", str(archive))
    assert again.returncode != 0 and "inte tom" in again.stderr


def test_a_damaged_archive_is_refused_before_the_database_is_touched(installation, cw, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.backup(archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "media/agreements/avtal.pdf":
                data = data.replace(b"signerat", b"SIGNERAT")
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    before = backup.table_counts()
    with pytest.raises(backup.BackupError, match="Kontrollsumman för media/agreements/avtal.pdf"):
        backup.restore(damaged, force=True)
    assert backup.table_counts() == before
    # And into this filled installation even the intact archive needs --force.
    with pytest.raises(backup.BackupError, match="inte tom"):
        backup.restore(archive)


WRITER = """
import sys, time
from pathlib import Path
from samverkan.core import audit
audit.record("incident.export")
print("started", flush=True)
stop, end = Path(sys.argv[1]), time.monotonic() + 120
while not stop.exists() and time.monotonic() < end:
    audit.record("incident.export")
    time.sleep(0.002)
"""


def test_a_backup_taken_during_writes_is_consistent(installation, cw, target, tmp_path):
    from tests.cases.test_case_keys import database_url_for_subprocess

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CASES_ENCRYPTION_KEY") and k != "DATABASE_URL"
    }
    env.update(database_url_for_subprocess(tmp_path), CASES_ENCRYPTION_KEYS=KEY)
    writer_script = tmp_path / "writer.py"
    writer_script.write_text(WRITER)
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [
            str(BIN),
            "shell",
            "-c",
            f"import sys; sys.argv=['w', {str(stop)!r}]; exec(open({str(writer_script)!r}).read())",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in writer.stdout:  # after the shell's own banner
            if line.strip() == "started":
                break
        else:
            pytest.fail(writer.stderr.read())
        archive = tmp_path / "during-writes.tar.gz"
        made = subprocess.run(
            [str(BIN), "backup", str(archive)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        time.sleep(0.5)  # the writer goes on after the backup
    finally:
        stop.touch()
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    events_in_backup = manifest["counts"]["core_auditevent"]

    restored = target.samverkan("restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    after = target.counts()
    # The restored database holds exactly the rows the manifest counted, although the
    # writer went on writing during and after the backup.
    assert after.pop("core_auditevent") == events_in_backup + 1
    assert after == {t: n for t, n in manifest["counts"].items() if t != "core_auditevent"}
    if connection.vendor == "sqlite":
        source = sqlite3.connect(Path(env["SAMVERKAN_DATA"]) / "samverkan.sqlite3")
        (total,) = source.execute("SELECT COUNT(*) FROM core_auditevent").fetchone()
        source.close()
    else:
        total = backup.table_counts()["core_auditevent"]
    assert total > events_in_backup
