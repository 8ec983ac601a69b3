"""The application behind a real PgBouncer in transaction mode (docs/operations.md,
"Connection pooling"): with ``DATABASE_TRANSACTION_POOLING=1`` forms, iterators, advisory
locks and temporary tables work; without it, the connection options are refused and a
server-side cursor is looked for on another server connection.

Runs in the suite's PostgreSQL pass, against the suite's server; PgBouncer comes from
Debian's package (installed by .ci/run).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PgBouncer sits in front of PostgreSQL"
)

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
START_SECONDS = 20

# Run through PgBouncer in a fresh process, as a web process would. With "control", the
# server-side cursors are switched back on for one query, to show what the setting avoids.
PROBE = """
import json, sys
import django
django.setup()
import psycopg
from django import forms
from django.db import connection, transaction
from django.contrib.contenttypes.models import ContentType

out = {"server_side_cursors_off": connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]}
field = forms.ModelChoiceField(ContentType.objects.order_by("pk"))
out["choices"] = len(list(field.choices)) - 1
with transaction.atomic(), connection.cursor() as cur:
    cur.execute("SELECT pg_advisory_xact_lock(4711)")
    cur.execute("CREATE TEMPORARY TABLE probe (n int) ON COMMIT DROP")
    cur.execute("INSERT INTO probe VALUES (1), (2)")
    cur.execute("SELECT sum(n) FROM probe")
    out["temporary_sum"] = cur.fetchone()[0]
if sys.argv[1] == "control":
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
# A query read in chunks; meanwhile another client's transaction takes the server
# connection that the first chunk came from (PgBouncer hands out the last used one).
# Content types: Django writes them again after every flush of the test database, while
# the migrations' own rows (the categories) are gone once a transactional test ran.
rows = ContentType.objects.order_by("pk").iterator(chunk_size=1)
first = next(rows)
other = psycopg.connect(sys.argv[2], autocommit=True)
other.execute("BEGIN")
other.execute("SELECT 1")
try:
    out["iterated"] = 1 + len(list(rows))
except Exception as exc:
    out["error"] = str(exc)
other.execute("COMMIT")
print(json.dumps(out))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pgbouncer(django_db_setup):
    """A PgBouncer in transaction mode in front of the suite's test database; its URL."""
    assert Path(PGBOUNCER).exists(), "PgBouncer saknas: apt-get install pgbouncer"
    db = connection.settings_dict
    port = _free_port()
    # Its own folder, not pytest's: PgBouncer runs as another user, who must reach it.
    workdir = Path(tempfile.mkdtemp(prefix="samverkan-pgbouncer-"))
    (workdir / "users.txt").write_text(f'"{db["USER"]}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        "\n".join(
            [
                "[databases]",
                f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                f"listen_port = {port}",
                "unix_socket_dir =",
                "auth_type = trust",
                f"auth_file = {workdir / 'users.txt'}",
                "pool_mode = transaction",
                "default_pool_size = 4",
                f"logfile = {workdir / 'pgbouncer.log'}",
                f"pidfile = {workdir / 'pgbouncer.pid'}",
                "",
            ]
        )
    )
    prefix = []
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root.
        pw = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
        for path in (workdir, *workdir.iterdir()):
            os.chown(path, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", pw.pw_name, "--"]
    proc = subprocess.Popen(
        [*prefix, PGBOUNCER, str(workdir / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                log_file = workdir / "pgbouncer.log"
                log = log_file.read_text() if log_file.exists() else ""
                pytest.fail(f"PgBouncer startade inte: {proc.stderr.read()!r} {log}")
            time.sleep(0.1)
        yield f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _probe(url: str, mode: str, **extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samverkan.settings"}
    env.pop("DATABASE_TRANSACTION_POOLING", None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-c", PROBE, mode, url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_application_works_through_pgbouncer_in_transaction_mode(pgbouncer, db):
    from django.contrib.contenttypes.models import ContentType

    done = _probe(pgbouncer, "pooled", DATABASE_TRANSACTION_POOLING="1")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {
        "server_side_cursors_off": True,
        "choices": ContentType.objects.count(),
        "temporary_sum": 2 + 1,
        "iterated": ContentType.objects.count(),
    }


def test_without_the_setting_pgbouncer_breaks_it(pgbouncer):
    # The connection options that carry jit=off are refused when connecting...
    refused = _probe(pgbouncer, "pooled")
    assert refused.returncode != 0
    assert "startup parameter" in refused.stderr
    # ... and a server-side cursor is gone once the next chunk runs on another server.
    control = _probe(pgbouncer, "control", DATABASE_TRANSACTION_POOLING="1")
    assert control.returncode == 0, control.stderr
    out = json.loads(control.stdout.strip().splitlines()[-1])
    assert "iterated" not in out and "does not exist" in out["error"]
