"""Concurrent writers on SQLite: every report the real server acknowledges is stored once.

The server runs as in a small deployment (gunicorn, several workers with threads, the SQLite
file in the data folder), in its own processes, so the test client's shortcuts (one
connection, one thread) hide nothing. Reports are posted to ``/api/incidents/`` by many
clients at once, alone and while ``import_incidents`` holds the write lock; each report
carries a unique marker in its text, counted in the database afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
REPORTS = 200
SERVER_START_SECONDS = 60
REQUEST_SECONDS = 90

# Run in a subprocess against the file database: migrate, then a municipality, a reporter
# with an API token. Prints the token.
SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from samverkan.core.models import Area, Membership, Organisation
from samverkan.core.roles import Role
ring = [[15, 59], [16, 59], [16, 60], [15, 60], [15, 59]]
Area.objects.create(code="9901", name="Norrby", level="municipality", country="SE",
    geometry={"type": "Polygon", "coordinates": [ring]},
    min_lon=15, max_lon=16, min_lat=59, max_lat=60)
org = Organisation.objects.create(name="Norrbyhem AB", kind="housing")
user = get_user_model().objects.create_user("rapportor", password="pw-rapportor-lang")
Membership.objects.create(user=user, organisation=org, role=Role.REPORTER)
print(Token.objects.create(user=user).key)
"""

IMPORT = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("import_incidents", sys.argv[1], "--source", "fil")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _marker(n: int) -> str:
    # Letters only: the masking of free text leaves them alone (digits could be a number).
    letters = ""
    for _ in range(4):
        n, r = divmod(n, 26)
        letters += string.ascii_lowercase[r]
    return f"provmarkor {letters}"


class Server:
    def __init__(self, root: Path):
        self.db = root / "samverkan.sqlite3"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "TEST_DATABASE", "SQLITE_", "DJANGO_"))
        }
        self.env.update(
            SAMVERKAN_DATA=str(root),
            DATABASE_URL=f"sqlite:///{self.db}",
            DJANGO_SETTINGS_MODULE="samverkan.settings",
            SECRET_KEY="concurrency-test-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            DEBUG="false",
        )
        out = subprocess.run(
            [sys.executable, "-c", SETUP],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        self.token = out.stdout.strip().splitlines()[-1]
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/incidents/"
        self.log = (root / "gunicorn.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "samverkan.wsgi",
                "--workers=3",
                "--threads=4",
                "--preload",
                f"--bind=127.0.0.1:{self.port}",
                "--timeout=120",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                self.get()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        "gunicorn startade inte: " + (root / "gunicorn.log").read_text()
                    ) from None
                time.sleep(0.2)

    def get(self):
        request = urllib.request.Request(
            self.url + "?limit=1", headers={"Authorization": f"Token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status

    def post(self, n: int) -> tuple[int, str]:
        """Post report ``n``; return its marker and the HTTP status (0: no answer)."""
        marker = _marker(n)
        body = {
            "occurred_from": f"2024-03-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+01:00",
            "category": "vandalism",
            "lon": 15.1 + (n % 800) / 1000,
            "lat": 59.1 + (n // 800) / 1000,
            "place_name": "Torget",
            "description": f"Klotter på väggen, {marker}",
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:
                return response.status, marker
        except urllib.error.HTTPError as exc:
            return exc.code, marker
        except OSError:
            return 0, marker

    def stored_markers(self) -> Counter:
        con = sqlite3.connect(self.db)
        try:
            rows = con.execute(
                "SELECT description FROM incidents_incident WHERE source = 'rapport'"
            ).fetchall()
        finally:
            con.close()
        return Counter(d.split(", ", 1)[1] for (d,) in rows if "provmarkor" in d)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)  # quick shutdown; nothing is in flight now
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # One server for the module: each test uses its own range of report numbers.
    s = Server(tmp_path_factory.mktemp("concurrent"))
    yield s
    s.stop()


def _post_all(server: Server, numbers) -> list[tuple[int, str]]:
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(server.post, numbers))


def _assert_stored_exactly_once(server: Server, results):
    statuses = Counter(status for status, _marker in results)
    assert statuses == {201: len(results)}, f"svar: {dict(statuses)}"
    stored = server.stored_markers()
    assert {m: stored[m] for _status, m in results} == {m: 1 for _status, m in results}


def test_concurrent_reports_are_all_stored_once(server):
    results = _post_all(server, range(REPORTS))
    _assert_stored_exactly_once(server, results)


def _import_file(path: Path, n: int) -> Path:
    lines = ["Datum;Longitud;Latitud;Kategori;Beskrivning"]
    for i in range(n):
        day, minute = 1 + i % 28, i % 1440
        lines.append(
            f"2023-05-{day:02d} {minute // 60:02d}:{minute % 60:02d};"
            f"{15.05 + (i % 900) / 1000:.4f};{59.05 + (i // 900) / 1000:.4f};"
            f"Klotter;Importerad rad {_marker(i)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reports_wait_for_a_running_import_and_the_import_completes(server, tmp_path):
    """The import and the reports both succeed, whichever takes the write lock first."""
    rows = 25_000
    path = _import_file(tmp_path / "import.csv", rows)
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORT, str(path)],
        env=server.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    counter = iter(range(2000, 100_000))

    def client():
        # Keep posting for as long as the import runs (bounded), so reports arrive before,
        # during and after its write transaction.
        for _ in range(15):
            with lock:
                n = next(counter)
            results.append(server.post(n))
            if importer.poll() is not None:
                break

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(REQUEST_SECONDS * 2)
    out, err = importer.communicate(timeout=REQUEST_SECONDS)
    assert importer.returncode == 0, err
    assert f"{rows} importerade" in out
    _assert_stored_exactly_once(server, results)
    con = sqlite3.connect(server.db)
    try:
        (imported,) = con.execute(
            "SELECT COUNT(*) FROM incidents_incident WHERE source = 'fil'"
        ).fetchone()
    finally:
        con.close()
    assert imported == rows


def test_reports_wait_for_a_long_write_transaction(server):
    """Another connection holds the write lock for two seconds and commits a change."""
    held = threading.Event()

    def hold():
        con = sqlite3.connect(server.db, isolation_level=None, timeout=30)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE core_organisation SET name = name || ' ' WHERE id > 0")
            held.set()
            time.sleep(2)
            con.execute("COMMIT")
        finally:
            con.close()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    results = _post_all(server, range(1000, 1000 + 3 * CLIENTS))
    holder.join()
    _assert_stored_exactly_once(server, results)
