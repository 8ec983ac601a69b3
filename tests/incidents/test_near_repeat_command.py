"""``samverkan near_repeat``: file mode against the Near Repeat Calculator, database mode
with imprecise police events excluded, and its error messages."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, Precision
from samverkan.incidents.points import load_points
from tests.analysis.test_nearrepeat import NRC, _verbose

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "near-repeat"

JSON_KEYS = {
    "observed",
    "expected",
    "ratio",
    "p",
    "distance_bands",
    "time_bands",
    "n_events",
    "permutations",
    "summary",
}
NRC_ARGS = [
    "--x-col",
    "x",
    "--y-col",
    "y",
    "--time-col",
    "date_single",
    "--dist-band",
    str(NRC["dist_band"]),
    "--dist-bands",
    str(NRC["dist_bands"]),
    "--time-band",
    str(NRC["time_band"]),
    "--time-bands",
    str(NRC["time_bands"]),
    "--permutations",
    "19",
    "--seed",
    "1",
]


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("near_repeat", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- file mode ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nrc_json():
    out, _ = run(str(DATA / "test_data.csv"), *NRC_ARGS)
    return json.loads(out)


def test_file_mode_reproduces_nrc_observed_table(nrc_json):
    assert set(nrc_json) == JSON_KEYS
    np.testing.assert_array_equal(np.array(nrc_json["observed"]), _verbose()["observed"])
    assert nrc_json["n_events"] == 11701
    assert nrc_json["permutations"] == 19
    assert nrc_json["distance_bands"] == [
        "Same location",
        "1 to 100 meters",
        "101 to 200 meters",
        "201 to 300 meters",
        "More than 300 meters",
    ]
    assert nrc_json["time_bands"] == ["0 to 2 days", "3 to 4 days", "More than 4 days"]
    shape = (5, 3)
    for key in ("expected", "ratio", "p"):
        assert np.array(nrc_json[key], dtype=float).shape == shape
    # 19 iterations: the NRC's smallest p is 1/20.
    assert min(min(row) for row in nrc_json["p"]) == pytest.approx(0.05)


def test_file_mode_html_to_output_file(tmp_path):
    out_file = tmp_path / "nr.html"
    out, err = run(str(DATA / "test_data.csv"), *NRC_ARGS, "--format", "html", "-o", str(out_file))
    assert out == ""
    assert str(out_file) in err
    page = out_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>Observed frequencies</h2><table>" in page
    observed = _verbose()["observed"]
    table = page.split("<h2>Observed frequencies</h2>")[1].split("</table>")[0]
    assert "<th scope='row'>Same location</th>" in table
    cells = [int(v) for v in re.findall(r"<td[^>]*>(\d+)</td>", table)]
    assert cells == [int(v) for v in observed.ravel()]


def test_file_mode_json_to_output_file(tmp_path):
    small = tmp_path / "small.csv"
    lines = (DATA / "test_data.csv").read_text(encoding="utf-8").splitlines()[:400]
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.json"
    run(str(small), *NRC_ARGS, "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) == JSON_KEYS
    assert data["n_events"] == 399
    assert sum(map(sum, data["observed"])) == 399 * 398 // 2


def test_missing_file_is_reported_in_swedish(tmp_path):
    with pytest.raises(CommandError, match="Filen .*saknas.csv finns inte"):
        run(str(tmp_path / "saknas.csv"))


def test_missing_column_lists_the_columns_found(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("x,y,datum\n1,2,2024-01-01\n3,4,2024-01-02\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        run(str(path), "--time-col", "date")
    message = str(info.value)
    assert "Kolumnen 'date'" in message
    assert "Kolumner i filen: x, y, datum" in message


def test_bad_value_names_line_and_column(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("x,y,date\n1,2,2024-01-01\nett,4,2024-01-02\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3, column 'x'"):
        run(str(path))


def test_file_with_fewer_than_two_events(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("x,y,date\n1,2,2024-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="För få händelser"):
        run(str(path))


def test_file_or_area_is_required():
    with pytest.raises(CommandError, match="Ange en CSV-fil eller --area"):
        run()


# --- database mode -----------------------------------------------------------------------


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def incidents(world):
    burglary = Category.objects.get(code="theft.burglary")
    violence = Category.objects.get(code="violence")

    def row(when, lon, lat, category=burglary, precision=Precision.POINT, **extra):
        return IncidentRow(
            source="test",
            occurred_from=when,
            category_id=category.id,
            lon=lon,
            lat=lat,
            precision=precision,
            description=f"{when.isoformat()} {lon} {lat} {precision}",
            **extra,
        )

    rows = [
        # Six point burglaries in Norrby in April 2024 (local time).
        row(_utc(2024, 4, 3, 10), 15.5, 59.5),
        row(_utc(2024, 4, 3, 14), 15.5, 59.5),  # same place, same day
        row(_utc(2024, 4, 4, 9), 15.5005, 59.5),  # about 28 m away, next day
        row(_utc(2024, 4, 20, 9), 15.2, 59.2),
        row(_utc(2024, 4, 29, 9), 15.8, 59.8, precision=Precision.ADDRESS),
        # 00:30 local time on 1 April (summer time): inside the period.
        row(_utc(2024, 3, 31, 22, 30), 15.3, 59.7),
        # Police events placed at the municipality: must be excluded and counted.
        row(_utc(2024, 4, 5, 12), 15.5, 59.5, precision=Precision.MUNICIPALITY),
        row(_utc(2024, 4, 6, 12), 15.5, 59.5, precision=Precision.MUNICIPALITY),
        row(_utc(2024, 4, 7, 12), None, None, precision=Precision.MUNICIPALITY),
        # Not selected at all:
        row(_utc(2024, 4, 30, 22, 30), 15.4, 59.4),  # 1 May local time
        row(_utc(2024, 3, 31, 21, 30), 15.4, 59.4),  # 31 March local time
        row(_utc(2024, 5, 5, 12), 15.5, 59.5, precision=Precision.MUNICIPALITY),  # period
        row(_utc(2024, 4, 10), 15.5, 59.5, category=violence),  # other category
        row(_utc(2024, 4, 10), 16.5, 59.5),  # in Söderby
        row(_utc(2024, 4, 11), 15.6, 59.6, is_summary=True),  # summary
        row(_utc(2024, 4, 12), 15.6, 59.6, external_id="dup"),  # marked duplicate below
    ]
    for r in rows:
        if r.precision == Precision.MUNICIPALITY:
            r.area_ids = [world.m1.id]
    report = ingest(rows)
    assert report.imported == len(rows)
    Incident.objects.filter(source="test", external_id="dup").update(status="duplicate")
    return world


DB_ARGS = ["--area", "9901", "--from", "2024-04-01", "--to", "2024-05-01", "--permutations", "9"]


def test_load_points_selects_precise_local_period(incidents):
    points = load_points(incidents.m1, "theft.burglary", date(2024, 4, 1), date(2024, 5, 1))
    assert len(points) == 6
    assert points.excluded_imprecise == 3
    assert points.days.dtype == np.dtype("datetime64[D]")
    assert points.days.min() == np.datetime64("2024-04-01")  # local date of 22:30 UTC
    assert points.times.min() == np.datetime64("2024-03-31T22:30:00")
    assert np.isfinite(points.x).all() and np.isfinite(points.y).all()
    assert set(Incident.objects.filter(id__in=points.ids).values_list("precision", flat=True)) <= {
        "point",
        "address",
    }
    # The parent category takes its descendants along; without dates the period is open.
    assert len(load_points(incidents.m1, "theft", date(2024, 4, 1), date(2024, 5, 1))) == 6
    assert len(load_points(incidents.m1, "theft.burglary")) == 8
    assert len(load_points(incidents.m1)) == 9  # + violence


def test_db_mode_counts_events_and_reports_exclusions(incidents):
    out, err = run(*DB_ARGS, "--category", "theft.burglary")
    data = json.loads(out)
    assert set(data) == JSON_KEYS | {"excluded_imprecise"}
    assert data["n_events"] == 6
    assert data["excluded_imprecise"] == 3
    assert "3 händelser utan punktläge" in err
    observed = np.array(data["observed"])
    assert observed.sum() == 6 * 5 // 2
    assert observed[0, 0] == 1  # same place, same day
    assert observed[1, 0] == 2  # 28 m, 0-1 days apart


def test_db_mode_html_mentions_exclusions(incidents, tmp_path):
    target = tmp_path / "nr.html"
    run(*DB_ARGS, "--category", "theft", "--format", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert "excluded_imprecise: 3" in page
    assert "Norrby" in page


def test_db_mode_errors(incidents):
    with pytest.raises(CommandError, match="Okänt område: '0000'"):
        run("--area", "0000")
    with pytest.raises(CommandError, match="Okänd kategori: 'theft.nothing'"):
        run("--area", "9901", "--category", "theft.nothing")
    with pytest.raises(CommandError, match="För få händelser med punktläge: 1"):
        run("--area", "9901", "--category", "theft", "--from", "2024-04-20", "--to", "2024-04-21")
    with pytest.raises(CommandError, match="Ogiltigt datum"):
        run("--area", "9901", "--from", "1 april")
    with pytest.raises(CommandError, match="inte båda"):
        run(str(DATA / "test_data.csv"), "--area", "9901")


# --- geographic coordinates (issue 13, point 8) ------------------------------------------


def _lonlat_file(tmp_path, name="lonlat.csv") -> Path:
    """Three events placed in SWEREF 99 TM 150 m and 250 m from the first, as lon/lat."""
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    east, north = 674_000.0, 6_580_000.0
    rows = ["lon,lat,date"]
    for dx, day in ((0, "2024-01-01"), (150, "2024-01-01"), (-250, "2024-01-02")):
        lon, lat = to_lonlat.transform(east + dx, north)
        rows.append(f"{lon:.9f},{lat:.9f},{day}")
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


LONLAT_ARGS = ["--x-col", "lon", "--y-col", "lat", "--permutations", "9"]


def test_lon_lat_without_crs_is_refused_in_swedish(tmp_path):
    """Degrees taken as metres would put all three pairs within a metre: refused."""
    with pytest.raises(CommandError) as info:
        run(str(_lonlat_file(tmp_path)), *LONLAT_ARGS)
    message = str(info.value)
    assert "ser ut att vara grader" in message
    assert "--crs EPSG:4326" in message and "--metres" in message


@pytest.mark.parametrize("to_crs", [None, "EPSG:3006", "EPSG:25833"])
def test_lon_lat_with_crs_is_projected_to_metres(tmp_path, to_crs):
    args = [str(_lonlat_file(tmp_path)), *LONLAT_ARGS, "--crs", "EPSG:4326"]
    if to_crs:
        args += ["--to-crs", to_crs]
    observed = np.array(json.loads(run(*args)[0])["observed"])
    # Pairs: 150 m (same day), 250 m (1 day), 400 m (1 day); rows 101-200, 201-300, >300.
    expected = np.zeros((5, 3), int)
    expected[2, 0] = expected[3, 0] = expected[4, 0] = 1
    np.testing.assert_array_equal(observed, expected)


def test_projection_target_is_named_in_the_html(tmp_path):
    out = tmp_path / "nr.html"
    path = _lonlat_file(tmp_path)
    run(
        str(path),
        *LONLAT_ARGS,
        "--crs",
        "EPSG:4326",
        "--to-crs",
        "EPSG:3006",
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert "projected_to: EPSG:3006" in out.read_text(encoding="utf-8")


def test_small_metric_grid_runs_when_declared_metres(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("x,y,date\n0,0,2024-01-01\n0,50,2024-01-02\n80,0,2024-01-09\n", "utf-8")
    with pytest.raises(CommandError, match="ser ut att vara grader"):
        run(str(path), "--permutations", "9")
    observed = np.array(
        json.loads(run(str(path), "--permutations", "9", "--metres")[0])["observed"]
    )
    assert observed[1].sum() == 3  # 50, 80 and 94 m: all in "1 to 100 meters"


def test_metric_file_is_not_taken_for_degrees(tmp_path):
    """Projected data (the NRC's Chicago file) run without --crs or --metres."""
    lines = (DATA / "test_data.csv").read_text(encoding="utf-8").splitlines()[:50]
    path = tmp_path / "m.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = json.loads(run(str(path), *NRC_ARGS)[0])
    assert data["n_events"] == 49


def test_crs_errors_are_clear(tmp_path):
    lonlat = _lonlat_file(tmp_path)
    with pytest.raises(CommandError, match="--to-crs kräver --crs"):
        run(str(lonlat), *LONLAT_ARGS, "--to-crs", "EPSG:3006")
    with pytest.raises(CommandError, match="not a projected coordinate system in metres"):
        run(str(lonlat), *LONLAT_ARGS, "--crs", "EPSG:4326", "--to-crs", "EPSG:4258")
    with pytest.raises(CommandError, match="unknown coordinate system"):
        run(str(lonlat), *LONLAT_ARGS, "--crs", "EPSG:99999999")
    metric = tmp_path / "m.csv"
    metric.write_text("x,y,date\n674000,6580000,2024-01-01\n674100,6580000,2024-01-02\n", "utf-8")
    with pytest.raises(CommandError, match="not degrees"):
        run(str(metric), "--crs", "EPSG:4326", "--permutations", "9")
    with pytest.raises(CommandError, match="gäller bara filer"):
        run("--area", "9901", "--metres")
