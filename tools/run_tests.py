"""Run the whole test suite on SQLite and on a real PostgreSQL server.

PostgreSQL comes from, in order: ``TEST_DATABASE_URL`` if set; otherwise a throw-away
server that this script starts in a temporary directory from the installed binaries
(``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` or
``nobody`` user). Without PostgreSQL binaries the PostgreSQL run is skipped with a loud
message, except when ``CI=true``, where that is a failure.

pytest's exit code 5 ("no tests collected") counts as a failure: a suite that ran nothing
has not passed.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pytest(label: str, env: dict[str, str], extra: list[str]) -> int:
    print(f"\n=== Testsviten mot {label} ===", flush=True)
    cmd = [sys.executable, "-m", "pytest", *extra]
    rc = subprocess.call(cmd, cwd=ROOT, env=env)
    if rc == 5:
        print(f"FEL: inga tester kördes mot {label} (pytest kod 5).", flush=True)
        return 1
    return rc


def pg_bindir() -> Path | None:
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for found in (shutil.which("initdb"),):
        if found:
            candidates.append(str(Path(found).resolve().parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temporary_postgres(bindir: Path, settings: dict[str, str] | None = None):
    """A throw-away PostgreSQL server (fsync off) for the suite or a benchmark; ``settings``
    are further ``-c name=value`` server settings (the benchmarks pass a production-sized
    ``shared_buffers``)."""
    workdir = Path(tempfile.mkdtemp(prefix="samverkan-pg-"))
    data = workdir / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            user, pw = "nobody", pwd.getpwnam("nobody")
        os.chown(workdir, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    port = free_port()
    log = workdir / "server.log"
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "samverkan",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-o",
            (
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
                + "".join(f" -c {k}={v}" for k, v in (settings or {}).items())
            ),
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://samverkan@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str]) -> int:
    extra = argv or ["-q"]
    base_env = dict(os.environ)
    base_env.setdefault("SAMVERKAN_DATA", tempfile.mkdtemp(prefix="samverkan-test-data-"))
    base_env.pop("DATABASE_URL", None)
    ci = os.environ.get("CI", "").lower() == "true"
    started = time.monotonic()

    rc_sqlite = pytest("SQLite", base_env, extra)

    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        rc_pg = pytest("PostgreSQL", {**base_env, "DATABASE_URL": url}, extra)
    else:
        bindir = pg_bindir()
        if bindir is None:
            banner = "!" * 78
            print(
                f"\n{banner}\nPostgreSQL saknas: testerna mot PostgreSQL HOPPADES ÖVER.\n"
                f"Installera paketet postgresql (se .ci/run) för en fullständig körning.\n{banner}"
            )
            rc_pg = 1 if ci else 0
        else:
            with temporary_postgres(bindir) as url:
                rc_pg = pytest("PostgreSQL", {**base_env, "DATABASE_URL": url}, extra)
    print(
        f"\nSQLite: {'ok' if rc_sqlite == 0 else 'FEL'}, PostgreSQL: "
        f"{'ok' if rc_pg == 0 else 'FEL'} ({time.monotonic() - started:.0f} s)"
    )
    return 1 if (rc_sqlite or rc_pg) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
