"""Reading a large file in a child process (importers/child.py).

The reference is the same reader run in this process: the child must yield the very same
rows, in the same order, and leave the same summary (read, rejects, warnings); whatever it
raises is raised here; and it never outlives the import.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import astuple

import pytest

from samverkan.incidents.importers import child
from samverkan.incidents.importers.base import ImportFileError
from samverkan.incidents.importers.tabular import ColumnMapping, TabularReader
from samverkan.incidents.models import Incident


def _messy_file(tmp_path, n=2_500):
    """Rows of every kind: good, rejected, swapped, unknown categories, ids, periods."""
    rng = random.Random(3)
    lines = ["Tid;Longitud;Latitud;Kategori;Beskrivning;id;tid_till\r\n"]
    for i in range(n):
        lon, lat = f"{rng.uniform(15.01, 16.99):.6f}", f"{rng.uniform(59.01, 59.99):.6f}"
        time = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d} kl. {i % 24:02d}.{i % 60:02d}"
        category = ["Klotter", "skadegörelse", "Ufo", "fire", ""][i % 5]
        text = ["", "Ring 070-123 45 67", "Krossad ruta", "100 % 'säkert'"][i % 4]
        ext = f"K{i}" if i % 3 == 0 else ""
        until = "2024-12-31" if i % 50 == 7 else ""
        if i % 97 == 5:
            time = "igår"  # rejected
        if i % 89 == 3:
            lon, lat = lat, lon  # swapped: fixed with a warning
        if i % 83 == 2:
            lon = "abc"  # rejected
        if i % 2:
            lon, lat = lon.replace(".", ","), lat.replace(".", ",")
        lines.append(f"{time};{lon};{lat};{category};{text};{ext};{until}\r\n")
    path = tmp_path / "messy.csv"
    path.write_bytes("".join(lines).encode("cp1252"))
    return path


def _reader(path, **kwargs):
    return TabularReader(path, "csv", source="child", mapping=ColumnMapping(), **kwargs)


def _no_children_left():
    return not multiprocessing.active_children()


def test_child_yields_what_the_reader_yields_here(world, tmp_path, monkeypatch):
    monkeypatch.setattr(child, "BATCH", 300)  # several messages, the last one short
    path = _messy_file(tmp_path)
    here = _reader(path)
    expected = [astuple(r) for r in here.rows()]
    there = _reader(path)
    rows = list(child.rows_in_child(there))
    got = [astuple(r)[:-1] for r in rows]  # all but the ISO time the child adds
    assert got == [e[:-1] for e in expected]
    assert [r.occurred_from_iso for r in rows] == [r.occurred_from.isoformat() for r in rows]
    assert (there.summary.read, there.summary.rejects, there.summary.warnings) == (
        here.summary.read,
        here.summary.rejects,
        here.summary.warnings,
    )
    assert here.summary.rejects and any("omkastade" in w for w in here.summary.warnings)
    assert any("Ufo" in w for w in here.summary.warnings)
    # Rows never share a mutable list.
    assert len({id(r.area_ids) for r in rows}) == len(rows)
    assert _no_children_left()


def test_an_error_in_the_child_is_raised_here(world, tmp_path):
    # A field beyond the csv module's limit fails on line 4, after the header was read.
    path = tmp_path / "broken.csv"
    big = "x" * 200_000
    path.write_text(
        f"time,lon,lat,text\n2024-03-05 14:30,15.5,59.5,a\n2024-03-05 14:31,15.5,59.5,b\n"
        f'2024-03-05 14:32,15.5,59.5,"{big}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as here:
        list(_reader(path).rows())
    with pytest.raises(ImportFileError) as there:
        list(child.rows_in_child(_reader(path)))
    assert str(there.value) == str(here.value)
    assert "rad 4" in str(there.value)
    assert _no_children_left()


def test_a_stopped_import_stops_the_child(world, tmp_path, monkeypatch):
    monkeypatch.setattr(child, "BATCH", 50)
    rows = child.rows_in_child(_reader(_messy_file(tmp_path)))
    next(rows)
    assert multiprocessing.active_children()
    rows.close()  # as when ingest fails half-way
    assert _no_children_left()


def test_the_command_reads_large_files_in_a_child(world, tmp_path, monkeypatch):
    from django.core.management import call_command

    path = _messy_file(tmp_path, n=400)
    used = []
    real = child.rows_in_child

    def spy(reader):
        used.append(reader.path)
        return real(reader)

    monkeypatch.setattr(child, "rows_in_child", spy)
    monkeypatch.setattr(child, "can_fork", lambda: True)
    monkeypatch.setattr(child, "CHILD_MIN_BYTES", path.stat().st_size + 1)
    call_command("import_incidents", path, "--source", "small")  # below the size: here
    assert used == []
    monkeypatch.setattr(child, "CHILD_MIN_BYTES", path.stat().st_size)
    call_command("import_incidents", path, "--source", "large")  # at the size: a child
    assert used == [path]

    def stored(source):
        return list(
            Incident.objects.filter(source=source)
            .order_by("id")
            .values_list("external_id", "content_hash", "occurred_from", "description", "lon")
        )

    assert stored("large") == stored("small")
    assert len(stored("large")) > 300


def test_no_child_where_other_threads_run():
    import threading

    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        assert not child.can_fork()
    finally:
        done.set()
        thread.join()


def test_excel_and_geojson_read_in_a_child_as_here(world, tmp_path):
    import json

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tidpunkt", "Longitud", "Latitud", "Kategori"])
    for i in range(60):
        ws.append([f"2024-03-{1 + i % 28:02d} 12:{i % 60:02d}", 15.5 + i / 100, 59.5, "Klotter"])
    ws.append(["igår", 15.5, 59.5, "Klotter"])
    xlsx = tmp_path / "rapport.xlsx"
    wb.save(xlsx)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [15.5 + i / 100, 59.5]},
            "properties": {"time": f"2024-03-05 12:{i:02d}", "category": "fire"},
        }
        for i in range(40)
    ]
    geojson = tmp_path / "punkter.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    for path, fmt in ((xlsx, "xlsx"), (geojson, "geojson")):
        here = TabularReader(path, fmt, source="c")
        there = TabularReader(path, fmt, source="c")
        expected = [astuple(r)[:-1] for r in here.rows()]
        assert [astuple(r)[:-1] for r in child.rows_in_child(there)] == expected
        assert there.summary.rejects == here.summary.rejects
        assert len(expected) in (60, 40)
    assert _no_children_left()
