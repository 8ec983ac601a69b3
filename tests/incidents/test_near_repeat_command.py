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
