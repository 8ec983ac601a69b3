"""`samverkan import_areas`: idempotent, clear errors, repaired geometry."""

import gzip
import json

import pytest
from django.core.management import CommandError, call_command

from samverkan.core.models import Area, AuditEvent


def write(tmp_path, features, name="areas.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def feature(code, name, geom, **props):
    return {"type": "Feature", "properties": {"id": code, "namn": name, **props}, "geometry": geom}


SQUARE = {"type": "Polygon", "coordinates": [[[15, 59], [16, 59], [16, 60], [15, 60], [15, 59]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[15, 59], [16, 60], [16, 59], [15, 60], [15, 59]]]}


@pytest.mark.django_db
def test_import_is_idempotent(tmp_path):
    path = write(tmp_path, [feature("0001", "Ett", SQUARE), feature("0002", "Två", SQUARE)])
    args = [str(path), "--level", "municipality", "--code-field", "id", "--name-field", "namn"]
    call_command("import_areas", *args)
    call_command("import_areas", *args)
    assert Area.objects.count() == 2
    assert AuditEvent.objects.filter(action="area.import").count() == 1


@pytest.mark.django_db
def test_renamed_area_is_updated_in_place(tmp_path):
    args = ["--level", "municipality", "--code-field", "id", "--name-field", "namn"]
    call_command("import_areas", str(write(tmp_path, [feature("1", "Gammal", SQUARE)])), *args)
    pk = Area.objects.get().pk
    call_command("import_areas", str(write(tmp_path, [feature("1", "Ny", SQUARE)])), *args)
    assert Area.objects.get().pk == pk and Area.objects.get().name == "Ny"


@pytest.mark.django_db
def test_missing_field_names_the_feature_and_field(tmp_path):
    path = write(tmp_path, [feature("1", "Ett", SQUARE)])
    with pytest.raises(CommandError, match="Objekt 1: fältet 'kom_namn' saknas.*id, namn"):
        call_command(
            "import_areas",
            str(path),
            "--level",
            "municipality",
            "--code-field",
            "id",
            "--name-field",
            "kom_namn",
        )
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_non_geojson_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("kod;namn\n1;Ett\n", "utf-8")
    with pytest.raises(CommandError, match="inte en läsbar GeoJSON"):
        call_command(
            "import_areas",
            str(path),
            "--level",
            "county",
            "--code-field",
            "kod",
            "--name-field",
            "namn",
        )
    json_not_fc = write(tmp_path, [], name="x.json")
    json_not_fc.write_text('{"type": "Feature"}', "utf-8")
    with pytest.raises(CommandError, match="FeatureCollection"):
        call_command(
            "import_areas",
            str(json_not_fc),
            "--level",
            "county",
            "--code-field",
            "kod",
            "--name-field",
            "namn",
        )


@pytest.mark.django_db
def test_invalid_geometry_is_repaired_and_reported(tmp_path, capsys):
    path = write(tmp_path, [feature("7", "Fluga", BOWTIE)])
    call_command(
        "import_areas",
        str(path),
        "--level",
        "district",
        "--code-field",
        "id",
        "--name-field",
        "namn",
    )
    from shapely.geometry import shape

    geom = shape(Area.objects.get().geometry)
    assert geom.is_valid and geom.area == pytest.approx(0.5)
    assert "ogiltig geometri lagad" in capsys.readouterr().err


@pytest.mark.django_db
def test_parent_linking_and_gzip(tmp_path):
    county = write(tmp_path, [feature("03", "Län", SQUARE)], name="lan.geojson")
    call_command(
        "import_areas",
        str(county),
        "--level",
        "county",
        "--code-field",
        "id",
        "--name-field",
        "namn",
    )
    kommuner = tmp_path / "k.geojson.gz"
    with gzip.open(kommuner, "wt", encoding="utf-8") as fh:
        json.dump(
            {
                "type": "FeatureCollection",
                "features": [feature("0305", "Håbo", SQUARE, lan_code=3)],
            },
            fh,
        )
    call_command(
        "import_areas",
        str(kommuner),
        "--level",
        "municipality",
        "--code-field",
        "id",
        "--name-field",
        "namn",
        "--parent-level",
        "county",
        "--parent-field",
        "lan_code",
    )
    assert Area.objects.get(code="0305").parent.code == "03"


@pytest.mark.django_db
def test_all_swedish_municipalities_and_counties_from_shared_data(shared_data):
    """The real files: 21 counties, 290 municipalities, every municipality under its county."""
    import csv

    # The shared counties file lacks official codes; join by name via se-admin-areas.csv.
    rows = list(csv.DictReader((shared_data / "se-admin-areas.csv").open(encoding="utf-8")))
    assert len(rows) == 290
    call_command(
        "import_areas",
        str(shared_data / "se-municipalities.geojson"),
        "--level",
        "municipality",
        "--code-field",
        "id",
        "--name-field",
        "kom_namn",
        "--code-width",
        "4",
    )
    assert Area.objects.filter(level="municipality").count() == 290
    assert Area.objects.get(code="1880").name == "Örebro"
