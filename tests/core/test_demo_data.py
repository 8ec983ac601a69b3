"""The bundled demo dataset: complete, valid, consistent and small enough to commit."""

import gzip
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from samverkan import demo_data

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _shapes(name):
    features = demo_data.read_geojson(name)["features"]
    return [f["properties"] for f in features], [shape(f["geometry"]) for f in features]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        (demo_data.SE_MUNICIPALITIES, 290),
        (demo_data.SE_COUNTIES, 21),
        (demo_data.NO_MUNICIPALITIES, 357),
        (demo_data.NO_COUNTIES, 15),
    ],
)
def test_areas_complete_and_valid(name, count):
    props, geoms = _shapes(name)
    assert len(props) == count
    assert len({p["code"] for p in props}) == count
    assert all(p["name"] for p in props)
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms)
    assert not any(g.is_empty for g in geoms)
    assert all(g.is_valid for g in geoms), [
        p["name"] for p, g in zip(props, geoms) if not g.is_valid
    ]


def test_codes_are_zero_padded_strings():
    for name, width in [(demo_data.SE_MUNICIPALITIES, 4), (demo_data.NO_MUNICIPALITIES, 4)]:
        props, _ = _shapes(name)
        assert all(len(p["code"]) == width and p["code"].isdigit() for p in props)
        assert all(len(p["county_code"]) == 2 and p["county_code"].isdigit() for p in props)
    for name in (demo_data.SE_COUNTIES, demo_data.NO_COUNTIES):
        props, _ = _shapes(name)
        assert all(len(p["code"]) == 2 and p["code"].isdigit() for p in props)


def test_se_county_codes_are_official():
    props, _ = _shapes(demo_data.SE_COUNTIES)
    by_name = {p["name"]: p["code"] for p in props}
    assert by_name["Stockholms län"] == "01"
    assert by_name["Uppsala län"] == "03"
    assert by_name["Gotlands län"] == "09"
    assert by_name["Skåne län"] == "12"
    assert by_name["Västra Götalands län"] == "14"
    assert by_name["Norrbottens län"] == "25"


def _check_municipalities_in_counties(municipalities, counties):
    m_props, m_geoms = _shapes(municipalities)
    c_props, c_geoms = _shapes(counties)
    tree = shapely.STRtree(c_geoms)
    wrong = []
    for props, geom in zip(m_props, m_geoms):
        point = geom.representative_point()
        hits = [c_props[i]["code"] for i in tree.query(point, predicate="within")]
        if hits != [props["county_code"]]:
            wrong.append((props["name"], props["county_code"], hits))
    assert wrong == []


def test_se_municipality_lies_in_its_county():
    _check_municipalities_in_counties(demo_data.SE_MUNICIPALITIES, demo_data.SE_COUNTIES)


def test_no_municipality_lies_in_its_county():
    _check_municipalities_in_counties(demo_data.NO_MUNICIPALITIES, demo_data.NO_COUNTIES)


def test_population():
    rows = demo_data.read_population()
    assert len(rows) == 290
    assert {r["code"] for r in rows} == {p["code"] for p in _shapes(demo_data.SE_MUNICIPALITIES)[0]}
    stockholm = next(r for r in rows if r["code"] == "0180")
    assert stockholm["name"] == "Stockholm" and stockholm["population"] > 900_000
    assert 10_000_000 < sum(r["population"] for r in rows) < 11_000_000


def test_police_events_parse():
    events = list(demo_data.iter_police_events())
    assert len(events) > 10_000
    assert len({e["id"] for e in events}) == len(events)
    keys = {"id", "datetime", "name", "summary", "url", "type", "location"}
    assert all(keys <= e.keys() and {"name", "gps"} <= e["location"].keys() for e in events)


def test_iter_police_events_reads_every_form(tmp_path):
    events = [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    lines = "\n".join(json.dumps(e) for e in events) + "\n\n"
    (tmp_path / "e.jsonl").write_text("\n" + lines, encoding="utf-8")
    (tmp_path / "e.json").write_text(json.dumps(events), encoding="utf-8")
    (tmp_path / "e.json.gz").write_bytes(gzip.compress(json.dumps(events).encode()))
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    for name in ("e.jsonl", "e.json", "e.json.gz", "e.jsonl.gz"):
        assert list(demo_data.iter_police_events(tmp_path / name)) == events, name
    assert list(demo_data.iter_police_events(str(tmp_path / "empty.jsonl"))) == []


def test_path_names_and_errors():
    assert demo_data.path("se-counties") == demo_data.path(demo_data.SE_COUNTIES)
    with pytest.raises(FileNotFoundError, match="available"):
        demo_data.path("nope.csv")
    with pytest.raises(FileNotFoundError):
        demo_data.path("../__init__.py")


def test_bundle_is_small():
    files = [p for p in demo_data.DATA_DIR.iterdir() if p.is_file() and p.suffix != ".py"]
    assert len(files) == 6
    assert sum(p.stat().st_size for p in files) < 5_000_000


def test_bundle_names_match_shared_admin_areas():
    import csv

    with (SHARED / "se-admin-areas.csv").open(encoding="utf-8") as fh:
        admin = {r["municipality_code"]: r for r in csv.DictReader(fh)}
    props, _ = _shapes(demo_data.SE_MUNICIPALITIES)
    for p in props:
        assert p["name"] == admin[p["code"]]["municipality_name"]
        assert p["county_code"] == admin[p["code"]]["county_code"]
    counties = {r["county_code"]: r["county_name"] for r in admin.values()}
    assert {p["code"]: p["name"] for p in _shapes(demo_data.SE_COUNTIES)[0]} == counties
