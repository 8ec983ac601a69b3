"""`import_incidents`: one transaction, rejects file, dry run, idempotency, exit codes."""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samverkan.core.models import AuditEvent
from samverkan.incidents.models import ImportRun, Incident, IncidentArea

ROOT = Path(__file__).resolve().parents[2]
SAMVERKAN = ROOT / ".venv" / "bin" / "samverkan"

GOOD = (
    "Datum;Longitud;Latitud;Kategori;Beskrivning\r\n"
    "2024-03-05 kl. 14.30;15,5;59,5;Klotter;Klotter på gavel\r\n"
    "2024-03-06 kl. 08.15;16,25;59,75;Skadegörelse;Krossad ruta\r\n"
    "2024-03-07 kl. 22.00;15,25;59,25;Ufo;Ljus på himlen, ring 070-123 45 67\r\n"
    "igår;15,5;59,5;Brand;\r\n"
)


def run(*args):
    """Call the command; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_incidents", *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "rapport.csv"
    path.write_bytes(GOOD.encode("cp1252"))
    return path


def test_import_csv(world, report):
    code, out, err = run(report, "--format", "csv", "--source", "norrbyhem")
    assert code == 0
    assert "4 rader lästa, 3 importerade, 0 dubbletter hoppades över, 1 avvisade." in out
    assert Incident.objects.filter(source="norrbyhem").count() == 3
    first = Incident.objects.get(description="Klotter på gavel")
    assert first.precision == "point" and first.h3 and first.x and first.y
    assert set(first.areas.values_list("code", flat=True)) == {"9901", "99"}
    assert set(
        Incident.objects.get(description="Krossad ruta").areas.values_list("code", flat=True)
    ) == {"9902", "99"}
    masked = Incident.objects.get(category__code="other")
    assert masked.description == "Ljus på himlen, ring [telefon]"
    assert "Okänd kategori 'Ufo'" in err
    assert f"{report}.rejects.csv" in err
    run_ = ImportRun.objects.get()
    assert (run_.read, run_.imported, run_.duplicates, run_.rejected) == (4, 3, 0, 1)
    assert AuditEvent.objects.filter(action="incident.import").count() == 1


def test_rejects_file_content(world, report):
    run(report, "--source", "norrbyhem")  # format from the suffix
    rejects = report.with_name("rapport.csv.rejects.csv")
    # The platform's CSV (UTF-8 with BOM, semicolons), as the web import's rejects file.
    rows = list(csv.reader(rejects.open(encoding="utf-8-sig"), delimiter=";"))
    assert rows == [
        ["rad", "kolumn", "orsak", "innehåll"],
        ["5", "Datum", "tidpunkten 'igår' kan inte tolkas", "igår;15,5;59,5;Brand;"],
    ]


def test_rejects_file_escapes_what_a_spreadsheet_would_run(world, tmp_path):
    # A rejected row is written back as the file had it; opened in Excel, a cell starting
    # with = + - @ would run as a formula on the coordinator's machine.
    path = tmp_path / "a.csv"
    path.write_text(
        'time,lon,lat,text\n=HYPERLINK("http://x"),15.5,59.5,a\n@SUM(1),15.5,59.5,b\n'
        "-1,15.5,59.5,c\n+1,15.5,59.5,d\n"
    )
    run(path, "--source", "s")
    text = path.with_name("a.csv.rejects.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [r[3] for r in rows] == [
        '\'=HYPERLINK("http://x"),15.5,59.5,a',
        "'@SUM(1),15.5,59.5,b",
        "'-1,15.5,59.5,c",
        "'+1,15.5,59.5,d",
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_reimport_adds_nothing(world, report):
    run(report, "--source", "norrbyhem")
    counts = (Incident.objects.count(), IncidentArea.objects.count(), ImportRun.objects.count())
    assert counts == (3, 6, 1)
    code, out, _ = run(report, "--source", "norrbyhem")
    assert code == 0
    assert "3 dubbletter" in out and "0 importerade" in out
    assert (
        Incident.objects.count(),
        IncidentArea.objects.count(),
        ImportRun.objects.count(),
    ) == counts
    # Another source is another register: the same rows are new there.
    run(report, "--source", "annan")
    assert Incident.objects.count() == 6


def test_reimport_by_external_id(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,time,lon,lat\n1,2024-03-05 14:30,15.5,59.5\n2,2024-03-05 14:31,15.5,59.5\n")
    assert run(path, "--source", "s")[0] == 0
    # The register was corrected: row 1 got a new time, row 3 is new.
    path.write_text("id,time,lon,lat\n1,2024-03-05 15:30,15.5,59.5\n3,2024-03-05 14:32,15.5,59.5\n")
    code, out, _ = run(path, "--source", "s")
    assert code == 0 and "1 importerade, 1 dubbletter" in out
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["1", "2", "3"]


def test_dry_run_writes_nothing(world, report):
    code, out, _ = run(report, "--source", "norrbyhem", "--dry-run")
    assert code == 0
    assert "Provkörning" in out and "3 skulle importeras" in out
    assert not Incident.objects.exists() and not IncidentArea.objects.exists()
    assert not ImportRun.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.import").exists()


def test_options_organisation_visibility_and_columns(world, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("När\tE\tN\tVad\n2024-03-05 14:30\t15.5\t59.5\tbrand\n", encoding="utf-8")
    code, *_ = run(
        path,
        *("--format", "csv", "--source", "s", "--organisation", "norrbyhem ab"),
        *("--visibility", "organisation", "--col-time", "När", "--col-lon", "E"),
        *("--col-lat", "N", "--col-category", "Vad"),
    )
    assert code == 0
    incident = Incident.objects.get()
    assert incident.organisation == world.bostad and incident.visibility == "organisation"
    assert incident.category.code == "fire"
    assert run(path, "--source", "s", "--organisation", "Finns inte")[0] == 1


def test_mapping_file_and_crs(world, tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(16.5, 59.5)
    (tmp_path / "m.toml").write_text(
        'time = "Tid"\nx = "Öst"\ny = "Nord"\ncategory = "Typ"\n'
        '[categories]\n"Sprej" = "vandalism.graffiti"\n',
        encoding="utf-8",
    )
    path = tmp_path / "sweref.csv"
    path.write_text(f"Tid;Öst;Nord;Typ\n2024-03-05 14:30;{x:.1f};{y:.1f};Sprej\n")
    code, *_ = run(path, "--source", "s", "--mapping", tmp_path / "m.toml", "--crs", "EPSG:3006")
    assert code == 0
    incident = Incident.objects.get()
    assert incident.category.code == "vandalism.graffiti"
    assert incident.lon == pytest.approx(16.5, abs=1e-5)
    assert set(incident.areas.values_list("code", flat=True)) == {"9902", "99"}


def test_exit_code_1_when_the_file_cannot_be_read(world, tmp_path):
    code, _, err = run(tmp_path / "saknas.csv", "--source", "s")
    assert code == 1 and "finns inte" in err
    path = tmp_path / "a.csv"
    path.write_text("when,lon,lat\n2024-03-05 14:30,15.5,59.5\n")
    code, _, err = run(path, "--source", "s")
    assert code == 1 and "tidpunkt" in err and "when, lon, lat" in err
    code, _, err = run(path, "--source", "s", "--col-time", "Tid")
    assert code == 1 and "'Tid'" in err
    code, _, err = run(path, "--source", "s", "--format", "xlsx")
    assert code == 1 and "Excel" in err
    code, _, err = run(tmp_path / "a.dat", "--source", "s")
    assert code == 1 and "--format" in err
    assert not Incident.objects.exists()


def test_exit_code_3_when_every_row_is_rejected(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("time,lon,lat\nigår,15.5,59.5\n2024-03-05 14:30,,\n")
    code, out, err = run(path, "--source", "s")
    assert code == 3
    assert "2 avvisade" in out and "Alla 2 rader avvisades" in err
    assert len(path.with_name("a.csv.rejects.csv").read_text().splitlines()) == 3
    assert not Incident.objects.exists() and not ImportRun.objects.exists()


def test_exit_code_0_when_all_rows_are_duplicates(world, report):
    run(report, "--source", "s")
    code, out, _ = run(report, "--source", "s")
    assert code == 0 and "0 importerade" in out


def test_a_clean_rerun_removes_the_old_rejects_file(world, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("time,lon,lat\nigår,15.5,59.5\n2024-03-05 14:30,15.5,59.5\n")
    run(path, "--source", "s")
    rejects = path.with_name("a.csv.rejects.csv")
    assert rejects.exists()
    path.write_text("time,lon,lat\n2024-03-05 14:30,15.5,59.5\n")
    run(path, "--source", "s")
    assert not rejects.exists()


def test_polisen_format_lands_in_the_named_municipality(db, tmp_path):
    from samverkan import demo_data
    from samverkan.core.area_import import import_areas
    from samverkan.core.models import Area

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
    source = (
        Path(__file__).resolve().parents[2].parent / "shared" / "data" / "se-police-events.jsonl.gz"
    )
    if not source.exists():
        source = demo_data.path(demo_data.SE_POLICE_EVENTS)
    path = tmp_path / "events.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(path, "wt") as dst:
        dst.writelines(itertools.islice(src, 2000))
    code, out, _ = run(path, "--format", "polisen")
    assert code == 0
    assert Incident.objects.filter(source="polisen").count() >= 1900
    municipality_names = set(
        Area.objects.filter(level="municipality").values_list("name", flat=True)
    )
    checked = 0
    for incident in Incident.objects.filter(precision="municipality").prefetch_related("areas"):
        names = {a.name for a in incident.areas.all() if a.level == "municipality"}
        assert len(names) == 1, incident.pk
        if incident.place_name in municipality_names:
            assert names == {incident.place_name}
            checked += 1
    assert checked > 500
    code, out, _ = run(path, "--format", "polisen")
    assert code == 0 and "0 importerade" in out


# --- killed mid-import ----------------------------------------------------------------
#
# On the database the suite runs against: a SQLite file in the test's data folder, or a
# database of its own on the PostgreSQL server named by DATABASE_URL.


class _Database:
    """A fresh database for the command run in a subprocess, and a way to look into it."""

    def __init__(self, tmp_path):
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["SAMVERKAN_DATA"] = str(tmp_path)
        self.env["DJANGO_SETTINGS_MODULE"] = "samverkan.settings"
        server = os.environ.get("DATABASE_URL", "")
        self.postgres = server.startswith(("postgres://", "postgresql://"))
        self.wal = tmp_path / "samverkan.sqlite3-wal"
        if self.postgres:
            import psycopg

            self.admin = server
            self.name = f"kill_{os.getpid()}_{random.randrange(10**9)}"
            with psycopg.connect(server, autocommit=True) as con:
                con.execute(f"CREATE DATABASE {self.name}")
            self.url = server.rsplit("/", 1)[0] + "/" + self.name
            self.env["DATABASE_URL"] = self.url
        subprocess.run([str(SAMVERKAN), "migrate", "-v0"], env=self.env, check=True, timeout=300)

    def query(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as con:
                return con.execute(sql).fetchall()
        con = sqlite3.connect(self.env["SAMVERKAN_DATA"] + "/samverkan.sqlite3")
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def counts(self) -> tuple[int, int, int]:
        """Incidents, area links and import runs stored."""
        return self.query(
            "select (select count(*) from incidents_incident), "
            "(select count(*) from incidents_incidentarea), "
            "(select count(*) from incidents_importrun)"
        )[0]

    def writing(self, start: int) -> bool:
        """Whether the import is writing into the tables (mid-transaction)."""
        if self.postgres:
            # The set-based insert of the staged rows: the moment rows reach the tables.
            return bool(
                self.query(
                    "select 1 from pg_stat_activity where state = 'active' "
                    "and query like '%WITH inserted AS%' and pid <> pg_backend_pid()"
                )
            )
        return self.wal.exists() and self.wal.stat().st_size > start + (2 << 20)

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as con:
                con.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def _processes_reading(path) -> list[int]:
    """Live processes whose command line names ``path``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if str(path).encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_import_leaves_nothing_and_a_rerun_completes_it(tmp_path):
    n = 150_000
    rng = random.Random(1)
    path = tmp_path / "stor.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("time,lon,lat,category\n")
        for i in range(n):
            fh.write(
                f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d},"
                f"{rng.uniform(12, 20):.6f},{rng.uniform(56, 66):.6f},vandalism\n"
            )
    db = _Database(tmp_path)
    try:
        start = db.wal.stat().st_size if db.wal.exists() else 0
        cmd = [str(SAMVERKAN), "import_incidents", str(path), "--source", "stor"]
        proc = subprocess.Popen(
            cmd, env=db.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # Kill once the import writes into the tables, so it dies mid-transaction.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if db.writing(start):
                break
            time.sleep(0.02)
        was_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert was_running, "the import finished before it could be killed"
        assert not _processes_reading(path)  # nothing of the import outlives it
        assert db.counts() == (0, 0, 0)  # killed before its commit: nothing of it remains

        done = subprocess.run(
            cmd, check=False, env=db.env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr
        assert f"{n} rader lästa, {n} importerade" in done.stdout
        incidents, _links, runs = db.counts()
        assert (incidents, runs) == (n, 1)
    finally:
        db.drop()
