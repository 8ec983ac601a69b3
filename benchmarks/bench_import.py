"""Import benchmark: ``import_incidents`` end to end on SQLite and PostgreSQL.

A synthetic CSV of point incidents (random points inside the bundled Swedish municipality
polygons, random times and categories) is imported into a fresh database through the
command's own code path: parsing, validation, masking, projection, H3, area assignment,
duplicate check and insertion in one transaction. The reference, measured in the same run
on the same database, writes the very rows the import produced (read back, deleted,
written again in one transaction): on SQLite one ``executemany`` per table, on PostgreSQL
one bare ``COPY`` per table. The ratio says what the import costs beyond writing its rows.
The police events archive (../shared/data/se-police-events.jsonl.gz) is imported too.

Each database runs in a child process (Django is set up once per process). PostgreSQL is
the server named by ``BENCH_DATABASE_URL``, else a throw-away one started from the
installed binaries (``tools/run_tests.py``).

Run: ``python -m benchmarks.bench_import [N] [--backend sqlite|postgres|all]``
(default N = 1,000,000).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
POLICE = SHARED / "se-police-events.jsonl.gz"
TARGETS = {"sqlite": 15_000, "postgresql": 50_000}  # rows/s, end to end
TARGET_POLICE_S = 10.0


def setup_django(data_dir: str, url: str | None) -> None:
    os.environ["SAMVERKAN_DATA"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if url:
        os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "samverkan.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load_areas() -> None:
    from samverkan import demo_data
    from samverkan.core.area_import import import_areas

    import_areas(
        demo_data.path(demo_data.SE_COUNTIES), level="county", code_field="code", name_field="name"
    )
    import_areas(
        demo_data.path(demo_data.SE_MUNICIPALITIES),
        level="municipality",
        code_field="code",
        name_field="name",
        parent_level="county",
        parent_field="county_code",
    )


def write_csv(path: Path, n: int, seed: int = 1) -> None:
    """``n`` random points inside Swedish municipalities, as Swedish Excel would save them."""
    import numpy as np

    from samverkan.core.geo import AreaIndex
    from samverkan.core.models import Area
    from samverkan.incidents.models import Category

    rng = np.random.default_rng(seed)
    index = AreaIndex.from_queryset(Area.objects.filter(level="municipality"))
    lons, lats = [], []
    have = 0
    while have < n:
        lon = rng.uniform(10.9, 24.2, 2 * n)
        lat = rng.uniform(55.3, 69.1, 2 * n)
        inside = np.array([bool(a) for a in index.containing(lon, lat)])
        lons.append(lon[inside])
        lats.append(lat[inside])
        have += int(inside.sum())
    lon = np.concatenate(lons)[:n]
    lat = np.concatenate(lats)[:n]
    labels = list(
        Category.objects.filter(reportable=True, parent=None).values_list("label_sv", flat=True)
    )
    cats = rng.integers(0, len(labels), n)
    start = np.datetime64("2021-01-01T00:00")
    minutes = rng.integers(0, 3 * 365 * 24 * 60, n)
    times = (start + minutes.astype("timedelta64[m]")).astype(str)
    texts = ["Klotter på fasad", "Krossad ruta vid entré", "", "Ring 070-123 45 67 vid behov"]
    with path.open("w", encoding="cp1252", newline="") as fh:
        fh.write("Tidpunkt;Longitud;Latitud;Kategori;Beskrivning\r\n")
        for i in range(n):
            line = f"{times[i].replace('T', ' ')};{lon[i]:.6f};{lat[i]:.6f};{labels[cats[i]]};"
            # Half the rows with decimal commas, as Swedish Excel writes them.
            fh.write((line.replace(".", ",", 2) if i % 2 else line) + f"{texts[i % 4]}\r\n")


def import_file(*args: str) -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("import_incidents", *args, stdout=out, stderr=io.StringIO())
    return time.perf_counter() - start, out.getvalue().strip()


def bare_write_reference(source: str) -> float:
    """Seconds to write the imported rows again with the database's plain bulk write.

    SQLite: one ``executemany`` per table; PostgreSQL: one ``COPY`` per table. Both into the
    same tables with all their indexes, in one transaction.
    """
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("SELECT * FROM incidents_incident WHERE source = %s ORDER BY id", [source])
        inc_cols = [c[0] for c in cur.description]
        incidents = cur.fetchall()
        cur.execute(
            "SELECT a.* FROM incidents_incidentarea a JOIN incidents_incident i "
            "ON i.id = a.incident_id WHERE i.source = %s ORDER BY a.id",
            [source],
        )
        link_cols = [c[0] for c in cur.description]
        links = cur.fetchall()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "DELETE FROM incidents_incidentarea WHERE incident_id IN "
            "(SELECT id FROM incidents_incident WHERE source = %s)",
            [source],
        )
        cur.execute("DELETE FROM incidents_incident WHERE source = %s", [source])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM incidents_incident")
            cur.execute("VACUUM incidents_incidentarea")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for table, cols, rows in (
            ("incidents_incident", inc_cols, incidents),
            ("incidents_incidentarea", link_cols, links),
        ):
            names = ", ".join(cols)
            if connection.vendor == "postgresql":
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return time.perf_counter() - start


def run_backend(n: int, csv_path: Path, url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        setup_django(tmp, url)
        from django.db import connection

        load_areas()
        if not csv_path.exists():
            write_csv(csv_path, n)
        from samverkan.incidents.importers.tabular import TabularReader

        start = time.perf_counter()
        list(TabularReader(csv_path, "csv", source="read-only").rows())
        reading = time.perf_counter() - start
        load = os.getloadavg()[0]
        seconds, summary = import_file(str(csv_path), "--format", "csv", "--source", "bench")
        print(f"{connection.vendor}: import {seconds:.1f} s — {summary}", flush=True)
        again, _ = import_file(str(csv_path), "--format", "csv", "--source", "bench")
        bare = bare_write_reference("bench")
        print(f"{connection.vendor}: re-import {again:.1f} s, bare write {bare:.1f} s", flush=True)
        police = None
        if POLICE.exists():
            police = import_file(str(POLICE), "--format", "polisen")
        return {
            "vendor": connection.vendor,
            "n": n,
            "seconds": seconds,
            "reading": reading,
            "again": again,
            "bare": bare,
            "load": load,
            "police": police,
        }


def run_child(n: int, csv_path: Path, url: str | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    args = [sys.executable, "-m", "benchmarks.bench_import", str(n), "--child", str(csv_path)]
    subprocess.run([*args, str(out), url or ""], cwd=ROOT, check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return result


def markdown(results: list[dict]) -> str:
    lines = [
        "## Incident import (`import_incidents`)",
        "",
        (
            "End to end through the command's code path, in one process: read and validate a "
            "Swedish-Excel CSV (semicolons, half the rows with decimal commas, cp1252), map "
            "categories by label, mask free text, project to SWEREF 99 TM, H3 cell, "
            "point-in-polygon against the 290 municipalities and 21 counties, duplicate check, "
            "insert incidents and area links in one transaction (docs/importing.md, "
            '"Performance"). SQLite: a file database (WAL), multi-row inserts; PostgreSQL '
            "(a throw-away local server, fsync off): COPY into a staging table, one set-based "
            "insert. Reference, same run, same database: the bare write of the same rows into "
            "the same indexed tables (SQLite: `executemany`; PostgreSQL: `COPY`). Times vary "
            "by a fifth or more from run to run on this shared machine."
        ),
        "",
        (
            "| Database | Rows | Import | Target | | Of it, reading the file | Bare write "
            "(reference) | Import / reference | Re-import (all duplicates) | Police archive |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rate = r["n"] / r["seconds"]
        target = TARGETS[r["vendor"]]
        police = "not found"
        if r["police"]:
            p_seconds, p_summary = r["police"]
            ok = "met" if p_seconds < TARGET_POLICE_S else "MISSED"
            police = f"{p_summary.split(' ')[0]} events, {p_seconds:.1f} s ({ok}, < 10 s)"
        lines.append(
            f"| {r['vendor']} | {r['n']:,} | {r['seconds']:.1f} s, **{rate:,.0f} rows/s** | "
            f"≥ {target:,} rows/s | {'met' if rate >= target else 'MISSED'} | "
            f"{r['reading']:.1f} s | {r['bare']:.1f} s ({r['n'] / r['bare']:,.0f} rows/s) | "
            f"{r['seconds'] / r['bare']:.2f}× | {r['again']:.1f} s | {police} |"
        )
    loads = ", ".join(f"{r['vendor']} {r['load']:.1f}" for r in results)
    lines += ["", f"Load average when each import started: {loads} (2 cores, shared)."]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if "--child" in argv:
        i = argv.index("--child")
        csv_path, out, url = Path(argv[i + 1]), Path(argv[i + 2]), argv[i + 3] or None
        out.write_text(json.dumps(run_backend(int(argv[0]), csv_path, url)), encoding="utf-8")
        return
    n = int(argv[0]) if argv and argv[0].isdigit() else 1_000_000
    backend = argv[argv.index("--backend") + 1] if "--backend" in argv else "all"
    results = []
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-csv-") as tmp:
        csv_path = Path(tmp) / "incidents.csv"
        if backend in ("sqlite", "all"):
            results.append(run_child(n, csv_path, None))
        if backend in ("postgres", "all"):
            url = os.environ.get("BENCH_DATABASE_URL")
            if url:
                results.append(run_child(n, csv_path, url))
            else:
                from benchmarks._postgres import temporary_server

                server = temporary_server()
                if server is None:
                    print("PostgreSQL: no server and no binaries; skipped.", flush=True)
                else:
                    with server as temp_url:
                        results.append(run_child(n, csv_path, temp_url))
    from benchmarks._report import write_section

    text = markdown(results)
    write_section("import", text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
