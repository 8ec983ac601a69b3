"""Reading CSV, XLSX and GeoJSON point files into incident rows, with every reject reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from samverkan.incidents.importers.base import ImportFileError
from samverkan.incidents.importers.tabular import (
    ColumnMapping,
    TimeParser,
    parse_number,
    read_rows,
)
from samverkan.incidents.models import Category, Precision, SourceMapping

STHLM = ZoneInfo("Europe/Stockholm")


def local(*args):
    return datetime(*args, tzinfo=STHLM).astimezone(UTC)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def cat(code):
    return Category.objects.get(code=code).pk


def reasons(summary):
    return [(r.line, r.column, r.reason) for r in summary.rejects]


# --- values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("59,3293", 59.3293),
        ("59.3293", 59.3293),
        (" 6 580 000 ", 6580000.0),
        ("6\u00a0580\u00a0000,5", 6580000.5),
        ("1,234.5", 1234.5),
        (18.07, 18.07),
        ("-0,5", -0.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "", "nan", "inf", "1,2,3.4.5", True])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-03-05T14:30:00+01:00", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), None),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30, tzinfo=UTC), None),
        ("2024-07-05T14:30:00", local(2024, 7, 5, 14, 30), None),
        ("2024-03-05 14:30", local(2024, 3, 5, 14, 30), None),
        ("2024-03-05 kl. 14.30", local(2024, 3, 5, 14, 30), None),
        ("2024-03-05 kl 9.05", local(2024, 3, 5, 9, 5), None),
        ("05/03/2024", local(2024, 3, 5), local(2024, 3, 5, 23, 59, 59)),
        ("05/03/2024 14:30", local(2024, 3, 5, 14, 30), None),
        ("5.3.2024", local(2024, 3, 5), local(2024, 3, 5, 23, 59, 59)),
        ("2024-03-05", local(2024, 3, 5), local(2024, 3, 5, 23, 59, 59)),
        ("2024-02", local(2024, 2, 1), local(2024, 2, 29, 23, 59, 59)),
        (datetime(2024, 3, 5, 14, 30), local(2024, 3, 5, 14, 30), None),
        (45356.5, local(2024, 3, 5, 12, 0), None),  # Excel serial number
    ],
)
def test_time_formats(settings, text, start, end):
    settings.TIME_ZONE = "Europe/Stockholm"
    assert TimeParser()(text) == (start, end)


@pytest.mark.parametrize("text", ["igår", "2024-13-01", "32/01/2024", "2024-03-05 kl. 25.00"])
def test_time_refused(text):
    with pytest.raises(ValueError):
        TimeParser()(text)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # Clocks go forward at 02:00 on 31 March 2024: 02:30 never happened; like
        # zoneinfo with fold 0, it is read with the offset before the change.
        ("2024-03-31 01:59", datetime(2024, 3, 31, 0, 59, tzinfo=UTC)),
        ("2024-03-31 02:30", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),
        ("2024-03-31 03:00", datetime(2024, 3, 31, 1, 0, tzinfo=UTC)),
        # Clocks go back at 03:00 on 27 October 2024: 02:30 happened twice; the first.
        ("2024-10-27 02:30", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),
        ("2024-10-27 03:00", datetime(2024, 10, 27, 2, 0, tzinfo=UTC)),
    ],
)
def test_local_times_around_daylight_saving_changes(settings, text, utc):
    settings.TIME_ZONE = "Europe/Stockholm"
    start, _ = TimeParser()(text)
    assert start == utc
    assert start.isoformat() == utc.isoformat()  # the very same text is stored and hashed


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "Europe/Oslo", "Australia/Lord_Howe"])
def test_local_times_convert_as_zoneinfo_does(zone):
    # Reference: zoneinfo's own conversion, every 7 minutes through two years (Lord Howe
    # Island moves its clocks by half an hour).
    from datetime import timedelta

    tz, parser = ZoneInfo(zone), TimeParser(tz=zone)
    t = datetime(2023, 1, 1)
    while t < datetime(2025, 1, 1):
        assert parser._aware(t) == t.replace(tzinfo=tz).astimezone(UTC)
        t += timedelta(minutes=7)


def test_explicit_date_format():
    assert TimeParser("%d %b %Y %H:%M")("05 Mar 2024 14:30") == (local(2024, 3, 5, 14, 30), None)


# --- CSV ----------------------------------------------------------------------------------

SWEDISH_EXCEL = (
    "Datum;Longitud;Latitud;Kategori;Beskrivning\r\n"
    "2024-03-05 kl. 14.30;15,5;59,5;Klotter;Klotter på gavel, ring 070-123 45 67\r\n"
    "2024-03-06 kl. 08.15;16,25;59,75;skadegörelse;Krossad ruta i trapphus\r\n"
)


def test_swedish_excel_csv_cp1252(world, tmp_path):
    path = write(tmp_path, "rapport.csv", SWEDISH_EXCEL, encoding="cp1252")
    mapping = ColumnMapping(time="Datum", lon="Longitud", lat="Latitud", category="Kategori")
    mapping.text = "Beskrivning"
    rows, summary = read_rows(path, "csv", source="test", mapping=mapping)
    assert summary.read == 2 and not summary.rejects and not summary.warnings
    first, second = rows
    assert first.occurred_from == local(2024, 3, 5, 14, 30)
    assert (first.lon, first.lat) == (15.5, 59.5)
    assert first.category_id == cat("vandalism.graffiti")  # by Swedish label
    assert second.category_id == cat("vandalism")  # label, case-insensitive
    assert first.precision == Precision.POINT and first.occurred_to is None
    assert "Klotter på gavel" in first.description


def test_columns_found_by_known_names_utf8_bom(world, tmp_path):
    text = "tid,lat,lon,kategori\n2024-03-05T14:30:00+01:00,59.5,15.5,vandalism\n"
    path = write(tmp_path, "bom.csv", "\ufeff" + text)
    rows, summary = read_rows(path, "csv", source="test")
    assert summary.read == 1 and not summary.rejects
    assert rows[0].category_id == cat("vandalism")  # by code
    assert rows[0].occurred_from == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)


def test_tab_separated(world, tmp_path):
    text = "time\tlon\tlat\tcategory\tid\n2024-03-05 14:30\t16.5\t59.2\tfire\tA-1\n"
    rows, _ = read_rows(write(tmp_path, "t.tsv", text), "csv", source="test")
    assert len(rows) == 1 and rows[0].external_id == "A-1" and rows[0].lon == 16.5


def test_source_mapping_and_mapping_table(world, tmp_path):
    SourceMapping.objects.create(
        source="vakt", value="Brandlarm", category=Category.objects.get(code="fire")
    )
    toml = tmp_path / "m.toml"
    toml.write_text(
        'time = "När"\nlon = "E"\nlat = "N"\ncategory = "Typ"\n'
        '[categories]\n"Sprejat" = "vandalism.graffiti"\n',
        encoding="utf-8",
    )
    text = "När;E;N;Typ\n2024-03-05 14:30;15,1;59,1;Brandlarm\n2024-03-05 14:31;15,1;59,1;sprejat\n"
    mapping = ColumnMapping.from_toml(toml)
    rows, _ = read_rows(write(tmp_path, "v.csv", text), "csv", source="vakt", mapping=mapping)
    assert [r.category_id for r in rows] == [cat("fire"), cat("vandalism.graffiti")]


def test_mapping_file_with_unknown_key_or_category(world, tmp_path):
    toml = tmp_path / "m.toml"
    toml.write_text('time = "t"\ncolour = "x"\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="colour"):
        ColumnMapping.from_toml(toml)
    path = write(tmp_path, "a.csv", "t,lon,lat\n2024-03-05 14:30,15.1,59.1\n")
    with pytest.raises(ImportFileError, match="nope"):
        read_rows(
            path, "csv", source="x", mapping=ColumnMapping(time="t", categories={"a": "nope"})
        )


def test_unknown_category_goes_to_other_with_one_warning_per_value(world, tmp_path):
    text = (
        "time,lon,lat,category\n"
        "2024-03-05 14:30,15.1,59.1,Ufo\n"
        "2024-03-05 14:31,15.1,59.1,Ufo\n"
        "2024-03-05 14:32,15.1,59.1,Spöke\n"
    )
    rows, summary = read_rows(write(tmp_path, "u.csv", text), "csv", source="test")
    assert {r.category_id for r in rows} == {cat("other")}
    assert summary.warnings == [
        "Okänd kategori 'Ufo': lagd under 'Övrigt' (other).",
        "Okänd kategori 'Spöke': lagd under 'Övrigt' (other).",
    ]


def test_month_precision(world, tmp_path):
    text = "time,lon,lat\n2023-11,15.1,59.1\n"
    rows, _ = read_rows(write(tmp_path, "m.csv", text), "csv", source="test")
    assert rows[0].occurred_from == local(2023, 11, 1)
    assert rows[0].occurred_to == local(2023, 11, 30, 23, 59, 59)


def test_time_to_column(world, tmp_path):
    text = "från,till,lon,lat\n2024-03-01 22:00,2024-03-02 06:00,15.1,59.1\n"
    mapping = ColumnMapping(time="från", time_to="till")
    rows, _ = read_rows(write(tmp_path, "p.csv", text), "csv", source="t", mapping=mapping)
    assert rows[0].occurred_to == local(2024, 3, 2, 6, 0)


def test_swapped_lat_lon_is_fixed_with_a_warning(world, tmp_path):
    text = "time,lon,lat\n2024-03-05 14:30,15.5,59.5\n2024-03-05 14:31,59.25,16.5\n"
    rows, summary = read_rows(write(tmp_path, "s.csv", text), "csv", source="test")
    assert [(r.lon, r.lat) for r in rows] == [(15.5, 59.5), (16.5, 59.25)]
    assert not summary.rejects
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith("Rad 3:")
    assert "omkastade" in summary.warnings[0]


def test_every_reject_reason_with_line_and_column(world, tmp_path):
    text = (
        "time,lon,lat,category\n"  # line 1
        ",15.5,59.5,fire\n"  # 2: no time
        "igår,15.5,59.5,fire\n"  # 3: unparseable time
        "2099-01-01 10:00,15.5,59.5,fire\n"  # 4: future
        "2024-03-05 14:30,femton,59.5,fire\n"  # 5: bad number
        "2024-03-05 14:30,15.5,xx,fire\n"  # 6: bad number in lat
        "2024-03-05 14:30,18.5,59.5,fire\n"  # 7: outside the country
        "2024-03-05 14:30,,,fire\n"  # 8: no coordinates
        '"2024-03-05 14:30","15.5",,"fire"\n'  # 9: lat missing
        "\n"  # 10: blank, skipped
        "2024-03-05 14:30,15.5,59.5,fire\n"  # 11: fine
    )
    rows, summary = read_rows(write(tmp_path, "r.csv", text), "csv", source="test")
    assert len(rows) == 1 and summary.read == 9
    got = reasons(summary)
    assert got[0] == (2, "time", "tidpunkt saknas")
    assert got[1] == (3, "time", "tidpunkten 'igår' kan inte tolkas")
    assert got[2] == (4, "time", "tidpunkten '2099-01-01 10:00' ligger i framtiden")
    assert got[3] == (5, "lon", "ogiltigt tal 'femton'")
    assert got[4] == (6, "lat", "ogiltigt tal 'xx'")
    assert got[5][:2] == (7, "lon/lat")
    assert got[5][2].startswith("koordinaterna ligger utanför Sverige")
    assert got[6] == (8, "lon", "koordinater saknas")
    assert got[7] == (9, "lat", "koordinater saknas")
    assert len(got) == 8
    assert summary.rejects[0].raw == ",15.5,59.5,fire"


def test_future_tolerance_is_one_hour(world, tmp_path):
    soon = datetime.now(STHLM).replace(microsecond=0, second=0)
    text = f"time,lon,lat\n{soon:%Y-%m-%d %H:%M},15.5,59.5\n"
    rows, summary = read_rows(write(tmp_path, "f.csv", text), "csv", source="test")
    assert len(rows) == 1 and not summary.rejects


def test_fixed_country_bbox_without_counties(db, tmp_path):
    # No areas loaded: Sweden's fixed box applies (Helsinki is outside, Kiruna inside).
    text = "time,lon,lat\n2024-03-05 14:30,24.94,60.17\n2024-03-05 14:30,20.22,67.85\n"
    rows, summary = read_rows(write(tmp_path, "b.csv", text), "csv", source="test")
    assert [r.lat for r in rows] == [67.85] and reasons(summary)[0][0] == 2


def test_missing_required_column_names_it_and_lists_columns(world, tmp_path):
    path = write(tmp_path, "c.csv", "when;lon;lat\n2024-03-05;15;59\n")
    with pytest.raises(ImportFileError) as exc:
        read_rows(path, "csv", source="test")
    assert "tidpunkt" in str(exc.value) and "when, lon, lat" in str(exc.value)
    with pytest.raises(ImportFileError, match="'Tid'.*when, lon, lat"):
        read_rows(path, "csv", source="test", mapping=ColumnMapping(time="Tid"))
    path = write(tmp_path, "d.csv", "time;lon\n2024-03-05;15\n")
    with pytest.raises(ImportFileError, match="lat"):
        read_rows(path, "csv", source="test")


def test_sweref99tm_xy(world, tmp_path):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(16.5, 59.5)
    xs, ys = f"{x:.2f}".replace(".", ","), f"{y:.2f}".replace(".", ",")
    text = (
        f"Tid;Öst;Nord\n2024-03-05 14:30;{xs};{ys}\n"
        f"2024-03-05 14:31;{ys};{xs}\n"  # northing and easting swapped
        "2024-03-05 14:32;1;1\n"
    )
    mapping = ColumnMapping(time="Tid", x="Öst", y="Nord", crs="EPSG:3006")
    rows, summary = read_rows(
        write(tmp_path, "s.csv", text, "cp1252"), "csv", source="t", mapping=mapping
    )
    assert len(rows) == 2
    for r in rows:
        assert r.lon == pytest.approx(16.5, abs=1e-6) and r.lat == pytest.approx(59.5, abs=1e-6)
    assert summary.warnings[0].startswith("Rad 3: x och y var omkastade")
    assert reasons(summary)[0][:2] == (4, "Öst/Nord")


# --- XLSX and GeoJSON ---------------------------------------------------------------------


def test_xlsx_with_datetime_cells(world, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tidpunkt", "Lat", "Lon", "Kategori", "Ärendenummer"])
    ws.append([datetime(2024, 3, 5, 14, 30), 59.5, 15.5, "Brand", 1001])
    ws.append(["2024-03-06 kl. 10.00", "59,6", "16,6", "fire", "X-2"])
    ws.append([None, None, None, None, None])
    ws.append(["nästa vecka", 59.5, 15.5, "fire", 3])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    rows, summary = read_rows(path, "xlsx", source="x")
    assert summary.read == 3
    assert [r.occurred_from for r in rows] == [local(2024, 3, 5, 14, 30), local(2024, 3, 6, 10)]
    assert [r.external_id for r in rows] == ["1001", "X-2"]
    assert rows[0].category_id == cat("fire") and rows[1].lat == 59.6
    assert reasons(summary) == [(5, "Tidpunkt", "tidpunkten 'nästa vecka' kan inte tolkas")]


def test_xlsx_that_is_not_excel(world, tmp_path):
    path = write(tmp_path, "fake.xlsx", "time,lon,lat\n")
    with pytest.raises(ImportFileError, match="Excel"):
        read_rows(path, "xlsx", source="x")


def test_geojson_points(world, tmp_path):
    def feature(lon, lat, **props):
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
        return {"type": "Feature", "geometry": geometry, "properties": props}

    data = {
        "type": "FeatureCollection",
        "features": [
            feature(15.5, 59.5, time="2024-03-05T14:30:00+01:00", category="fire", id=7),
            feature(None, None, time="2024-03-05T14:30:00+01:00", category="fire", id=8),
            feature(16.5, 59.5, time="2024-03", category="okänd", text="mejla a@b.se"),
        ],
    }
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    rows, summary = read_rows(path, "geojson", source="g")
    assert [(r.lon, r.lat, r.external_id) for r in rows] == [(15.5, 59.5, "7"), (16.5, 59.5, "")]
    assert rows[1].occurred_to is not None
    assert reasons(summary) == [(3, "geometry", "koordinater saknas")]
    assert summary.warnings == ["Okänd kategori 'okänd': lagd under 'Övrigt' (other)."]


def test_geojson_not_a_feature_collection(world, tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text('{"type": "Point"}', encoding="utf-8")
    with pytest.raises(ImportFileError, match="FeatureCollection"):
        read_rows(path, "geojson", source="g")
