"""Identical rows are distinct events: all kept, and a re-import adds nothing.

A police.uk-style file (month precision, points snapped to anonymised street locations,
no crime ids) legitimately holds rows identical in every column: two burglaries in the
same month at the same snapped point. Rows without an external id are keyed by their
content hash and the occurrence of that content within the file (docs/importing.md,
"Duplicates"), for every format and on both databases, also when copies of a row fall in
different batches.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from samverkan.incidents.importers.tabular import ColumnMapping, read_rows
from samverkan.incidents.ingest import IncidentRow, ingest, occurrence_key
from samverkan.incidents.models import Category, ImportRun, Incident

CRIME_TYPES = ("Burglary", "Vehicle crime", "Anti-social behaviour", "Criminal damage and arson")
HEADER = ["Month", "Longitude", "Latitude", "Location", "Crime type"]


def run(*args):
    """Call the command; return (exit code, stdout)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_incidents", *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue()


def police_uk_rows(seed: int = 7, n_places: int = 60) -> list[list]:
    """Rows as police.uk publishes them, with many repeated exactly (1 to 5 copies)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n_places):
        # Snapped points: a few thousand possible locations inside the test county.
        lon = round(15.05 + rng.randrange(0, 190) * 0.01, 6)
        lat = round(59.05 + rng.randrange(0, 90) * 0.01, 6)
        month = f"2024-{1 + rng.randrange(12):02d}"
        row = [month, lon, lat, f"On or near Street {i % 17}", rng.choice(CRIME_TYPES)]
        rows.extend([row] * rng.choice((1, 1, 2, 3, 5)))
    rng.shuffle(rows)
    return rows


def write_csv(path, rows):
    lines = [",".join(HEADER)] + [",".join(str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def write_geojson(path, rows):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r[1], r[2]]},
            "properties": {"Month": r[0], "Location": r[3], "Crime type": r[4]},
        }
        for r in rows
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "geojson": write_geojson}


def mapping(tmp_path):
    path = tmp_path / "police-uk.toml"
    path.write_text('time = "Month"\ncategory = "Crime type"\nplace_name = "Location"\n')
    return path


def stored_counts(source: str) -> Counter:
    return Counter(
        (round(lon, 6), round(lat, 6), occurred.strftime("%Y-%m"), place)
        for lon, lat, occurred, place in Incident.objects.filter(source=source).values_list(
            "lon", "lat", "occurred_to", "place_name"
        )
    )


def file_counts(rows) -> Counter:
    return Counter((r[1], r[2], r[0], r[3]) for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_police_uk_file_keeps_every_identical_row_and_a_reimport_adds_nothing(world, tmp_path, fmt):
    rows = police_uk_rows()
    repeated = sum(c - 1 for c in file_counts(rows).values())
    assert repeated > 20  # the file really repeats rows
    path = WRITERS[fmt](tmp_path / f"street.{fmt}", rows)
    args = (path, "--format", fmt, "--source", "police-uk", "--mapping", mapping(tmp_path))

    code, out = run(*args)
    assert code == 0
    n = len(rows)
    assert f"{n} rader lästa, {n} importerade, 0 dubbletter hoppades över, 0 avvisade." in out
    assert stored_counts("police-uk") == file_counts(rows)
    run_ = ImportRun.objects.get()
    assert (run_.read, run_.imported, run_.duplicates) == (n, n, 0)

    code, out = run(*args)
    assert code == 0
    assert f"{n} rader lästa, 0 importerade, {n} dubbletter hoppades över" in out
    assert Incident.objects.filter(source="police-uk").count() == n

    # The next month's file repeats the old rows and adds one more copy of some of them
    # and rows never seen: exactly those are new, in any order.
    extra = rows[:7] + [["2025-01", 15.5, 59.5, "On or near New Street", "Burglary"]] * 2
    grown = rows + extra
    random.Random(1).shuffle(grown)
    WRITERS[fmt](path, grown)
    code, out = run(*args)
    assert code == 0
    assert f"{len(extra)} importerade, {n} dubbletter hoppades över" in out
    assert stored_counts("police-uk") == file_counts(grown)


def test_three_copies_then_four_adds_exactly_one(world, tmp_path):
    row = "2024-03,15.512,59.487,On or near Kyrkogatan,Burglary\n"
    path = tmp_path / "three.csv"
    path.write_text(",".join(HEADER) + "\n" + row * 3)
    args = (path, "--source", "s", "--mapping", mapping(tmp_path))
    assert "3 importerade, 0 dubbletter" in run(*args)[1]
    assert "0 importerade, 3 dubbletter" in run(*args)[1]
    path.write_text(",".join(HEADER) + "\n" + row * 4)
    assert "1 importerade, 3 dubbletter" in run(*args)[1]
    assert "0 importerade, 4 dubbletter" in run(*args)[1]
    keys = set(Incident.objects.filter(source="s").values_list("content_hash", flat=True))
    assert len(keys) == 4
    # The first copy keeps the plain content hash, as files imported before this rule have.
    read, _ = read_rows(path, "csv", source="s", mapping=ColumnMapping.from_toml(mapping(tmp_path)))
    first = read[0].content_hash()
    assert keys == {occurrence_key(first, k) for k in (1, 2, 3, 4)}


def test_dry_run_counts_identical_rows_as_new(world, tmp_path):
    rows = police_uk_rows(seed=3, n_places=20)
    path = write_csv(tmp_path / "dry.csv", rows)
    code, out = run(path, "--source", "dry", "--mapping", mapping(tmp_path), "--dry-run")
    assert code == 0
    assert f"{len(rows)} skulle importeras, 0 dubbletter" in out
    assert not Incident.objects.exists()


def _rows(n: int, source: str) -> list[IncidentRow]:
    cat = Category.objects.get(code="vandalism").pk
    start = datetime(2024, 3, 1, tzinfo=UTC)
    return [
        IncidentRow(source, start + timedelta(days=i % 9), cat, lon=15.5, lat=59.5 + (i % 4) / 10)
        for i in range(n)
    ]


def test_copies_in_later_batches(world):
    # 36 distinct contents, each 1 to 3 times, spread over batches of 10.
    first = ingest(_rows(60, "b"), batch_size=10)
    assert (first.imported, first.duplicates) == (60, 0)
    with transaction.atomic():
        # New rows of another source first, then the copies of "b": the stored ones are
        # found, and the fourth and fifth occurrences (new) stored, across batches.
        report = ingest(_rows(40, "other") + _rows(75, "b"), batch_size=10)
    assert (report.imported, report.duplicates) == (40 + 15, 60)
    assert Incident.objects.filter(source="b").count() == 75
    counts = Counter(Incident.objects.filter(source="b").values_list("occurred_from", "lat"))
    expected = Counter((r.occurred_from, r.lat) for r in _rows(75, "b"))
    assert counts == expected


def test_police_feed_keys_by_event_id(db, tmp_path):
    """Two events alike in every field but their id are two; one event listed twice is one."""
    from samverkan.core.models import Area

    def square(lon0, lat0, lon1, lat1):
        ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
        return {"type": "Polygon", "coordinates": [ring]}

    county = Area.objects.create(
        code="14", name="Västra Götalands län", level="county", country="SE",
        geometry=square(11, 57, 15, 59), min_lon=11, max_lon=15, min_lat=57, max_lat=59,
    )  # fmt: skip
    Area.objects.create(
        code="1473", name="Töreboda", level="municipality", country="SE", parent=county,
        geometry=square(14, 58.6, 14.4, 58.8), min_lon=14, max_lon=14.4, min_lat=58.6,
        max_lat=58.8,
    )  # fmt: skip

    def event(ident):
        return {
            "id": ident,
            "datetime": "2024-03-05 14:50:00 +01:00",
            "name": "05 mars 14.30, Inbrott, Töreboda",
            "summary": "Inbrott i förråd.",
            "url": f"/aktuellt/handelser/{ident}",
            "type": "Inbrott",
            "location": {"name": "Töreboda", "gps": "58.706,14.123"},
        }

    path = tmp_path / "events.jsonl"
    lines = [event(1), event(2), event(1), event(3)]
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    code, out = run(path, "--format", "polisen")
    assert code == 0
    assert "4 rader lästa, 3 importerade, 1 dubbletter" in out
    assert sorted(Incident.objects.values_list("external_id", flat=True)) == ["1", "2", "3"]
    lines.append(event(4))
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\n")
    assert "1 importerade, 4 dubbletter" in run(path, "--format", "polisen")[1]
