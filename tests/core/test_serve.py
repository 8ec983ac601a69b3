"""`samverkan serve` runs gunicorn and the background worker, restarts a dead worker,
serves static files with DEBUG off, and stops everything on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from samverkan.core.management.commands import serve

BIN = Path(sys.executable).parent / "samverkan"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nice(pid: int) -> int:
    """The nice value of a process (field 19 of /proc/PID/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])


def children_of(pid: int) -> dict[int, str]:
    """Direct child processes of ``pid`` with their command lines (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                found[int(entry.name)] = cmdline
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return found


def wait_for(predicate, timeout=60.0, step=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    return None


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return None, b""


@pytest.fixture
def installation(tmp_path):
    env = {
        **os.environ,
        "SAMVERKAN_DATA": str(tmp_path),
        "DEBUG": "0",
        "WEB_WORKERS": "2",
        "WEB_THREADS": "2",
    }
    env.pop("DATABASE_URL", None)
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run(
            [str(BIN), *step], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
    return env


def test_serve_runs_web_and_worker_restarts_the_worker_and_stops_on_sigterm(installation):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--bind", f"127.0.0.1:{port}"],
        env=installation,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: get(f"{base}/konto/logga-in/")[0] == 200), "no answer"
        status, body = get(f"{base}/static/samverkan/app.css")
        assert status == 200 and body  # whitenoise under gunicorn, DEBUG off

        kids = children_of(proc.pid)
        web = [pid for pid, cmd in kids.items() if "gunicorn" in cmd]
        worker = [pid for pid, cmd in kids.items() if " worker" in cmd]
        assert len(web) == 1 and len(worker) == 1, kids
        # Idle connections outlive a pause between two requests (load benchmark ReadErrors).
        assert f"--keep-alive {serve.KEEP_ALIVE}" in kids[web[0]]
        assert len(children_of(web[0])) == 2  # WEB_WORKERS
        # Background work yields the CPU to the web server's requests.
        assert _nice(web[0]) == _nice(proc.pid)
        assert _nice(worker[0]) == min(_nice(proc.pid) + serve.WORKER_NICENESS, 19)

        os.kill(worker[0], signal.SIGKILL)
        restarted = wait_for(
            lambda: [
                pid
                for pid, cmd in children_of(proc.pid).items()
                if " worker" in cmd and pid != worker[0]
            ],
            timeout=30,
        )
        assert restarted, "the background worker was not restarted"

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        for pid in (web[0], restarted[0]):
            assert not Path(f"/proc/{pid}").exists(), f"child {pid} still runs"
        assert get(f"{base}/konto/logga-in/")[0] is None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output = proc.stdout.read()
    assert "Webbservern och bakgrundsarbetaren är stoppade." in output, output


def test_serve_defaults(monkeypatch):

    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8123")
    assert serve.default_bind() == "0.0.0.0:8123"
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert serve.default_workers() == serve.MAX_WORKERS
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert serve.default_workers() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert serve.default_workers() == 8
    # One request per process: a document drawn in a process never holds the interpreter
    # lock that another request in that process waits for.
    assert serve.THREADS == 1


def test_web_timeout_is_above_sqlite_busy_timeout():
    """A report waiting for SQLite's write lock is answered before gunicorn stops its
    process, and nginx waits longer than gunicorn (docs/operations.md)."""
    import re

    root = Path(__file__).resolve().parents[2]
    source = (root / "samverkan" / "settings.py").read_text()
    busy = float(re.search(r'env\("SQLITE_BUSY_TIMEOUT", "(\d+)"\)', source).group(1))
    assert serve.TIMEOUT > busy
    proxy = (root / "deploy" / "nginx-samverkan.conf").read_text()
    assert int(re.search(r"proxy_read_timeout (\d+)s;", proxy).group(1)) > serve.TIMEOUT


def test_nginx_example_compresses_the_maps_json():
    """The maps' GeoJSON (850 kB for 4,000 points) travels compressed behind the documented
    proxy; Debian's nginx compresses only HTML unless told otherwise."""
    import re

    proxy = (Path(__file__).resolve().parents[2] / "deploy" / "nginx-samverkan.conf").read_text()
    assert re.search(r"^\s*gzip on;", proxy, re.MULTILINE)
    gzip_types = re.search(r"gzip_types ([^;]+);", proxy).group(1).split()
    assert {"application/json", "application/geo+json"} <= set(gzip_types)


def test_serve_ends_with_an_error_when_the_web_server_cannot_start(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        env = {**os.environ, "SAMVERKAN_DATA": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        result = subprocess.run(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--no-worker"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode != 0
    assert "Webbservern avslutades" in result.stderr
    # A fresh data folder has no collected static files: serve says what to run.
    assert "samverkan collectstatic --noinput" in result.stderr
