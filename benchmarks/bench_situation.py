"""Lägesbild benchmark: build and export with 1,000,000 incidents in the database.

Synthetic point incidents across Sweden (three years, 2023-2025; a tenth of them in
Stockholm municipality, the rest spread evenly over all municipalities, each point inside
its municipality's polygon, assigned to the municipality and its county with
:class:`samverkan.core.geo.AreaIndex`) are written straight into ``incidents_incident`` and
``incidents_incidentarea`` with bulk SQL. Then, timed:

* the JSON lägesbild of one municipality-month (Stockholm, March 2025; target < 1 s),
* the JSON lägesbild of a county-year (Stockholms län, 2025; target < 3 s),
* the PDF of the municipality-month (target < 5 s),

each built exactly as the page and the CLI build it (``build_for_period`` + export, internal
audience: every section, hot spots and near repeat included). The reference is DuckDB
computing the same counts — totals against the previous period and the same period last
year, by category group, by child area, weekday x hour in local time — over the same rows
exported to Parquet, measured in the same run; the ratio says what the whole lägesbild costs
against a columnar engine doing only the counting.

Run: ``python -m benchmarks.bench_situation [N] [--backend sqlite|postgres|all]``
(default 1,000,000 rows, all backends). PostgreSQL is used when ``TEST_DATABASE_URL`` or
``DATABASE_URL`` is a postgres URL, or else a temporary server is started as
``tools/run_tests.py`` does (skipped when no PostgreSQL binaries are installed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUNICIPALITY = "0180"  # Stockholm
COUNTY = "01"  # Stockholms län
MONTH = "2025-03"
YEAR = "2025"
HEAVY_SHARE = 0.10
TARGETS = {"municipality_month": 1.0, "county_year": 3.0, "pdf": 5.0}
REPEATS = 3


# --------------------------------------------------------------------------- data


def setup_django(data_dir: str, database_url: str | None) -> None:
    os.environ["SAMVERKAN_DATA"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "samverkan.settings"
    import logging

    import django

    django.setup()
    # WeasyPrint logs every ignored SVG property at INFO: noise, and time, in the PDF run.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
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


def generate(n: int, seed: int = 7) -> dict:
    """``n`` random points inside Swedish municipalities with times and categories."""
    import h3
    import numpy as np
    import shapely

    from samverkan.core.geo import AreaIndex, project
    from samverkan.core.models import Area
    from samverkan.incidents.models import Category

    rng = np.random.default_rng(seed)
    munis = list(Area.objects.filter(country="SE", level="municipality").order_by("code"))
    heavy = next(m for m in munis if m.code == MUNICIPALITY)
    # Points per municipality: a tenth in the heavy one, the rest evenly.
    per = np.full(len(munis), int(n * (1 - HEAVY_SHARE)) // len(munis))
    per[munis.index(heavy)] += n - int(per.sum())
    lons, lats = [], []
    for m, k in zip(munis, per):
        geom = shapely.geometry.shape(m.geometry)
        shapely.prepare(geom)
        x0, y0, x1, y1 = geom.bounds
        got_lon, got_lat, have = [], [], 0
        while have < k:
            lo = rng.uniform(x0, x1, 2 * (k - have) + 16)
            la = rng.uniform(y0, y1, 2 * (k - have) + 16)
            inside = shapely.contains_xy(geom, lo, la)
            got_lon.append(lo[inside])
            got_lat.append(la[inside])
            have += int(inside.sum())
        lons.append(np.concatenate(got_lon)[:k])
        lats.append(np.concatenate(got_lat)[:k])
    lon = np.concatenate(lons)
    lat = np.concatenate(lats)
    order = rng.permutation(n)
    lon, lat = lon[order], lat[order]

    # Area assignment at ingestion: point in polygon for the municipality, then its county.
    index = AreaIndex.from_queryset(Area.objects.filter(country="SE", level="municipality"))
    parent = dict(
        Area.objects.filter(country="SE", level="municipality").values_list("id", "parent_id")
    )
    found = index.containing(lon, lat)
    muni = np.array([ids[0] if ids else 0 for ids in found], dtype=np.int64)
    keep = muni > 0
    lon, lat, muni = lon[keep], lat[keep], muni[keep]
    county = np.array([parent[m] for m in muni.tolist()], dtype=np.int64)
    n = len(lon)

    x, y = project(lon, lat, "SE")
    cells = [h3.latlng_to_cell(a, b, 9) for a, b in zip(lat.tolist(), lon.tolist())]
    leaves = list(Category.objects.exclude(parent=None).values_list("id", flat=True))
    category = rng.choice(np.array(leaves, dtype=np.int64), n)
    start = np.datetime64("2023-01-01T00:00:00", "s")
    seconds = rng.integers(0, 3 * 365 * 86400, n)
    when = start + seconds.astype("timedelta64[s]")
    return {
        "n": n,
        "lon": lon,
        "lat": lat,
        "x": np.asarray(x),
        "y": np.asarray(y),
        "h3": cells,
        "category": category,
        "when": when,
        "muni": muni,
        "county": county,
    }


def insert(data: dict) -> float:
    """Bulk-insert the incidents and their area links. Returns seconds."""
    from datetime import UTC

    from django.db import connection, transaction

    n = data["n"]
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM incidents_incident")
        first_id = cur.fetchone()[0] + 1
        cur.execute("SELECT * FROM incidents_incident WHERE 1 = 0")
        inc_cols = [c[0] for c in cur.description]
    times = data["when"].astype("datetime64[us]").astype(object)
    times = [t.replace(tzinfo=UTC) for t in times]
    defaults = {
        "source": "bench",
        "content_hash": "",
        "occurred_to": None,
        "reporter_id": None,
        "organisation_id": None,
        "place_type": "",
        "place_name": "",
        "description": "",
        "perceived_insecurity": None,
        "precision": "point",
        "status": "new",
        "duplicate_of_id": None,
        "visibility": "public",
        "is_summary": False,
        "feedback": "",
        "feedback_at": None,
        "feedback_by_id": None,
        "url": "",
    }
    unknown = [
        c
        for c in inc_cols
        if c not in defaults
        and c
        not in (
            "id",
            "external_id",
            "occurred_from",
            "reported_at",
            "category_id",
            "lon",
            "lat",
            "x",
            "y",
            "h3",
            "created_at",
        )
    ]
    if unknown:
        raise SystemExit(f"incidents_incident has columns the benchmark does not fill: {unknown}")
    lon, lat, x, y = (data[k].tolist() for k in ("lon", "lat", "x", "y"))
    cat, h3c = data["category"].tolist(), data["h3"]

    def incident_rows():
        for i in range(n):
            t = times[i]
            values = {
                **defaults,
                "id": first_id + i,
                "external_id": f"b{i}",
                "occurred_from": t,
                "reported_at": t,
                "category_id": cat[i],
                "lon": lon[i],
                "lat": lat[i],
                "x": x[i],
                "y": y[i],
                "h3": h3c[i],
                "created_at": t,
            }
            yield tuple(values[c] for c in inc_cols)

    muni, county = data["muni"].tolist(), data["county"].tolist()

    def link_rows():
        for i in range(n):
            yield (first_id + i, muni[i], times[i], cat[i], False, None, "partnership", False)
            yield (first_id + i, county[i], times[i], cat[i], False, None, "partnership", False)

    link_cols = [
        "incident_id",
        "area_id",
        "occurred_from",
        "category_id",
        "is_summary",
        "organisation_id",
        "visibility",
        "is_duplicate",
    ]
    start = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            raw = connection.connection  # psycopg 3
            with raw.cursor() as cur:
                names = ", ".join(f'"{c}"' for c in inc_cols)
                with cur.copy(f"COPY incidents_incident ({names}) FROM STDIN") as copy:
                    for row in incident_rows():
                        copy.write_row(row)
                with cur.copy(
                    f"COPY incidents_incidentarea ({', '.join(link_cols)}) FROM STDIN"
                ) as copy:
                    for row in link_rows():
                        copy.write_row(row)
                cur.execute(
                    "SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), "
                    "(SELECT MAX(id) FROM incidents_incident))"
                )
        else:
            with connection.cursor() as cur:
                names = ", ".join(f'"{c}"' for c in inc_cols)
                marks = ", ".join(["%s"] * len(inc_cols))
                cur.executemany(
                    f"INSERT INTO incidents_incident ({names}) VALUES ({marks})",
                    incident_rows(),
                )
                cur.executemany(
                    f"INSERT INTO incidents_incidentarea ({', '.join(link_cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(link_cols))})",
                    link_rows(),
                )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return time.perf_counter() - start


# --------------------------------------------------------------------------- reference


def write_parquet(data: dict, path: Path, categories_path: Path) -> float:
    """The same rows (area links with time and category) as Parquet, written by DuckDB."""
    import duckdb
    import numpy as np
    import pandas as pd

    from samverkan.situation.build import Categories

    cats = Categories()
    n = data["n"]
    ids = np.arange(n, dtype=np.int64)
    when = data["when"].astype("datetime64[us]")
    frame = pd.DataFrame(
        {
            "incident_id": np.concatenate([ids, ids]),
            "area_id": np.concatenate([data["muni"], data["county"]]),
            "occurred_from": pd.to_datetime(np.concatenate([when, when])).tz_localize("UTC"),
            "category_id": np.concatenate([data["category"], data["category"]]),
        }
    )
    groups = pd.DataFrame(
        {
            "category_id": list(cats.group_of),
            "group_id": [cats.group_of[c] for c in cats.group_of],
        }
    )
    start = time.perf_counter()
    con = duckdb.connect()
    con.register("frame", frame)
    con.register("groups", groups)
    con.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
    con.execute(f"COPY groups TO '{categories_path}' (FORMAT parquet)")
    con.close()
    return time.perf_counter() - start


def duckdb_figures(parquet: Path, categories: Path, area_id: int, child_ids, period) -> dict:
    """Totals (3 periods), by category group, by child area and weekday x hour in DuckDB."""
    import duckdb

    prev, last = period.previous(), period.same_last_year()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Stockholm'")

    def span(p):
        return f"occurred_from >= '{p.start.isoformat()}' AND occurred_from < '{p.end.isoformat()}'"

    rows = f"read_parquet('{parquet}')"
    cur, pre, ly = span(period), span(prev), span(last)
    trend = period.last(13)
    trend_cols = ", ".join(f"count(*) FILTER (WHERE {span(p)})" for p in trend)
    out = {}
    out["totals"] = con.execute(
        f"SELECT count(*) FILTER (WHERE {cur}), count(*) FILTER (WHERE {pre}), "
        f"count(*) FILTER (WHERE {ly}), {trend_cols} FROM {rows} WHERE area_id = {area_id} "
        f"AND ((occurred_from >= '{trend[0].start.isoformat()}' "
        f"AND occurred_from < '{period.end.isoformat()}') OR ({ly}))"
    ).fetchall()
    out["by_category"] = con.execute(
        f"SELECT g.group_id, count(*) FILTER (WHERE {cur}), count(*) FILTER (WHERE {pre}), "
        f"count(*) FILTER (WHERE {ly}) FROM {rows} r JOIN read_parquet('{categories}') g "
        f"USING (category_id) WHERE area_id = {area_id} AND (({cur}) OR ({pre}) OR ({ly})) "
        "GROUP BY 1"
    ).fetchall()
    if child_ids:
        out["by_child_area"] = con.execute(
            f"SELECT area_id, count(*) FILTER (WHERE {cur}), count(*) FILTER (WHERE {pre}) "
            f"FROM {rows} WHERE area_id IN ({', '.join(map(str, child_ids))}) "
            f"AND (({cur}) OR ({pre})) GROUP BY 1"
        ).fetchall()
    out["weekday_hour"] = con.execute(
        "SELECT isodow(occurred_from) - 1, hour(occurred_from), count(*) "
        f"FROM {rows} WHERE area_id = {area_id} AND {cur} GROUP BY 1, 2"
    ).fetchall()
    con.close()
    return out


# --------------------------------------------------------------------------- timing


def best(func, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return min(times), result


def profile(func, limit: int = 12) -> str:
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    func()
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(limit)
    return buf.getvalue()


def run_backend(n: int, backend: str, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-") as tmp:
        setup_django(tmp, database_url)
        from django.db import connection

        from samverkan.core import periods
        from samverkan.core.models import Area
        from samverkan.situation.build import build_for_period
        from samverkan.situation.exports import export

        load_areas()
        t0 = time.perf_counter()
        data = generate(n)
        gen_s = time.perf_counter() - t0
        print(f"[{backend}] generated {data['n']:,} incidents in {gen_s:.1f} s", flush=True)
        ins_s = insert(data)
        print(f"[{backend}] inserted in {ins_s:.1f} s", flush=True)

        parquet = Path(tmp) / "incident_areas.parquet"
        cats = Path(tmp) / "categories.parquet"
        pq_s = write_parquet(data, parquet, cats)

        muni = Area.objects.get(country="SE", level="municipality", code=MUNICIPALITY)
        county = Area.objects.get(country="SE", level="county", code=COUNTY)
        month, year = periods.parse(MONTH), periods.parse(YEAR)

        def lagesbild(area, period, fmt):
            return export(build_for_period(area, period), fmt)

        results = {"backend": backend, "vendor": connection.vendor, "rows": data["n"]}
        results["insert_s"] = ins_s
        results["parquet_s"] = pq_s
        cases = {
            "municipality_month": (muni, month, "json", []),
            "county_year": (
                county,
                year,
                "json",
                list(county.children.values_list("id", flat=True)),
            ),
            "pdf": (muni, month, "pdf", []),
        }
        # Warm caches (matplotlib fonts, WeasyPrint, the database pages) once.
        lagesbild(muni, month, "pdf")
        for name, (area, period, fmt, children) in cases.items():
            seconds, body = best(lambda a=area, p=period, f=fmt: lagesbild(a, p, f))
            ref, figures = best(
                lambda a=area, p=period, c=children: duckdb_figures(parquet, cats, a.pk, c, p)
            )
            count = None
            if fmt == "json":
                count = json.loads(body)["totals"]["count"]
                assert count == figures["totals"][0][0], (count, figures["totals"][0][0])
            results[name] = {
                "seconds": seconds,
                "duckdb": ref,
                "count": count if count is not None else figures["totals"][0][0],
                "bytes": len(body),
            }
            print(
                f"[{backend}] {name}: {seconds:.3f} s (DuckDB {ref:.3f} s, "
                f"{results[name]['count']:,} incidents)",
                flush=True,
            )
            if seconds > TARGETS[name]:
                results[name]["profile"] = profile(
                    lambda a=area, p=period, f=fmt: lagesbild(a, p, f)
                )
                print(results[name]["profile"], flush=True)
        return results


def postgres_url():
    for key in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(key, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url, None
    sys.path.insert(0, str(ROOT))
    from benchmarks._postgres import temporary_server

    server = temporary_server()
    return None, server


def child(n: int, backend: str, out: str) -> None:
    url = os.environ.get("BENCH_DATABASE_URL") if backend == "postgres" else None
    result = run_backend(n, backend, url)
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def run_child(n: int, backend: str, url: str | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    env = dict(os.environ)
    if url:
        env["BENCH_DATABASE_URL"] = url
    subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_situation", str(n), "--child", backend, out],
        cwd=ROOT,
        env=env,
        check=True,
    )
    result = json.loads(Path(out).read_text(encoding="utf-8"))
    os.unlink(out)
    return result


def markdown(results: list[dict], n: int) -> str:
    lines = [
        "## Lägesbild (`situation.build` + export)",
        "",
        (
            f"{n:,} synthetic point incidents across Sweden (2023–2025, a tenth in Stockholm "
            "municipality, the rest evenly over all municipalities), inserted with bulk SQL and "
            "linked to municipality and county by point in polygon. Each time is the best of "
            f"{REPEATS} runs of the full internal lägesbild (all sections: counts, change tests, "
            "13-period trend, child areas, weekday × hour, Gi* hot spots, near repeat, repeat "
            "places, notable incidents, coverage, summary) plus its export. Reference: DuckDB "
            "computing the counting part (totals for the period, the previous period, the same "
            "period last year and the 13-period trend; by category group; by child area; weekday "
            "× hour in local time) over the same rows exported to Parquet, in the same run."
        ),
        "",
        "| Database | Lägesbild | Incidents in it | Seconds | Target | | DuckDB (s) | Ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "municipality_month": f"JSON, Stockholm municipality, {MONTH}",
        "county_year": f"JSON, Stockholms län, {YEAR}",
        "pdf": f"PDF, Stockholm municipality, {MONTH}",
    }
    for r in results:
        for key, label in names.items():
            c = r[key]
            ok = "met" if c["seconds"] < TARGETS[key] else "MISSED"
            lines.append(
                f"| {r['vendor']} | {label} | {c['count']:,} | {c['seconds']:.2f} | "
                f"< {TARGETS[key]:.0f} s | {ok} | {c['duckdb']:.3f} | "
                f"{c['seconds'] / c['duckdb']:.0f}× |"
            )
    lines.append("")
    lines.append(
        "Bulk insert: "
        + "; ".join(f"{r['vendor']} {r['insert_s']:.0f} s" for r in results)
        + ". The ratio compares the whole picture (statistics, hot spots, charts, PDF layout) "
        "with counting alone, so it overstates what the database work costs."
    )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if "--child" in argv:
        i = argv.index("--child")
        child(int(argv[0]), argv[i + 1], argv[i + 2])
        return
    n = int(argv[0]) if argv and argv[0].isdigit() else 1_000_000
    backend = argv[argv.index("--backend") + 1] if "--backend" in argv else "all"
    results = []
    if backend in ("sqlite", "all"):
        results.append(run_child(n, "sqlite", None))
    if backend in ("postgres", "all"):
        url, server = postgres_url()
        if url:
            results.append(run_child(n, "postgres", url))
        elif server is not None:
            with server as temp_url:
                results.append(run_child(n, "postgres", temp_url))
        else:
            print("PostgreSQL: no server and no binaries; skipped.", flush=True)
    from benchmarks._report import write_section

    text = markdown(results, n)
    write_section("situation", text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
