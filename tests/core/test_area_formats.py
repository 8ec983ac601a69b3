"""`samverkan import_areas` on the files municipalities have: GeoPackage, zipped Shapefile,
any declared CRS; parents found spatially; border history; incident links follow borders."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Transformer
from shapely.geometry import shape

from samverkan.core.models import Area, AreaBorder
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, IncidentArea

TM = "EPSG:3006"  # SWEREF 99 TM, what Swedish municipalities deliver
UTM33 = "EPSG:25833"  # ETRS89 / UTM 33N, the Norwegian grid
to_tm = Transformer.from_crs("EPSG:4326", TM, always_xy=True)


def tm(lon, lat):
    return to_tm.transform(lon, lat)


def box_around(lon, lat, half_m, crs=TM, dx=0.0):
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return shapely.box(x - half_m + dx, y - half_m, x + half_m + dx, y + half_m)


def write_layer(path, layer, rows, crs=TM, driver="GPKG", append=False):
    """``rows``: list of (code, name, shapely geometry). Written with pyogrio's raw API."""
    geoms = np.array([shapely.to_wkb(g) for _, _, g in rows], dtype=object)
    codes = np.array([c for c, _, _ in rows], dtype=object)
    names = np.array([n for _, n, _ in rows], dtype=object)
    pyogrio.raw.write(
        str(path),
        geoms,
        [codes, names],
        ["kod", "namn"],
        layer=layer,
        driver=driver,
        geometry_type="Polygon",
        crs=crs,
        append=append,
    )
    return path


def zipped_shapefile(tmp_path, rows, crs):
    shp = write_layer(tmp_path / "stadsdelar.shp", "stadsdelar", rows, crs, "ESRI Shapefile")
    archive = tmp_path / "stadsdelar.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("stadsdelar.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    shp.unlink()
    return archive


def districts(path, *extra):
    call_command(
        "import_areas",
        str(path),
        "--level",
        "district",
        "--code-field",
        "kod",
        "--name-field",
        "namn",
        *extra,
    )


def assert_reprojected(area, geom, crs):
    """The stored border is the file's, vertex by vertex through pyproj (ring order aside:
    Shapefiles store outer rings clockwise)."""
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    want = shapely.Polygon([back.transform(x, y) for x, y in geom.exterior.coords])
    got = shape(area.geometry)
    assert shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=2e-7)


@pytest.mark.django_db
def test_geopackage_in_sweref99_tm_is_reprojected_to_wgs84(world, tmp_path, capsys):
    geom = box_around(15.5, 59.5, 2000)
    path = write_layer(tmp_path / "stadsdelar.gpkg", "stadsdelar", [("01", "Centrum", geom)])
    districts(path)
    area = Area.objects.get(level="district", code="01")
    assert area.name == "Centrum"
    assert_reprojected(area, geom, TM)
    assert (area.min_lon, area.min_lat) == pytest.approx(shape(area.geometry).bounds[:2])
    assert "EPSG:3006" in capsys.readouterr().out


@pytest.mark.django_db
def test_zipped_shapefile_in_another_crs(world, tmp_path):
    geom = box_around(15.3, 59.3, 1500, crs=UTM33)
    archive = zipped_shapefile(tmp_path, [("07", "Väster", geom)], UTM33)
    districts(archive)
    area = Area.objects.get(level="district", code="07")
    assert_reprojected(area, geom, UTM33)
    # Same place whichever grid the file came in: inside Norrby (15–16° E, 59–60° N).
    assert area.parent == world.m1


@pytest.mark.django_db
def test_geojson_declaring_a_crs_is_reprojected(world, tmp_path):
    import json

    geom = box_around(15.5, 59.5, 1000)
    path = tmp_path / "omr.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"kod": "X1", "namn": "Torget"},
                        "geometry": shapely.geometry.mapping(geom),
                    }
                ],
            }
        ),
        "utf-8",
    )
    call_command(
        "import_areas",
        str(path),
        "--level",
        "custom",
        "--code-field",
        "kod",
        "--name-field",
        "namn",
    )
    area = Area.objects.get(level="custom", code="X1")
    assert_reprojected(area, geom, TM)


@pytest.mark.django_db
def test_layer_picks_one_of_several_and_is_required_when_ambiguous(world, tmp_path):
    path = tmp_path / "kommun.gpkg"
    write_layer(path, "stadsdelar", [("01", "Centrum", box_around(15.5, 59.5, 2000))])
    write_layer(path, "regso", [("R1", "Centrum RegSO", box_around(15.4, 59.4, 800))])
    with pytest.raises(CommandError, match="2 lager.*--layer.*regso.*stadsdelar|stadsdelar.*regso"):
        districts(path)
    with pytest.raises(CommandError, match="inget lager 'deso'"):
        districts(path, "--layer", "deso")
    call_command(
        "import_areas",
        str(path),
        "--layer",
        "regso",
        "--level",
        "regso",
        "--code-field",
        "kod",
        "--name-field",
        "namn",
    )
    assert list(Area.objects.filter(level="regso").values_list("code", flat=True)) == ["R1"]
    assert not Area.objects.filter(level="district").exists()


@pytest.mark.django_db
def test_parent_is_the_area_holding_most_of_it(world, tmp_path, capsys):
    # Straddles the 16° E border between Norrby and Söderby, about 70 % in Söderby.
    x16, _ = tm(16.0, 59.5)
    _, y0 = tm(15.5, 59.5)
    straddling = shapely.box(x16 - 3000, y0 - 1000, x16 + 7000, y0 + 1000)
    inside = box_around(15.5, 59.5, 1000)
    path = write_layer(
        tmp_path / "d.gpkg", "d", [("01", "Gränsen", straddling), ("02", "Mitt", inside)]
    )
    districts(path)
    assert Area.objects.get(code="01", level="district").parent == world.m2
    assert Area.objects.get(code="02", level="district").parent == world.m1
    out = capsys.readouterr().out
    assert "01 Gränsen: ny, under Söderby (70% av ytan inom)" in out
    assert "02 Mitt: ny, under Norrby (100% av ytan inom)" in out


@pytest.mark.django_db
def test_parent_given_by_code_overrides_the_spatial_match(world, tmp_path):
    path = write_layer(tmp_path / "d.gpkg", "d", [("02", "Mitt", box_around(15.5, 59.5, 1000))])
    districts(path, "--parent", "9902")
    assert Area.objects.get(code="02", level="district").parent == world.m2
    with pytest.raises(CommandError, match="'9999'.*finns inte"):
        districts(path, "--parent", "9999")


@pytest.mark.django_db
def test_self_intersecting_ring_is_repaired_and_reported(world, tmp_path, capsys):
    x, y = tm(15.5, 59.5)
    bowtie = shapely.Polygon([(x, y), (x + 1000, y + 1000), (x + 1000, y), (x, y + 1000)])
    assert not bowtie.is_valid
    districts(write_layer(tmp_path / "d.gpkg", "d", [("09", "Fjärilen", bowtie)]))
    captured = capsys.readouterr()
    assert "Objekt 1 (09 Fjärilen): ogiltig geometri lagad (Self-intersection" in captured.err
    assert "1 lagade geometrier" in captured.out
    area = Area.objects.get(code="09", level="district")
    repaired = shape(area.geometry)
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    # Both wings kept: the repaired area is the bowtie's two triangles, half the square.
    metric = shapely.transform(repaired, lambda a, b: tm(a, b), interleaved=False)
    assert metric.area == pytest.approx(500_000, rel=1e-3)


@pytest.mark.django_db
def test_file_without_crs_in_metres_is_refused_unless_crs_given(world, tmp_path):
    import json

    geom = box_around(15.5, 59.5, 1000)
    path = tmp_path / "utan.geojson"
    feature = {"type": "Feature", "properties": {"kod": "A", "namn": "A"}}
    feature["geometry"] = shapely.geometry.mapping(geom)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    with pytest.raises(CommandError, match="inget koordinatsystem.*--crs"):
        districts(path)
    districts(path, "--crs", "EPSG:3006")
    area = Area.objects.get(code="A", level="district")
    assert_reprojected(area, geom, TM)


def _points(n, seed=1):
    """Points scattered over Norrby's middle, as tapped on a phone map."""
    rng = np.random.default_rng(seed)
    lon = 15.5 + rng.uniform(-0.08, 0.08, n)
    lat = 59.5 + rng.uniform(-0.04, 0.04, n)
    cat = Category.objects.get(code="vandalism")
    start = datetime(2025, 3, 3, 10, tzinfo=UTC)
    rows = [
        IncidentRow(
            "rapport",
            start + timedelta(hours=i),
            cat.pk,
            external_id=f"p{seed}-{i}",
            lon=float(lo),
            lat=float(la),
        )
        for i, (lo, la) in enumerate(zip(lon, lat, strict=True))
    ]
    ingest(rows)
    return lon, lat


def _hand_count(lon, lat, geom_tm):
    """Point-in-polygon by hand, in the file's own grid."""
    x, y = to_tm.transform(lon, lat)
    return int(shapely.intersects_xy(geom_tm, x, y).sum())


@pytest.mark.django_db
def test_reimport_with_a_moved_border_keeps_history_and_relinks_incidents(world, tmp_path, capsys):
    lon, lat = _points(400)
    old = box_around(15.5, 59.5, 2500)
    path = write_layer(tmp_path / "d.gpkg", "d", [("01", "Centrum", old)])
    districts(path)
    area = Area.objects.get(code="01", level="district")
    # Linked by the import, not at ingestion (the district did not exist then).
    assert IncidentArea.objects.filter(area=area).count() == _hand_count(lon, lat, old) > 0
    first = AreaBorder.objects.get(area=area)
    assert first.valid_to is None and first.valid_from is not None

    districts(path)  # the same file again: nothing changes, no new border version
    assert AreaBorder.objects.filter(area=area).count() == 1
    assert "0 uppdaterade" in capsys.readouterr().out

    moved = box_around(15.5, 59.5, 2500, dx=1800)
    path = write_layer(tmp_path / "d2.gpkg", "d", [("01", "Centrum", moved)])
    districts(path)
    out = capsys.readouterr().out
    assert "01 Centrum: ny gräns" in out and "1 med ny gräns" in out
    assert "Händelsekopplingar:" in out
    area.refresh_from_db()
    assert_reprojected(area, moved, TM)
    history = list(AreaBorder.objects.filter(area=area).order_by("pk"))
    assert len(history) == 2
    assert history[0].geometry == first.geometry and history[0].valid_to is not None
    assert history[1].valid_from == history[0].valid_to and history[1].valid_to is None
    assert history[1].geometry == area.geometry
    assert area.current_border_id() == history[1].pk
    assert IncidentArea.objects.filter(area=area).count() == _hand_count(lon, lat, moved)
    assert _hand_count(lon, lat, moved) != _hand_count(lon, lat, old)
    # The municipality keeps every point: only the changed area was relinked.
    assert IncidentArea.objects.filter(area=world.m1).count() == 400


@pytest.mark.django_db
def test_district_lagesbild_counts_exactly_the_incidents_inside(world, tmp_path):
    from samverkan.core import periods
    from samverkan.situation.build import build_for_period

    lon, lat = _points(300, seed=7)
    geom = box_around(15.52, 59.49, 1700)
    districts(write_layer(tmp_path / "d.gpkg", "d", [("05", "Öster", geom)]))
    area = Area.objects.get(code="05", level="district")
    figures = build_for_period(area, periods.parse("2025-03"), partnership=world.p1)
    assert figures["totals"]["count"] == _hand_count(lon, lat, geom) > 0


@pytest.mark.django_db
def test_area_imported_before_border_history_keeps_its_old_border(world, tmp_path):
    # Areas created without the importer (earlier versions, fixtures) have no border rows.
    assert not AreaBorder.objects.filter(area=world.m1).exists()
    before = world.m1.geometry
    geom = box_around(15.6, 59.5, 30_000)
    path = write_layer(tmp_path / "k.gpkg", "k", [("9901", "Norrby", geom)])
    call_command(
        "import_areas",
        str(path),
        "--level",
        "municipality",
        "--code-field",
        "kod",
        "--name-field",
        "namn",
    )
    old, new = AreaBorder.objects.filter(area=world.m1).order_by("pk")
    assert old.geometry == before and old.valid_from is None and old.valid_to is not None
    assert new.valid_from == old.valid_to and new.valid_to is None
    # Its parent was found spatially in the county.
    world.m1.refresh_from_db()
    assert world.m1.parent == world.county


@pytest.mark.django_db
def test_frozen_lagesbild_keeps_the_border_it_was_counted_in(world, tmp_path, monkeypatch):
    from samverkan.core import periods
    from samverkan.situation import services
    from samverkan.situation.exports import charts, geojson, html

    _points(200, seed=3)
    old = box_around(15.5, 59.5, 2500)
    districts(write_layer(tmp_path / "d.gpkg", "d", [("01", "Centrum", old)]))
    area = Area.objects.get(code="01", level="district")
    old_geometry = area.geometry
    coordinator = world.users["coordinator"]
    report = services.create_report(area, periods.parse("2025-03"), world.p1, coordinator)
    report = services.approve(report, coordinator)
    assert report.is_frozen
    assert report.snapshot["area"]["border_id"] == area.current_border_id()

    moved = box_around(15.5, 59.5, 2500, dx=1800)
    districts(write_layer(tmp_path / "d2.gpkg", "d", [("01", "Centrum", moved)]))
    area.refresh_from_db()
    assert area.geometry != old_geometry
    report.refresh_from_db()
    frozen = report.snapshot
    assert geojson.features(frozen)[0]["geometry"] == old_geometry

    drawn = []
    real_map = charts.map_svg
    monkeypatch.setattr(
        charts, "map_svg", lambda f, geom, *a: drawn.append(geom) or real_map(f, geom, *a)
    )
    html.context(frozen)
    assert drawn == [old_geometry]
    assert area.border_geometry(frozen["area"]["border_id"]) == old_geometry
    # A picture built from now on uses the new border.
    fresh = services.create_report(area, periods.parse("2025-03"), world.p1, coordinator)
    assert geojson.features(fresh.snapshot)[0]["geometry"] == area.geometry
    # Without a recorded border id (pictures from before), the border in force when built.
    first = AreaBorder.objects.filter(area=area).order_by("pk").first()
    legacy = dict(
        frozen,
        area={k: v for k, v in frozen["area"].items() if k != "border_id"},
        generated_at=(first.valid_from + (first.valid_to - first.valid_from) / 2).isoformat(),
    )
    assert geojson.features(legacy)[0]["geometry"] == old_geometry
