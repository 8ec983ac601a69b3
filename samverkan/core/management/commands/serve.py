"""``samverkan serve``: the production web server (gunicorn) and the background worker.

Both run as child processes of this one, which supervises them: a background worker that
dies is restarted (with a growing pause, so a worker that fails at once does not spin),
and gunicorn, which supervises its own web workers, ends the whole service when it exits.
SIGTERM or SIGINT stops both children gracefully, as a service manager expects.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from samverkan.core.params import whole_number

# One request per web process (gunicorn's sync worker): a PDF or a chart drawn afresh holds
# its process's interpreter lock for seconds, at a lower CPU priority, and every request
# thread beside it in a threaded process waited for that lock (issue 15, docs/operations.md
# "Web processes"). Gunicorn's advice of 2 x cores + 1 processes, plus a few that a
# document may hold while the short requests go on; beyond 16 the one database becomes
# the bottleneck and each process only costs memory (about 300 MB once it has drawn).
THREADS = 1
SPARE_WORKERS = 3
MAX_WORKERS = 16
# Seconds before gunicorn stops a request; above SQLite's busy timeout (120 s), so that a
# report waiting for an import's write lock gets its answer instead of a killed process.
TIMEOUT = 150
# Seconds the children get to finish their requests and tasks before they are killed.
STOP_GRACE = 30
# Seconds an idle keep-alive connection stays open. Gunicorn's 2 s is shorter than a
# person's pause between two clicks plus a busy server's delay: the server then closed
# connections just as a browser or client sent its next request on them, which fails
# without an answer (httpx ReadError in the load benchmark). Behind a reverse proxy this
# is the proxy's connection, which it reuses. Only threaded processes (WEB_THREADS > 1)
# keep connections open; the default sync worker answers one request per connection.
KEEP_ALIVE = 5
# The background worker runs this many nice steps below the web server: its work (imports,
# recounts, scheduled lägesbilder, e-mail) can wait; a reporter's post should not wait for
# it (docs/operations.md, "CPU priority of heavy work").
WORKER_NICENESS = 10
RESTART_PAUSE_MAX = 30


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1 + SPARE_WORKERS, MAX_WORKERS)


def default_bind() -> str:
    return f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise CommandError(f"{name} ska vara ett heltal, inte {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Startar webbservern (gunicorn) och bakgrundsarbetaren (worker) och övervakar "
        "dem. Avslutas med SIGTERM eller Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=None,
            help="Adress:port att lyssna på (standard: $HOST:$PORT, annars 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=whole_number(1, 64),
            default=None,
            help="Antal webbprocesser (standard: $WEB_WORKERS, annars 2 x kärnor + 4, högst 16).",
        )
        parser.add_argument(
            "--threads",
            type=whole_number(1, 64),
            default=None,
            help="Trådar per webbprocess (standard: $WEB_THREADS, annars 1: en begäran i taget).",
        )
        parser.add_argument(
            "--timeout",
            type=whole_number(1, 86_400),
            default=None,
            help="Sekunder innan en hängande begäran avbryts (standard: $WEB_TIMEOUT, annars 150).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Starta ingen bakgrundsarbetare (när den körs på en annan server).",
        )

    def handle(self, *args, **options):
        bind = options["bind"] or default_bind()
        workers = options["workers"] or env_int("WEB_WORKERS", default_workers())
        threads = options["threads"] or env_int("WEB_THREADS", THREADS)
        timeout = options["timeout"] or env_int("WEB_TIMEOUT", TIMEOUT)
        web_cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "samverkan.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            str(STOP_GRACE),
            "--keep-alive",
            str(KEEP_ALIVE),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        # `worker`, not `db_worker`: it waits out database outages and writes the heartbeat.
        worker_cmd = [sys.executable, "-m", "samverkan.cli", "worker"]
        if nice := shutil.which("nice"):
            # coreutils' nice execs the worker: the whole process, all its threads, runs lower.
            worker_cmd = [nice, "-n", str(WORKER_NICENESS), *worker_cmd]
        if not any(Path(settings.STATIC_ROOT).glob("*")):
            # WhiteNoise serves only collected files: without them every page loses its
            # styles and scripts, which looks like a broken server rather than a missed step.
            self.stderr.write(
                f"Inga statiska filer i {settings.STATIC_ROOT}: kör "
                "`samverkan collectstatic --noinput` först."
            )
        Supervisor(web_cmd, None if options["no_worker"] else worker_cmd, self).run()


class Supervisor:
    """Runs the web server and restarts the background worker whenever it dies."""

    def __init__(self, web_cmd, worker_cmd, command):
        self.web_cmd = web_cmd
        self.worker_cmd = worker_cmd
        self.out = command.stdout
        self.err = command.stderr
        self.stopping = False
        self.web = None
        self.worker = None
        self.restart_pause = 1.0
        self.worker_started = 0.0

    def _stop(self, signum, frame):
        self.stopping = True

    def _start_worker(self):
        self.worker = subprocess.Popen(self.worker_cmd)
        self.worker_started = time.monotonic()
        self.out.write(f"Bakgrundsarbetaren startad (pid {self.worker.pid}).")

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.web = subprocess.Popen(self.web_cmd)
        self.out.write(f"Webbservern startad (pid {self.web.pid}): {' '.join(self.web_cmd[3:])}")
        if self.worker_cmd:
            self._start_worker()
        next_worker_start = None
        try:
            while not self.stopping:
                if self.web.poll() is not None:
                    self.err.write(f"Webbservern avslutades (kod {self.web.returncode}).")
                    break
                if self.worker is not None and self.worker.poll() is not None:
                    if next_worker_start is None:
                        # A worker that ran a while had a transient failure: start again soon.
                        if time.monotonic() - self.worker_started > 60:
                            self.restart_pause = 1.0
                        self.err.write(
                            f"Bakgrundsarbetaren avslutades (kod {self.worker.returncode}); "
                            f"startar om om {self.restart_pause:.0f} s."
                        )
                        next_worker_start = time.monotonic() + self.restart_pause
                        self.restart_pause = min(self.restart_pause * 2, RESTART_PAUSE_MAX)
                    elif time.monotonic() >= next_worker_start:
                        next_worker_start = None
                        self._start_worker()
                time.sleep(0.5)
        finally:
            self._shutdown()
        if self.web.returncode not in (0, None) and not self.stopping:
            raise CommandError("Webbservern kunde inte köras; se felet ovan.")

    def _shutdown(self) -> None:
        children = [p for p in (self.web, self.worker) if p is not None and p.poll() is None]
        for child in children:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE + 5
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.out.write("Webbservern och bakgrundsarbetaren är stoppade.")
