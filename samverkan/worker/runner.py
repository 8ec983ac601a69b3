"""A background worker that outlives database outages and reclaims abandoned tasks.

django-tasks-db's ``db_worker`` exits on the first connection error, and a task whose
worker died stays RUNNING for ever. This wraps its worker: an outage is waited out with a
growing pause, a task that failed only because the database went away is queued again,
and tasks left RUNNING by a dead worker are put back in the queue (docs/operations.md,
Faults). A rerun is safe because the task bodies commit each unit of work atomically and
skip what is already done.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from samverkan.worker.models import WorkerHeartbeat

logger = logging.getLogger("samverkan.worker")

DATABASE_DOWN = (OperationalError, InterfaceError)
DATABASE_DOWN_PATHS = {f"{cls.__module__}.{cls.__qualname__}" for cls in DATABASE_DOWN}
# A task cut off by a forced stop (a second SIGTERM, Ctrl-C) did nothing wrong.
INTERRUPTED_PATHS = {"builtins.SystemExit", "builtins.KeyboardInterrupt"}

HEARTBEAT_SECONDS = 15
# Every this many heartbeats a running worker also looks for tasks of dead workers, so
# they are run again without waiting for a worker to start.
RECLAIM_EVERY_BEATS = 4
# /healthz calls the worker down after this long without a heartbeat: several missed beats,
# so one slow write (SQLite waits for a long import's lock) is not an alarm.
HEALTHY_WITHIN = timedelta(minutes=2)
# Another machine's worker whose heartbeat has been silent this long is taken for dead and
# its tasks are run again. Longer than HEALTHY_WITHIN: running a task twice costs more than
# running it late, and a worker on this machine is known dead at once by its process id.
RECLAIM_AFTER = timedelta(minutes=10)
# A task claimed by a worker that never wrote a heartbeat (a plain ``db_worker``).
UNKNOWN_WORKER_RECLAIM_AFTER = timedelta(hours=1)
# Heartbeats of workers gone this long are deleted.
FORGET_AFTER = timedelta(days=1)
RETRY_PAUSE_MAX = 30.0
# A worker that ran this many seconds before the database failed starts over at 1 s.
STABLE_AFTER = 60.0
# A task that failed because the database was away runs again after this pause.
REQUEUE_DELAY = timedelta(seconds=10)


def beat(worker_id: str, started_at) -> None:
    """Write the heartbeat of ``worker_id`` (this process on this machine)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def worker_alive(now=None) -> WorkerHeartbeat | None:
    """The most recent heartbeat if it is younger than HEALTHY_WITHIN, else None."""
    now = now or timezone.now()
    return (
        WorkerHeartbeat.objects.filter(beat_at__gte=now - HEALTHY_WITHIN)
        .order_by("-beat_at")
        .first()
    )


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def _dead(heartbeat: WorkerHeartbeat, own_id: str | None, now) -> bool:
    if heartbeat.worker_id == own_id:
        return False
    if heartbeat.host == socket.gethostname():
        # A restarted worker may get the dead one's process id (containers number from 1).
        return heartbeat.pid == os.getpid() or not _process_exists(heartbeat.pid)
    return heartbeat.beat_at < now - RECLAIM_AFTER


def reclaim_abandoned_tasks(
    own_id: str | None = None, now=None, *, own_idle: bool = True
) -> list[str]:
    """Put the tasks that a dead worker left RUNNING back in the queue.

    A task is abandoned when its last worker is ``own_id`` and ``own_idle`` (this worker
    lost the database in the middle of it and is not running it any more; the heartbeat
    thread, which cannot know, passes False), a worker whose process is gone
    from this machine, a worker elsewhere silent for RECLAIM_AFTER, or a worker without a
    heartbeat that claimed it more than UNKNOWN_WORKER_RECLAIM_AFTER ago. The dead
    worker's transaction never committed, so the task starts again from a clean state.
    Returns the ids of the tasks queued again.
    """
    now = now or timezone.now()
    heartbeats = {h.worker_id: h for h in WorkerHeartbeat.objects.all()}
    abandoned = []
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        last = task.worker_ids[-1] if task.worker_ids else None
        if last is not None and last == own_id:
            if own_idle:
                abandoned.append(task.id)
        elif last in heartbeats:
            if _dead(heartbeats[last], own_id, now):
                abandoned.append(task.id)
        elif task.started_at is None or task.started_at < now - UNKNOWN_WORKER_RECLAIM_AFTER:
            abandoned.append(task.id)
    if abandoned:
        # The status condition leaves alone a task its worker finished meanwhile.
        DBTaskResult.objects.filter(id__in=abandoned, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning(
            "%d avbrutna bakgrundsuppgifter köas igen: %s",
            len(abandoned),
            ", ".join(str(a) for a in abandoned),
        )
    gone = [h.worker_id for h in heartbeats.values() if h.beat_at < now - FORGET_AFTER]
    WorkerHeartbeat.objects.filter(worker_id__in=gone).delete()
    return [str(a) for a in abandoned]


class Heartbeat(threading.Thread):
    """Renews the heartbeat while the main thread runs tasks, however long they take."""

    def __init__(self, worker_id: str, interval: float = HEARTBEAT_SECONDS):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.halt = threading.Event()
        self.failing = False
        self.beats = 0

    def start(self) -> None:
        # The first beat in the caller's thread, before any task runs: the worker is seen
        # at once, and the thread's first write never meets a task's first transaction
        # (an in-memory SQLite test database refuses the second writer outright).
        self._beat(own_connection=False)
        super().start()

    def run(self) -> None:
        while not self.halt.wait(self.interval):
            self._beat(own_connection=True)

    def _beat(self, *, own_connection: bool) -> None:
        try:
            beat(self.worker_id, self.started_at)
            self.beats += 1
            if self.beats % RECLAIM_EVERY_BEATS == 0:
                reclaim_abandoned_tasks(self.worker_id, own_idle=False)
            if self.failing:
                logger.warning("Bakgrundsarbetarens livstecken skrivs igen.")
            self.failing = False
        except Exception as exc:  # noqa: BLE001 - the thread must outlive every fault
            if not self.failing:
                logger.warning("Bakgrundsarbetarens livstecken kan inte skrivas: %s", exc)
            self.failing = True
        finally:
            if own_connection:
                # This thread's own connection: a broken one must not be reused.
                connections.close_all()

    def stop(self) -> None:
        self.halt.set()


class ResilientWorker(Worker):
    """django-tasks-db's worker, but a task failed by a database outage or cut off by a
    forced stop runs again instead of being marked failed."""

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status != TaskResultStatus.FAILED:
            return
        cause = db_task_result.exception_class_path
        if cause in DATABASE_DOWN_PATHS:
            delay = REQUEUE_DELAY
        elif cause in INTERRUPTED_PATHS:
            delay = timedelta(0)
        else:
            return
        DBTaskResult.objects.filter(pk=db_task_result.pk).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            run_after=timezone.now() + delay,
        )
        logger.warning(
            "Uppgiften %s avbröts (%s); den körs igen om %d s.",
            db_task_result.pk,
            cause,
            delay.total_seconds(),
        )


def run_resilient(worker: ResilientWorker) -> None:
    """Run ``worker`` until it stops by itself (batch, max tasks, a signal).

    A database outage ends django-tasks-db's loop with an exception; here it is logged,
    waited out with a pause that doubles up to RETRY_PAUSE_MAX, and the loop starts again
    once the abandoned tasks are queued again.
    """
    pause = 1.0
    while worker.running:
        started = time.monotonic()
        try:
            reclaim_abandoned_tasks(worker.worker_id)
            worker.run()
            return
        except DATABASE_DOWN as exc:
            if time.monotonic() - started > STABLE_AFTER:
                pause = 1.0  # a new outage after a good while, not the same one
            logger.warning(
                "Databasen svarar inte (%s); bakgrundsarbetaren försöker igen om %.0f s.",
                exc,
                pause,
            )
            _close_connections()
            time.sleep(pause)
            pause = min(pause * 2, RETRY_PAUSE_MAX)


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DATABASE_DOWN:
            pass
