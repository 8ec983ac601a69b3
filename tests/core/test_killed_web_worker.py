"""A web worker killed mid-load loses no acknowledged write (issue 15, item 9).

The real server (gunicorn, three workers with threads, SQLite in WAL mode) takes reports
from many clients at once; one worker gets SIGKILL while requests are in flight, as the
kernel's out-of-memory killer or a crash would do it. Every report answered 201 must be
in the database exactly once, a report whose answer was lost with the worker is stored
once or not at all (its transaction committed or rolled back as a whole), the master
starts a new worker and the reports after the kill are taken as before.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.core.test_concurrent_writes import Server

CLIENTS = 12
BEFORE_KILL = 30
AFTER_KILL = 40
RESPAWN_SECONDS = 60


def worker_pids(master: int) -> set[int]:
    """The gunicorn workers: the master's child processes."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        # The command name is in parentheses and may hold spaces: the fields follow it.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == master:
            pids.add(int(entry.name))
    return pids


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    yield s
    s.stop()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_killed_worker_loses_no_acknowledged_report(server):
    master = server.proc.pid
    # The server answers as soon as one worker runs; the master forks the others a moment
    # later (the views are loaded before the fork, so the first answer comes quickly).
    deadline = time.monotonic() + RESPAWN_SECONDS
    while len(before := worker_pids(master)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(before) == 3, before

    results: list[tuple[int, str, float]] = []
    lock = threading.Lock()
    numbers = iter(range(100_000))
    killed_at: list[float] = []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            with lock:
                n = next(numbers)
            status, marker = server.post(n)
            with lock:
                results.append((status, marker, time.monotonic()))
                acked_after_kill = sum(
                    1 for s, _m, t in results if s == 201 and killed_at and t > killed_at[0]
                )
                if acked_after_kill >= AFTER_KILL:
                    stop.set()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while sum(1 for s, _m, _t in results if s == 201) < BEFORE_KILL:
        assert time.monotonic() < deadline, "no reports acknowledged before the kill"
        time.sleep(0.05)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    killed_at.append(time.monotonic())
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads), "clients still posting after 5 minutes"

    # The master replaced the killed worker.
    deadline = time.monotonic() + RESPAWN_SECONDS
    while True:
        after = worker_pids(master)
        if victim not in after and len(after) == 3:
            break
        assert time.monotonic() < deadline, f"workers after the kill: {after}"
        time.sleep(0.2)
    assert after - before, "no new worker started"

    stored = server.stored_markers()
    acknowledged = [m for s, m, _t in results if s == 201]
    assert {m: stored[m] for m in acknowledged} == {m: 1 for m in acknowledged}
    # Answers lost with the worker (status 0) or refused: at most once, never half-stored.
    assert all(n == 1 for n in stored.values()), [m for m, n in stored.items() if n != 1]
    statuses = Counter(s for s, _m, _t in results)
    assert set(statuses) <= {201, 0, 502}, statuses
    assert sum(1 for s, _m, t in results if s == 201 and t > killed_at[0]) >= AFTER_KILL
