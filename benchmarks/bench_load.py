"""Load benchmark: logged-in users against the real server, on PostgreSQL and SQLite.

For each database a fresh installation is made (``migrate``, ``load_demo``) with benchmark
users added to the demo's organisations, and ``samverkan serve`` (gunicorn and the
background worker, as in production) is started on 127.0.0.1. A bounded asyncio client
then runs one task per user for ``--duration`` seconds, each a closed loop of requests
with a think time between them (uniform 0.5-1.5 x ``--think`` seconds):

* 60 % reporters post reports to ``/api/incidents/`` (token authentication), each with a
  unique marker in its text;
* 30 % coordinators read the incident list, its map, the lägesbild list, the demo's
  lägesbild and its map (session cookies);
* 10 % coordinators build a lägesbild (the build form, a POST), open it and download its PDF.

Counted: errors (any answer other than 2xx or the build's redirect, and timeouts), and
after the run, with the server stopped, every acknowledged report's marker in the
database: a marker missing is a lost report, one stored twice a doubled one. p50/p95/p99
per endpoint go to docs/benchmarks.md. Targets (issue 15, item 8): 0 errors, 0 lost or
doubled reports, p95 < 300 ms for reads and report posts on PostgreSQL; lägesbild builds
and PDFs are reported without a target.

PostgreSQL is used from ``TEST_DATABASE_URL`` (a database the benchmark may fill) or else
a temporary server started as ``tools/run_tests.py`` does (fsync off: the benchmark
measures the application, not the disk). The client only ever connects to 127.0.0.1.

Run: ``python -m benchmarks.bench_load [--duration 180] [--users 40]
[--backend all|postgres|sqlite] [--think 1.0] [--no-write] [--small]``. ``--small`` puts
one municipality and one lägesbild in place of the demo: ``tests/core/test_bench_load.py``
runs it for a few seconds with four users so the benchmark itself stays working.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
SERVER_START_SECONDS = 120
REQUEST_TIMEOUT = 120.0
READ_TARGET_MS = 300
LAG_TICK = 0.05  # s between the client's checks of its own wake-up delay
# Endpoints with the p95 target; the others (building, PDF) are reported only.
TARGETED = (
    "report post",
    "incident list",
    "incident map",
    "lägesbild list",
    "lägesbild",
    "lägesbild map",
)

# Run in the installation's environment: migrate, load the demo, add the benchmark users
# (reporters with API tokens, coordinators with signed-in sessions, as after the sign-in
# and second-factor steps) and print what the client needs as JSON on the last line.
SETUP = r"""
import json, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from samverkan.core.models import Membership, Organisation
from samverkan.core.roles import Role
from samverkan.core.two_factor import enrolled, requires_two_factor
from samverkan.situation.models import SituationReport

reporters, readers, builders = (int(v) for v in sys.argv[1:4])
User = get_user_model()
if sys.argv[4] == "small":
    # For the smoke test: one municipality around Örebro's centre, its partnership, two
    # users like the demo's and one lägesbild, instead of the whole demo.
    from django.utils import timezone
    from samverkan.core import periods
    from samverkan.core.models import Area, Partnership
    from samverkan.situation.services import create_report
    ring = [[15.1, 59.2], [15.3, 59.2], [15.3, 59.35], [15.1, 59.35], [15.1, 59.2]]
    area = Area.objects.create(code="1880", name="Örebro", level="municipality",
        geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=15.1, max_lon=15.3, min_lat=59.2, max_lat=59.35)
    housing = Organisation.objects.create(name="Bostadsbolaget (prov)", kind="housing")
    kommun = Organisation.objects.create(name="Örebro kommun (prov)", kind="municipality")
    group = Partnership.objects.create(name="Samverkan Örebro (prov)")
    group.organisations.set([housing, kommun])
    group.areas.set([area])
    for name, org, role in (("rapportor", housing, Role.REPORTER),
                            ("samordnare", kommun, Role.COORDINATOR)):
        Membership.objects.create(user=User.objects.create_user(name), organisation=org, role=role)
    month = periods.containing(timezone.localdate(), periods.MONTH).previous()
    create_report(area, month, group, User.objects.get(username="samordnare"))
else:
    call_command("load_demo")
demo = {m.user.username: m for m in Membership.objects.select_related("user", "organisation")}
reporter_org = demo["rapportor"].organisation
coordinator_org = demo["samordnare"].organisation

def session(user):
    client = Client()
    client.force_login(user)
    if requires_two_factor(user) or enrolled(user):
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        s = client.session
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
        s.save()
    return client.cookies["sessionid"].value

def user(name, org, role):
    u = User.objects.create_user(name, password=None)
    Membership.objects.create(user=u, organisation=org, role=role)
    return u

out = {"tokens": [], "readers": [], "builders": []}
for i in range(reporters):
    u = user(f"bench-rapportor-{i}", reporter_org, Role.REPORTER)
    out["tokens"].append(Token.objects.create(user=u).key)
for i in range(readers):
    out["readers"].append(session(user(f"bench-las-{i}", coordinator_org, Role.COORDINATOR)))
for i in range(builders):
    out["builders"].append(session(user(f"bench-bygg-{i}", coordinator_org, Role.COORDINATOR)))
report = SituationReport.objects.order_by("pk").first()
out["report"] = report.pk
out["build"] = {
    "area": report.area_id,
    "partnership": report.partnership_id or "",
    "period_type": report.period_type,
    "period": report.period_label,
    "audience": report.audience,
}
out["urls"] = {
    "api": "/api/incidents/",
    "list": reverse("incident-triage"),
    "map": reverse("incident-geojson"),
    "situations": reverse("situation-list"),
    "situation": reverse("situation-detail", args=[report.pk]),
    "situation_map": reverse("situation-geojson", args=[report.pk]),
    "build": reverse("situation-create"),
}
print(json.dumps(out))
"""

# Run after the server stopped: how often each marker of the benchmark is stored.
COUNT = r"""
import json
import django
django.setup()
from collections import Counter
from samverkan.incidents.models import Incident
texts = Incident.objects.filter(description__contains="lastprov").values_list("description", flat=True)
print(json.dumps(Counter(t.rsplit(", ", 1)[1] for t in texts)))
"""


def marker(n: int) -> str:
    # Letters only: the masking of free text leaves them alone (digits could be a number).
    letters = ""
    for _ in range(5):
        n, r = divmod(n, 26)
        letters += string.ascii_lowercase[r]
    return f"lastprov {letters}"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation): a latency that was actually observed."""
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 100)))  # ceil(q/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


class Installation:
    """A data folder, its database and the running ``samverkan serve``."""

    def __init__(
        self,
        root: Path,
        database_url: str,
        mix: tuple[int, int, int],
        workers: int | None,
        threads: int | None,
        world: str = "demo",
    ):
        self.root = root
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "TEST_DATABASE", "SQLITE_", "DJANGO_"))
        }
        self.env.update(
            SAMVERKAN_DATA=str(root),
            DATABASE_URL=database_url,
            DJANGO_SETTINGS_MODULE="samverkan.settings",
            SECRET_KEY="load-benchmark-" + "x" * 40,
            ALLOWED_HOSTS=HOST,
            DEBUG="false",
        )
        out = self._run(SETUP, *map(str, mix), world, timeout=1800)
        self.setup = json.loads(out.strip().splitlines()[-1])
        self.port = _free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log_path = root / "serve.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "samverkan.cli",
                "serve",
                f"--bind={HOST}:{self.port}",
                *([f"--workers={workers}"] if workers else []),
                *([f"--threads={threads}"] if threads else []),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()

    def _run(self, script: str, *args: str, timeout: float) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-4000:])
        return done.stdout

    def _wait_ready(self) -> None:
        import urllib.request

        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5):
                    return
            except OSError as exc:
                # /healthz answers 503 until the worker's first heartbeat: not ready yet.
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"samverkan serve startade inte ({exc}): "
                        + self.log_path.read_text()[-4000:]
                    ) from None
                time.sleep(0.5)

    def stored_markers(self) -> Counter:
        return Counter(json.loads(self._run(COUNT, timeout=600).strip().splitlines()[-1]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Load:
    """The simulated users and what they saw."""

    def __init__(self, inst: Installation, duration: float, think: float, seed: int = 1):
        import httpx

        self.httpx = httpx
        self.inst = inst
        self.urls = inst.setup["urls"]
        self.deadline = 0.0
        self.duration = duration
        self.think = think
        self.random = random.Random(seed)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.error_examples: dict[str, str] = {}
        self.acknowledged: dict[str, int] = {}  # marker -> incident id
        self.next_report = 0
        self.lag: list[float] = []  # ms the client's own event loop woke late

    def client(self, **kwargs):
        assert self.inst.base.startswith(f"http://{HOST}:")  # never anything but this host
        return self.httpx.AsyncClient(
            base_url=self.inst.base,
            timeout=REQUEST_TIMEOUT,
            follow_redirects=False,
            # An idle connection is dropped before gunicorn's 2 s keep-alive ends, so a
            # request never races the server closing it (a reset that is no server error).
            limits=self.httpx.Limits(max_connections=1, keepalive_expiry=1.0),
            **kwargs,
        )

    async def pause(self) -> None:
        await asyncio.sleep(self.think * self.random.uniform(0.5, 1.5))

    async def timed(self, name: str, call, ok=(200,)) -> object | None:
        started = time.perf_counter()
        try:
            response = await call()
        except self.httpx.HTTPError as exc:
            self.errors[name] += 1
            self.error_examples.setdefault(name, f"{type(exc).__name__}: {exc}")
            return None
        self.latencies[name].append((time.perf_counter() - started) * 1000)
        if response.status_code not in ok:
            self.errors[name] += 1
            self.error_examples.setdefault(
                name, f"HTTP {response.status_code}: {response.text[:200]}"
            )
            return None
        return response

    async def reporter(self, token: str) -> None:
        async with self.client(headers={"Authorization": f"Token {token}"}) as c:
            while time.monotonic() < self.deadline:
                n = self.next_report
                self.next_report += 1
                mark = marker(n)
                body = {
                    "occurred_from": (
                        f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+01:00"
                    ),
                    "category": "vandalism",
                    # Örebro's centre, spread over a few kilometres.
                    "lon": 15.17 + self.random.random() * 0.08,
                    "lat": 59.25 + self.random.random() * 0.05,
                    "place_name": "Torget",
                    "description": f"Klotter på väggen, {mark}",
                }
                response = await self.timed(
                    "report post", lambda b=body: c.post(self.urls["api"], json=b), ok=(201,)
                )
                if response is not None:
                    self.acknowledged[mark] = response.json().get("id")
                await self.pause()

    async def reader(self, session: str) -> None:
        pages = [
            ("incident list", self.urls["list"]),
            ("incident map", self.urls["map"]),
            ("lägesbild list", self.urls["situations"]),
            ("lägesbild", self.urls["situation"]),
            ("lägesbild map", self.urls["situation_map"]),
        ]
        async with self.client(cookies={"sessionid": session}) as c:
            i = self.random.randrange(len(pages))
            while time.monotonic() < self.deadline:
                name, url = pages[i % len(pages)]
                i += 1
                await self.timed(name, lambda u=url: c.get(u))
                await self.pause()

    async def builder(self, session: str) -> None:
        async with self.client(cookies={"sessionid": session}) as c:
            while time.monotonic() < self.deadline:
                # The form page sets the CSRF cookie the POST must echo.
                form = await self.timed("lägesbild form", lambda: c.get(self.urls["build"]))
                if form is not None:
                    data = {**self.inst.setup["build"]}
                    data["csrfmiddlewaretoken"] = c.cookies.get("csrftoken", "")
                    built = await self.timed(
                        "lägesbild build",
                        lambda d=data: c.post(
                            self.urls["build"], data=d, headers={"Referer": self.inst.base}
                        ),
                        ok=(302,),
                    )
                    if built is not None:
                        detail = built.headers["location"]
                        await self.timed("lägesbild (new)", lambda u=detail: c.get(u))
                        await self.timed(
                            "lägesbild PDF", lambda u=detail: c.get(u + "hamta/?format=pdf")
                        )
                await self.pause()

    async def watch_lag(self) -> None:
        # The client shares the machine with the server: when it is itself starved of CPU,
        # every latency it measures includes its own late wake-up. Recorded so a figure can
        # be read for what it is.
        while time.monotonic() < self.deadline:
            started = time.perf_counter()
            await asyncio.sleep(LAG_TICK)
            self.lag.append((time.perf_counter() - started - LAG_TICK) * 1000)

    async def run(self) -> float:
        setup = self.inst.setup
        tasks = (
            [self.watch_lag()]
            + [self.reporter(t) for t in setup["tokens"]]
            + [self.reader(s) for s in setup["readers"]]
            + [self.builder(s) for s in setup["builders"]]
        )
        started = time.monotonic()
        self.deadline = started + self.duration
        await asyncio.gather(*tasks)
        return time.monotonic() - started


def split(users: int) -> tuple[int, int, int]:
    """60 % reporters, 30 % readers, 10 % builders (at least one of each)."""
    builders = max(1, round(users * 0.1))
    readers = max(1, round(users * 0.3))
    return max(1, users - readers - builders), readers, builders


def run_backend(name: str, url: str | None, args) -> dict:
    """One installation under load; ``url`` None: SQLite in the installation's data folder."""
    mix = split(args.users)
    with tempfile.TemporaryDirectory(prefix=f"samverkan-load-{name}-") as tmp:
        url = url or f"sqlite:///{tmp}/samverkan.sqlite3"
        t0 = time.monotonic()
        inst = Installation(
            Path(tmp), url, mix, args.workers, args.threads, "small" if args.small else "demo"
        )
        setup_seconds = time.monotonic() - t0
        print(f"[{name}] installation klar på {setup_seconds:.0f} s", flush=True)
        try:
            load = Load(inst, args.duration, args.think)
            elapsed = asyncio.run(load.run())
            # The machine's load during the run: on a shared machine it explains the figures.
            load_average = os.getloadavg()[1]
        finally:
            inst.stop()
        stored = inst.stored_markers()
        if load.errors:
            # The server's side of the errors (timeouts, tracebacks) outlives the run.
            kept = Path(tempfile.gettempdir()) / f"samverkan-load-{name}-serve.log"
            kept.write_bytes(inst.log_path.read_bytes())
            print(f"[{name}] fel: serverns logg sparad i {kept}", flush=True)
    lost = sorted(m for m in load.acknowledged if stored.get(m, 0) == 0)
    doubled = sorted(m for m, n in stored.items() if n > 1)
    requests = sum(len(v) for v in load.latencies.values()) + sum(
        load.errors[k] for k in load.errors if k not in load.latencies
    )
    return {
        "backend": name,
        "mix": mix,
        "elapsed": elapsed,
        "load_average": load_average,
        "requests": requests,
        "latencies": dict(load.latencies),
        "errors": dict(load.errors),
        "error_examples": load.error_examples,
        "acknowledged": len(load.acknowledged),
        "lost": len(lost),
        "doubled": len(doubled),
        "lag": load.lag,
        # The same work every run (migrate, load the demo): how fast the machine was.
        "setup_seconds": setup_seconds,
    }


def targets_met(result: dict) -> bool:
    lat = result["latencies"]
    return (
        not result["errors"]
        and result["lost"] == 0
        and result["doubled"] == 0
        and all(percentile(lat[k], 95) < READ_TARGET_MS for k in TARGETED if lat.get(k))
    )


def table(result: dict) -> str:
    lines = [
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    names = sorted(set(result["latencies"]) | set(result["errors"]))
    for name in names:
        values = result["latencies"].get(name, [])
        errors = result["errors"].get(name, 0)
        cells = [f"{percentile(values, q):.0f}" if values else "–" for q in (50, 95, 99)]
        target = f"p95 < {READ_TARGET_MS} ms" if name in TARGETED else "–"
        lines.append(f"| {name} | {len(values)} | {errors} | {' | '.join(cells)} | {target} |")
    return "\n".join(lines)


def _web_processes(args) -> str:
    from samverkan.core.management.commands import serve

    workers = args.workers or serve.default_workers()
    threads = args.threads or serve.THREADS
    if threads == 1:
        return f"{workers} web processes of one request at a time"
    return f"{workers} web processes x {threads} threads"


def markdown(results: list[dict], args) -> str:
    parts = [
        "## Load: logged-in users on gunicorn (`bench_load`)\n",
        (
            f"{args.users} users for {args.duration:.0f} s against `samverkan serve` "
            f"({_web_processes(args)}, the background worker) on 127.0.0.1 with "
            f"the demo loaded; think time {0.5 * args.think:.1f}–{1.5 * args.think:.1f} s between "
            "a user's requests. Reporters post to `/api/incidents/`; readers cycle through the "
            "incident list, its map, the lägesbild list, a lägesbild and its map; builders "
            "build a lägesbild, open it and download its PDF. Lost and doubled reports: every "
            "acknowledged report's marker counted in the database after the run. Targets on "
            f"PostgreSQL: 0 errors, 0 lost or doubled, p95 < {READ_TARGET_MS} ms for reads and "
            "report posts.\n"
        ),
    ]
    for r in results:
        reporters, readers, builders = r["mix"]
        verdict = "targets met" if targets_met(r) else "targets **not** met"
        parts.append(
            f"### {r['backend']}\n\n"
            f"{reporters} reporters, {readers} readers, {builders} builders; "
            f"{r['requests']} requests in {r['elapsed']:.0f} s "
            f"({r['requests'] / r['elapsed']:.1f}/s); reports acknowledged "
            f"{r['acknowledged']}, lost {r['lost']}, doubled {r['doubled']}; {verdict}. "
            f"Machine load average (5 min) at the end: {r['load_average']:.1f} "
            f"on {os.cpu_count()} cores; the set-up (migrate, load the demo) took "
            f"{r['setup_seconds']:.0f} s, a measure of the machine's speed that day. "
            f"The client's own event loop woke late by "
            f"p50 {percentile(r['lag'], 50):.0f} / p95 {percentile(r['lag'], 95):.0f} / "
            f"p99 {percentile(r['lag'], 99):.0f} ms (included in the figures below).\n\n"
            + table(r)
            + "\n"
        )
        for name, example in sorted(r["error_examples"].items()):
            parts.append(f"- first error of {name}: `{example[:160]}`")
    return "\n".join(parts)


@contextlib.contextmanager
def postgres():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        yield url
        return
    sys.path.insert(0, str(ROOT))
    from benchmarks._postgres import temporary_server

    server = temporary_server()
    if server is None:
        yield None
        return
    with server as temp_url:
        yield temp_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=180.0)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument(
        "--workers", type=int, default=None, help="web processes (default: serve's own)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="threads per web process (default: serve's)"
    )
    parser.add_argument("--backend", choices=["all", "postgres", "sqlite"], default="all")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument(
        "--small",
        action="store_true",
        help="one municipality and one lägesbild instead of the demo (the smoke test)",
    )
    parser.add_argument("--json", help="also write the results (without latencies) to this file")
    args = parser.parse_args(argv)
    results = []
    if args.backend in ("all", "postgres"):
        with postgres() as url:
            if url is None:
                print("PostgreSQL saknas: hoppar över.", file=sys.stderr)
            else:
                results.append(run_backend("PostgreSQL", url, args))
    if args.backend in ("all", "sqlite"):
        results.append(run_backend("SQLite", None, args))
    text = markdown(results, args)
    print(text)
    if args.json:
        summary = [
            {
                **{k: v for k, v in r.items() if k not in ("latencies", "lag")},
                "lag_p95": percentile(r["lag"], 95),
                "p95": {k: percentile(v, 95) for k, v in r["latencies"].items()},
            }
            for r in results
        ]
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    if not args.no_write:
        from benchmarks._report import write_section

        write_section("load", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
