"""Faults (docs/operations.md, Faults): a database outage gives a translated 503 page or
JSON and the app recovers; the background worker waits out an outage, runs again a task
the outage failed and the tasks a dead worker left RUNNING; /healthz and /halsa/ answer
503 naming what is down."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samverkan.worker import runner
from samverkan.worker.models import WorkerHeartbeat

CALLS: list[int] = []
FAIL_FIRST: list[Exception] = []


@task()
def remember(value: int) -> int:
    """A task with a visible effect, for the worker tests."""
    if FAIL_FIRST:
        raise FAIL_FIRST.pop()
    CALLS.append(value)
    return value * 2


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    FAIL_FIRST.clear()


@pytest.fixture
def database_down(db):
    """Every new cursor fails as the driver does when the database is gone; end() brings
    it back.

    Raised below Django's error wrapper, so views, sessions and middleware meet the same
    django.db.OperationalError as in a real outage.
    """

    def fail(self, name=None):
        # The driver's own error (sqlite3, psycopg), as when the server is gone.
        raise self.Database.OperationalError("unable to open database file")

    patch = pytest.MonkeyPatch()

    class Outage:
        def start(self):
            patch.setattr(type(connections["default"]), "create_cursor", fail)

        def end(self):
            patch.undo()

    outage = Outage()
    yield outage
    # Before the test database is torn down, which needs a cursor.
    outage.end()


def error_client():
    # Like a browser: the error handlers answer instead of the test seeing the exception.
    return Client(raise_request_exception=False)


# --- the pages -----------------------------------------------------------------------


def test_outage_is_a_translated_503_page(world, database_down):
    client = error_client()
    client.force_login(world.users["reporter"])
    assert client.get(reverse("home")).status_code == 200
    database_down.start()
    response = client.get(reverse("area-browser"))
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" in html
    assert "Traceback" not in html
    # English for those who chose it; the language cookie needs no database.
    client.cookies["django_language"] = "en"
    html_en = client.get(reverse("area-browser")).content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" not in html_en
    database_down.end()
    # Recovered without a restart: the same session works again.
    client.cookies["django_language"] = "sv"
    assert client.get(reverse("area-browser")).status_code == 200


def test_outage_in_api_is_json(world, database_down):
    client = error_client()
    client.force_login(world.users["reporter"])
    database_down.start()
    response = client.get("/api/areas/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "database_unavailable"
    assert response["Retry-After"].isdigit()
    # Any client that asks for JSON only gets JSON, whatever the path.
    response = client.get(reverse("home"), HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    database_down.end()
    assert client.get("/api/areas/").status_code == 200


def test_outage_before_any_view_is_503_too(db, database_down):
    # An anonymous login page needs the database only for the session: a fault in the
    # middleware, which the view-level handler cannot see.
    client = error_client()
    client.cookies["sessionid"] = "x" * 32
    database_down.start()
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "Tjänsten är tillfälligt otillgänglig" in response.content.decode()


def test_outage_inside_a_view_is_503_even_in_debug(world, settings, monkeypatch):
    # With DEBUG on, Django shows its technical 500 instead of handler500: the
    # middleware still turns the outage into the page users would see.
    from samverkan.core import views

    def gone(self, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    settings.DEBUG = True
    monkeypatch.setattr(views.AreaBrowserView, "get_context_data", gone)
    client = error_client()
    client.force_login(world.users["reporter"])
    response = client.get(reverse("area-browser"))
    assert response.status_code == 503
    assert "Tjänsten är tillfälligt otillgänglig" in response.content.decode()


def test_other_errors_are_a_friendly_500(world, monkeypatch):
    from samverkan.core import views

    def broken(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.AreaBrowserView, "get_context_data", broken)
    client = error_client()
    client.force_login(world.users["reporter"])
    response = client.get(reverse("area-browser"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ett oväntat fel inträffade" in html and "boom" not in html
    response = client.get(reverse("area-browser"), HTTP_ACCEPT="application/json")
    assert response.status_code == 500 and response.json()["code"] == "server_error"


# --- health checks -------------------------------------------------------------------


def test_healthz_needs_database_and_a_fresh_heartbeat(db, database_down):
    client = error_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"] == {"database": "ok", "worker": "fail"}
    assert "bakgrundsarbetaren" in body["errors"]["worker"]

    runner.beat("w1", timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"

    stale = timezone.now() - runner.HEALTHY_WITHIN - timedelta(seconds=5)
    WorkerHeartbeat.objects.filter(worker_id="w1").update(beat_at=stale)
    assert client.get("/healthz").status_code == 503

    runner.beat("w1", timezone.now())
    database_down.start()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "fail"
    assert "unable to open database file" in body["errors"]["database"]
    database_down.end()
    assert client.get("/healthz").status_code == 200


def test_health_checks_answer_plain_http_behind_the_ssl_redirect(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = error_client()
    assert client.get("/konto/logga-in/").status_code == 301
    runner.beat("w1", timezone.now())
    assert client.get("/healthz").status_code == 200
    assert client.get("/halsa/").status_code == 200


def test_halsa_checks_the_database(db, database_down):
    client = error_client()
    assert client.get(reverse("health")).status_code == 200
    database_down.start()
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "fail"}


# --- the worker ----------------------------------------------------------------------


def run_worker(*extra):
    call_command(
        "worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--heartbeat",
        "0.2",
        "--worker-id",
        "test-worker",
        *extra,
        verbosity=0,
    )


@pytest.mark.django_db(transaction=True)
def test_worker_waits_out_an_outage_and_runs_the_task(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    result = remember.enqueue(3)
    real = db_worker.exclusive_transaction
    failures = [OperationalError("could not connect to server")] * 2

    def flaky(using):
        if failures:
            raise failures.pop()
        return real(using)

    pauses = []
    monkeypatch.setattr(db_worker, "exclusive_transaction", flaky)
    monkeypatch.setattr(runner.time, "sleep", pauses.append)
    run_worker()
    assert pauses[:2] == [1.0, 2.0]  # backoff, not an exit
    assert CALLS == [3]
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and row.return_value == 6
    # A worker that stops cleanly takes its heartbeat with it.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_worker_writes_a_heartbeat_while_it_runs(monkeypatch):
    seen = []

    original = runner.ResilientWorker.run_task

    def observe(self, db_task_result):
        deadline = timezone.now() + timedelta(seconds=10)
        while runner.worker_alive() is None and timezone.now() < deadline:
            pass
        seen.append(runner.worker_alive())
        return original(self, db_task_result)

    monkeypatch.setattr(runner.ResilientWorker, "run_task", observe)
    remember.enqueue(1)
    run_worker()
    assert seen and seen[0] is not None and seen[0].worker_id == "test-worker"
    assert seen[0].pid == os.getpid() and seen[0].host == socket.gethostname()


@pytest.mark.django_db(transaction=True)
def test_task_failed_by_an_outage_runs_again():
    # What Django raises when the server goes away in the middle of a query.
    FAIL_FIRST.append(OperationalError("server closed the connection unexpectedly"))
    result = remember.enqueue(5)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY  # not FAILED: queued again, a bit later
    assert row.run_after > timezone.now()
    assert CALLS == []
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
    run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and CALLS == [5]


@pytest.mark.django_db(transaction=True)
def test_task_cut_off_by_a_forced_stop_runs_again():
    # A second SIGTERM makes django-tasks-db's signal handler call sys.exit in the task.
    FAIL_FIRST.append(SystemExit(1))
    result = remember.enqueue(8)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and CALLS == [8]
    assert row.worker_ids == ["test-worker", "test-worker"]


def test_task_failed_otherwise_stays_failed(transactional_db):
    FAIL_FIRST.append(ValueError("a bug, not an outage"))
    result = remember.enqueue(5)
    run_worker()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def claimed(result, worker_id, started=None):
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        worker_ids=[worker_id],
        started_at=started or timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_task_of_a_killed_worker_is_run_again():
    # The worker that claimed it died on this machine: its process is gone.
    result = remember.enqueue(7)
    claimed(result, "killed")
    WorkerHeartbeat.objects.create(
        worker_id="killed",
        host=socket.gethostname(),
        pid=dead_pid(),
        started_at=timezone.now(),
        beat_at=timezone.now(),
    )
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL and CALLS == [7]
    assert row.worker_ids == ["killed", "test-worker"]


def test_reclaim_leaves_live_workers_tasks_alone(db):
    now = timezone.now()
    here = socket.gethostname()
    tasks = {name: remember.enqueue(i) for i, name in enumerate(["alive", "quiet", "gone"])}
    # Alive: a process on this machine that exists (the test's parent).
    WorkerHeartbeat.objects.create(
        worker_id="alive", host=here, pid=os.getppid(), started_at=now, beat_at=now
    )
    # Elsewhere, silent for a while but less than RECLAIM_AFTER: maybe just slow.
    WorkerHeartbeat.objects.create(
        worker_id="quiet",
        host="other-server",
        pid=1,
        started_at=now,
        beat_at=now - runner.RECLAIM_AFTER + timedelta(minutes=1),
    )
    # Elsewhere, silent for longer: dead.
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        host="other-server",
        pid=1,
        started_at=now,
        beat_at=now - runner.RECLAIM_AFTER - timedelta(minutes=1),
    )
    for name, result in tasks.items():
        claimed(result, name)
    no_heartbeat = remember.enqueue(9)
    claimed(no_heartbeat, "plain-db-worker", started=now - timedelta(minutes=5))
    old_no_heartbeat = remember.enqueue(10)
    claimed(
        old_no_heartbeat,
        "plain-db-worker",
        started=now - runner.UNKNOWN_WORKER_RECLAIM_AFTER - timedelta(minutes=1),
    )

    reclaimed = runner.reclaim_abandoned_tasks("me", now=now)

    assert set(reclaimed) == {str(tasks["gone"].id), str(old_no_heartbeat.id)}
    status = {str(k): v for k, v in DBTaskResult.objects.values_list("id", "status")}
    assert status[tasks["alive"].id] == TaskResultStatus.RUNNING
    assert status[tasks["quiet"].id] == TaskResultStatus.RUNNING
    assert status[no_heartbeat.id] == TaskResultStatus.RUNNING
    assert status[tasks["gone"].id] == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_running_worker_reclaims_dead_workers_tasks_from_its_heartbeat():
    result = remember.enqueue(4)
    claimed(result, "gone")
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        host="other-server",
        pid=1,
        started_at=timezone.now(),
        beat_at=timezone.now() - runner.RECLAIM_AFTER - timedelta(minutes=1),
    )
    own = remember.enqueue(5)
    claimed(own, "busy")  # this worker is running it right now
    pulse = runner.Heartbeat("busy", interval=0.05)
    pulse.start()
    try:
        requeued = wait_until(
            lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY
        )
    finally:
        pulse.stop()
        pulse.join(timeout=5)
    assert requeued
    assert DBTaskResult.objects.get(pk=own.id).status == TaskResultStatus.RUNNING


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_reclaim_takes_back_own_task_after_an_outage(db):
    # The worker lost the database mid-task: it runs nothing now, so its RUNNING task
    # is abandoned even though its own heartbeat is fresh.
    result = remember.enqueue(1)
    claimed(result, "me")
    runner.beat("me", timezone.now())
    assert runner.reclaim_abandoned_tasks("me") == [str(result.id)]


# --- a real outage under `samverkan serve` ----------------------------------------------

OUTAGE_SECONDS = 20


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer to check


NO_REDIRECTS = urllib.request.build_opener(_Stay)


def fetch(url, session=True, **headers):
    """Status, headers and body, redirects not followed; a session cookie makes even an
    anonymous page read the database (the session table)."""
    if session:
        headers["Cookie"] = "sessionid=" + "x" * 32
    request = urllib.request.Request(url, headers=headers)
    try:
        with NO_REDIRECTS.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()
    except OSError:
        return None, {}, ""


def last_heartbeat(db_file) -> str | None:
    try:
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("SELECT max(beat_at) FROM worker_workerheartbeat").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def test_database_gone_for_20_seconds_under_serve(tmp_path):
    """The SQLite database's folder disappears for 20 s while `samverkan serve` runs:
    pages answer the translated 503, the API JSON, /healthz names the database; then
    everything works again without a restart, and the same background worker writes its
    heartbeat again."""
    from tests.core.test_serve import BIN, children_of, free_port, wait_for

    data = tmp_path / "data"
    env = {
        **os.environ,
        "SAMVERKAN_DATA": str(data),
        "DEBUG": "0",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [str(BIN), "migrate", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    away = tmp_path / "away"
    try:
        assert wait_for(lambda: fetch(f"{base}/healthz")[0] == 200, timeout=90), log.read_text()
        assert fetch(f"{base}/")[0] == 302  # to the login page
        workers = [p for p, cmd in children_of(proc.pid).items() if " worker" in cmd]
        assert len(workers) == 1

        data.rename(away)
        outage_end = time.monotonic() + OUTAGE_SECONDS
        rounds = 0
        while time.monotonic() < outage_end:
            status, headers, body = fetch(f"{base}/")
            assert status == 503, (status, body[:500])
            assert "Tjänsten är tillfälligt otillgänglig" in body and headers["Retry-After"]
            status, headers, body = fetch(f"{base}/api/areas/")
            assert status == 503 and headers["Content-Type"].startswith("application/json")
            assert json.loads(body)["code"] == "database_unavailable"
            status, _, body = fetch(f"{base}/healthz", session=False)
            assert status == 503 and json.loads(body)["checks"]["database"] == "fail"
            # A monitor that sends a cookie still gets JSON.
            status, _, body = fetch(f"{base}/healthz")
            assert status == 503 and "database_unavailable" in body
            rounds += 1
            time.sleep(1)
        assert rounds >= 5
        back_at = timezone.now()
        away.rename(data)

        assert wait_for(lambda: fetch(f"{base}/")[0] == 302, timeout=30), "no recovery"
        assert fetch(f"{base}/api/areas/")[0] == 403  # the API asks for sign-in again
        assert fetch(f"{base}/healthz")[0] == 200
        # The same worker outlived the outage and beats again.
        assert proc.poll() is None
        assert workers[0] in children_of(proc.pid)
        fresh = wait_for(
            lambda: (
                (last_heartbeat(data / "samverkan.sqlite3") or "")
                > back_at.strftime("%Y-%m-%d %H:%M:%S")
            ),
            timeout=60,
        )
        assert fresh, last_heartbeat(data / "samverkan.sqlite3")
    finally:
        if away.exists() and not data.exists():
            away.rename(data)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "Databasen svarar inte" in output, output[-3000:]
    assert "Bakgrundsarbetaren avslutades" not in output, output[-3000:]
