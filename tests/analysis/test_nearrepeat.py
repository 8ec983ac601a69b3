"""Knox test against the Near Repeat Calculator 1.3 output on the Chicago burglary test data.

Reference: ../shared/data/near-repeat (test_data.csv and the NRC's summary and verbose
output, from github.com/tobydavies/NearRepeat), run with bandwidth 100 m x 3 bands,
2 days x 2 bands, Euclidean distance, 19 iterations.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from samverkan.analysis.nearrepeat import (
    AlertZonesResult,
    NearRepeatResult,
    alert_zones,
    band_labels,
    knox_test,
    summarise,
)
from samverkan.analysis.nearrepeat_cli import (
    GeographicCoordinatesError,
    looks_geographic,
    read_events,
    render_html,
    render_json,
    run_file,
)
from samverkan.analysis.result import Result

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "near-repeat"
NRC = {"dist_band": 100, "dist_bands": 3, "time_band": 2, "time_bands": 2}


def _verbose(path: Path = DATA / "test_data_NRverbose.csv") -> dict:
    """Observed table, labels and per-iteration expected counts from an NRC verbose CSV.

    The table's size and labels give the bands ("1 to 100" is a 100 m band), so any NRC
    run can be read without its summary page.
    """
    with open(path, encoding="latin-1") as handle:
        rows = list(csv.reader(handle))
    tables: dict = {"observed": [], "ratio": []}
    out: dict = {"runs": {}, "source": None, "time_labels": []}
    section = None
    for k, row in enumerate(rows):
        head = row[0].strip() if row else ""
        if head.startswith("Source data file:"):
            out["source"] = head.split(":", 1)[1].strip().replace("\\", "/").split("/")[-1]
        if head.startswith("Observed frequencies distribution"):
            section = "observed"
        elif head.startswith("Observed over mean expected"):
            section = "ratio"
        elif head.startswith("Statistical significant"):
            section = None
        elif section and head == "" and len(row) > 2 and row[2].strip() and not tables[section]:
            out["time_labels"] = [v.strip() for v in row[2:] if v.strip()]
        elif section and re.fullmatch(r"\d+", head):
            n_cols = len(out["time_labels"])
            tables[section].append((row[1].strip(), [float(v) for v in row[2 : 2 + n_cols]]))
            if row[1].strip().startswith("More than"):
                section = None
        match = re.fullmatch(r"Row (\d+) Column (\d+)", head)
        if match:
            cell = (int(match[1]) - 1, int(match[2]) - 1)
            out["runs"][cell] = np.array([float(v) for v in rows[k + 1][1:] if v.strip()])
    out["distance_labels"] = [label for label, _ in tables["observed"]]
    out["observed"] = np.array([v for _, v in tables["observed"]], dtype=np.int64)
    out["ratio"] = np.array([v for _, v in tables["ratio"]])
    return out


def _bands_from_labels(distance_labels: list, time_labels: list) -> dict:
    """NRC parameters from its labels: "1 to 100" is a 100 m band, "0 to 2" a 2-day band."""
    return {
        "dist_band": float(distance_labels[1].split(" to ")[1].split()[0]),
        "dist_bands": len(distance_labels) - 2,
        "time_band": int(time_labels[0].split(" to ")[1].split()[0]),
        "time_bands": len(time_labels) - 1,
    }


def _nrc_runs() -> list[Path]:
    return sorted(DATA.glob("*_NRverbose.csv"))


@pytest.fixture(scope="module")
def reference():
    x, y, t = read_events(DATA / "test_data.csv", "x", "y", "date_single")
    return x, y, t, _verbose()


@pytest.fixture(scope="module")
def result(reference) -> NearRepeatResult:
    x, y, t, _ = reference
    return knox_test(x, y, t, **NRC, permutations=99, seed=7, keep_simulations=True)


def test_observed_table_equals_nrc_exactly(result, reference):
    assert isinstance(result, Result)
    assert result.n_events == 11701
    np.testing.assert_array_equal(result.observed, reference[3]["observed"])
    assert result.observed.sum() == 11701 * 11700 // 2


def test_there_is_an_nrc_run_to_check():
    assert _nrc_runs(), f"no *_NRverbose.csv in {DATA}"


@pytest.mark.parametrize("verbose", _nrc_runs(), ids=lambda p: p.name)
def test_observed_table_equals_every_nrc_output(verbose):
    """Every NRC run in the data folder: the observed table is reproduced exactly.

    The NRC does not write its distance setting into its output, so a run named for a
    metric ("manhattan", "euclid") is checked with that one and any other with both: one
    of them must give the NRC's table to the pair.
    """
    nrc = _verbose(verbose)
    bands = _bands_from_labels(nrc["distance_labels"], nrc["time_labels"])
    # The NRC's own listing of the events has only 7 significant digits, which moves
    # pairs across band edges, so the run is checked on its source file.
    source = DATA / (nrc["source"] or "")
    assert nrc["source"] and source.is_file(), f"{verbose.name}: source {source} missing"
    with open(source, encoding="utf-8-sig") as handle:
        cols = [c.strip() for c in next(csv.reader(handle))]
    x, y, t = read_events(source, cols[0], cols[1], cols[2])
    name = verbose.name.lower()
    metrics = (
        ["manhattan"]
        if "manhattan" in name
        else ["euclidean"]
        if "euclid" in name
        else ["euclidean", "manhattan"]
    )
    tables = {m: knox_test(x, y, t, **bands, metric=m, permutations=0).observed for m in metrics}
    assert nrc["observed"].shape == next(iter(tables.values())).shape
    matches = [m for m, table in tables.items() if np.array_equal(table, nrc["observed"])]
    assert matches, {m: (table - nrc["observed"]).tolist() for m, table in tables.items()}
    labels = knox_test(x, y, t, **bands, permutations=0).distance_bands
    assert [label.removesuffix(" meters") for label in labels] == nrc["distance_labels"]


def test_expected_agrees_with_nrc_within_monte_carlo_error(result, reference):
    runs = reference[3]["runs"]
    sims = result.simulated.astype(float)
    for (r, c), nrc_runs in runs.items():
        assert len(nrc_runs) == 19
        se = np.sqrt(nrc_runs.var(ddof=1) / len(nrc_runs) + sims[:, r, c].var(ddof=1) / len(sims))
        assert abs(result.expected[r, c] - nrc_runs.mean()) <= 4 * se + 1e-9, (r, c)


def test_p_value_is_nrc_rank_formula(result):
    sims = result.simulated
    manual = ((sims >= result.observed).sum(axis=0) + 1) / (len(sims) + 1)
    np.testing.assert_allclose(result.p, manual)
    assert result.p[1, 0] == pytest.approx(0.01)  # observed beyond every simulation
    assert result.p[4, 0] == pytest.approx(1.0)  # observed below every simulation


def test_summary_reproduces_nrc_text_from_its_tables(reference):
    """Fed the NRC's own ratio and p tables, the English summary says what the NRC says."""
    ratio = reference[3]["ratio"]
    p = np.array([[0.05, 0.05, 1], [0.05, 0.05, 1], [0.05, 0.05, 1], [0.05, 0.05, 1], [1, 1, 0.05]])
    d_labels, t_labels, _, _ = band_labels(100, 3, 2, 2)
    english, swedish = summarise(ratio, p, d_labels, t_labels)
    page = (DATA / "test_data_NRsummary.htm").read_text(encoding="latin-1")
    nrc_text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for sentence in [
        (
            "Within 1 to 100 meters of an initial incident, near repeats are overrepresented for "
            "up to 4 days."
        ),
        (
            "Within 101 to 200 meters of an initial incident, near repeats are overrepresented for "
            "up to 4 days."
        ),
        (
            "Within 201 to 300 meters of an initial incident, near repeats are overrepresented for "
            "up to 2 days."
        ),
        (
            "the zone from 1 to 100 meters and from 0 to 2 days from an initial incident. The "
            "chance of another incident is about 168 percent greater"
        ),
        "at the same place up to 4 days after an initial incident.",
        "about 1460 percent greater than if there were no repeat victimization pattern.",
    ]:
        assert sentence in english
        assert sentence in nrc_text
    assert "Inom 1 till 100 meter" in swedish and "1460 procent" in swedish


def test_summary_without_pattern():
    ratio = np.ones((5, 3))
    p = np.full((5, 3), 0.5)
    english, swedish = summarise(ratio, p, *band_labels(100, 3, 2, 2)[:2])
    assert english.startswith("No significant and meaningful near repeat")
    assert swedish.startswith("Inget signifikant")


@pytest.mark.parametrize(
    ("dist_band", "row"),
    [(200, 1), (100, 2)],
)
def test_pathological_example_matches_nrc_bands(dist_band, row):
    """Two events 100 m and 3 days apart: the NRC puts the pair in '4 to 6 days' and, with
    100 m bands, in '101 to 200 meters' (Davies, tobydavies/NearRepeat notebook)."""
    x, y, t = read_events(DATA / "pathological_example.csv", "x", "y", "t")
    res = knox_test(
        x, y, t, dist_band=dist_band, dist_bands=2, time_band=3, time_bands=2, permutations=9
    )
    expected = np.zeros((4, 3), int)
    expected[row, 1] = 1
    np.testing.assert_array_equal(res.observed, expected)
    assert res.time_bands[:2] == ["0 to 3 days", "4 to 6 days"]


def _naive(x, y, days, dist_band, dist_bands, time_band, time_bands, p):
    """All-pairs reference with the same band conventions (float32 coordinates)."""
    x = np.asarray(x, dtype=np.float32).astype(float)
    y = np.asarray(y, dtype=np.float32).astype(float)
    i, j = np.triu_indices(len(x), 1)
    dx, dy = np.abs(x[i] - x[j]), np.abs(y[i] - y[j])
    dist = dx + dy if p == 1 else np.hypot(dx, dy)
    row = np.where(dist == 0, 0, np.minimum(np.floor(dist / dist_band) + 1, dist_bands + 1))
    col = np.minimum(np.abs(days[i] - days[j]) // time_band, time_bands)
    table = np.zeros((dist_bands + 2, time_bands + 1), int)
    np.add.at(table, (row.astype(int), col.astype(int)), 1)
    return table


def _row_of_pair(ax, ay, bx, by, metric, **kwargs):
    res = knox_test([ax, bx], [ay, by], [0, 0], metric=metric, permutations=0, **kwargs)
    return int(np.flatnonzero(res.observed[:, 0])[0])


# (a, b, float64 distance, row with the NRC's float32 coordinates): rows are 0 same
# location, 1 "1 to 100", 2 "101 to 200", 3 "201 to 300", 4 "More than 300".
FLOAT32_EDGES = [
    # 299.97 m: 0.1 m rounding made it 300.0 ("More than 300"); float32 keeps 299.97.
    ((350000.04, 578900.0), (350300.01, 578900.0), 299.97, 3),
    # 299.99 m: float32 coordinates are exactly 300 m apart, so "More than 300".
    ((350000.0, 578900.0), (350299.99, 578900.0), 299.99, 4),
    # 1 cm apart: one float32 value, so "same location" as in the NRC.
    ((350000.0, 578900.0), (350000.01, 578900.0), 0.01, 0),
    # 100 m exactly is the start of "101 to 200" (the NRC's [100, 200)).
    ((350000.0, 578900.0), (350100.0, 578900.0), 100.0, 2),
    # 199.99 m in float64 ("101 to 200"), exactly 200 m in float32: "201 to 300".
    ((350000.0, 578900.0), (350199.99, 578900.0), 199.99, 3),
]


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize(("a", "b", "dist64", "row"), FLOAT32_EDGES)
def test_band_of_a_pair_uses_float32_coordinates(metric, a, b, dist64, row):
    assert np.hypot(b[0] - a[0], b[1] - a[1]) == pytest.approx(dist64, abs=0.01)
    assert _row_of_pair(*a, *b, metric, **NRC) == row
    # Turned a quarter (x and y swapped) and along both axes the rule is the same.
    assert _row_of_pair(a[1], a[0], b[1], b[0], metric, **NRC) == row


def test_float32_and_float64_disagree_only_where_the_nrc_would():
    """A diagonal pair whose float64 Manhattan distance is under 300 m, float32 over it."""
    a = (350000.0, 578900.0)
    b = (350150.0, 579049.99)  # float64: 299.99 m; float32 y rounds to 579050.0
    assert _row_of_pair(*a, *b, "manhattan", **NRC) == 4
    assert _row_of_pair(*a, *b, "manhattan", single_precision=False, **NRC) == 3
    # Euclidean 212.1 m is in "201 to 300" either way.
    assert _row_of_pair(*a, *b, "euclidean", **NRC) == 3


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_matches_naive_all_pairs(metric):
    rng = np.random.default_rng(3)
    n = 600
    x = np.round(rng.uniform(0, 2000, n), 1)
    y = np.round(rng.uniform(0, 2000, n), 1)
    x[:40], y[:40] = x[40:80], y[40:80]  # some repeat locations
    days = rng.integers(0, 120, n)
    res = knox_test(
        x,
        y,
        days,
        dist_band=150,
        dist_bands=4,
        time_band=7,
        time_bands=3,
        metric=metric,
        permutations=19,
    )
    ref = _naive(x, y, days, 150, 4, 7, 3, 1 if metric == "manhattan" else 2)
    np.testing.assert_array_equal(res.observed, ref)


def test_seeded_and_independent_of_threads():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(0, 5000, (2, 3000))
    days = rng.integers(0, 365, 3000)
    a = knox_test(x, y, days, permutations=49, seed=11, workers=1)
    b = knox_test(x, y, days, permutations=49, seed=11, workers=2)
    c = knox_test(x, y, days, permutations=49, seed=12)
    np.testing.assert_array_equal(a.expected, b.expected)
    assert not np.array_equal(a.expected, c.expected)


def test_bad_input():
    with pytest.raises(ValueError):
        knox_test([0, 1], [0, 1], [0], permutations=9)
    with pytest.raises(ValueError):
        knox_test([0, 1], [0, 1], [0, 1], metric="chebyshev")


def test_alert_zones_merge_and_expiry():
    x = [0, 150, 5000, 0, 9000]
    y = [0, 0, 0, 0, 0]
    t = np.array(
        ["2024-03-01", "2024-03-05", "2024-03-06", "2024-01-01", "2024-03-07"],
        dtype="datetime64[D]",
    )
    cat = ["burglary", "burglary", "burglary", "burglary", "vandalism"]
    res = alert_zones(
        x,
        y,
        t,
        np.datetime64("2024-03-08"),
        category=cat,
        ids=["a", "b", "c", "old", "v"],
        distance=200,
        days=14,
        categories=["burglary"],
    )
    assert isinstance(res, AlertZonesResult) and res.estimate == 2
    merged = next(z for z in res.zones if "a" in z.source_ids)
    assert sorted(merged.source_ids) == ["a", "b"]
    assert merged.x == pytest.approx(75) and merged.radius == pytest.approx(275)
    assert merged.expires_at == np.datetime64("2024-03-19T00:00:00")
    assert all("old" not in z.source_ids and "v" not in z.source_ids for z in res.zones)
    single = alert_zones(x, y, t, np.datetime64("2024-03-08"), category=cat, merge=False)
    assert single.estimate == 4
    json.dumps(res.to_dict(), default=str)


def test_cli_run_file_and_renderers(reference):
    res = run_file(DATA / "test_data.csv", "x", "y", "date_single", permutations=19, seed=2)
    np.testing.assert_array_equal(res.observed, reference[3]["observed"])
    out = render_json(res)
    assert set(out) == {
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
    assert out["distance_bands"][0] == "Same location" and len(out["observed"]) == 5
    assert out["time_bands"] == ["0 to 2 days", "3 to 4 days", "More than 4 days"]
    json.dumps(out)
    page = render_html(res)
    assert page.startswith("<!DOCTYPE html>") and "class='sig'" in page and "http" not in page


def test_cli_projects_lon_lat(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "lon,lat,date\n18.0686,59.3293,2024-01-01\n18.0686,59.3302,2024-01-02\n"
        "18.0700,59.3293,05/01/2024\n",
        encoding="utf-8",
    )
    res = run_file(path, "lon", "lat", "date", crs="EPSG:4326", permutations=9)
    # 0.0009 degrees of latitude is about 100 m: the first pair falls in the 101-200 band.
    assert res.observed[:4].sum() == 3
    assert res.observed[2, 0] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,t\n1,2,2024-01-01\n1,zz,2024-01-02\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3.*'y'"):
        run_file(bad, "x", "y", "t", permutations=9)


def test_cli_refuses_degrees_taken_for_metres(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "lon,lat,date\n18.0686,59.3293,2024-01-01\n18.0686,59.3302,2024-01-02\n", "utf-8"
    )
    with pytest.raises(GeographicCoordinatesError, match="longitude/latitude"):
        run_file(path, "lon", "lat", "date", permutations=9)
    as_metres = run_file(path, "lon", "lat", "date", permutations=9, metres=True)
    assert as_metres.observed[1, 0] == 1  # 0.0009 "metres" apart: what the check prevents
    projected = run_file(path, "lon", "lat", "date", crs="EPSG:4326", to_crs="EPSG:3006")
    assert projected.observed[2, 0] == 1 and projected.parameters["projected_to"] == "EPSG:3006"
    assert looks_geographic(np.array([18.0, -180.0]), np.array([59.0, 90.0]))
    assert not looks_geographic(np.array([350353.4]), np.array([578924.3]))
    assert not looks_geographic(np.array([10.0, 200.0]), np.array([10.0, 10.0]))
