"""`ingest` at speed: bulk mode on SQLite, literal constants, the duplicate check, hashes.

Bulk mode is forced on small imports here by lowering its thresholds; what must hold is
that the result is the same as row by row: the same rows and links, the same indexes
afterwards, and no import at all when a duplicate gets past the check.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from samverkan.incidents import ingest as ingest_module
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, IncidentArea

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="bulk mode and sqlite_master are SQLite's"
)
START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def _indexes() -> list[tuple[str, str, str | None]]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name "
            "IN ('incidents_incident', 'incidents_incidentarea') ORDER BY tbl_name, name"
        )
        return cur.fetchall()


def _rows(n: int, *, source: str = "bulk", external: bool = False) -> list[IncidentRow]:
    cat = Category.objects.get(code="vandalism").pk
    return [
        IncidentRow(
            source,
            START + timedelta(minutes=7 * i),
            cat,
            external_id=f"x{i}" if external else "",
            lon=15.1 + (i % 19) * 0.1,  # both municipalities of the test county
            lat=59.1 + (i % 7) * 0.1,
            description="Klotter" if i % 3 else "",
        )
        for i in range(n)
    ]


@pytest.fixture
def bulk_from_20(monkeypatch):
    monkeypatch.setattr(ingest_module, "BULK_MIN_ROWS", 20)


def _snapshot(source: str):
    incidents = list(
        Incident.objects.filter(source=source)
        .order_by("occurred_from", "external_id")
        .values_list("external_id", "content_hash", "occurred_from", "lon", "lat", "x", "y", "h3")
    )
    links = sorted(
        IncidentArea.objects.filter(incident__source=source).values_list(
            "incident__occurred_from", "area__code", "category_id", "visibility", "is_duplicate"
        )
    )
    return incidents, links


@sqlite_only
def test_bulk_import_stores_what_row_by_row_stores_and_keeps_the_indexes(world, monkeypatch):
    before = _indexes()
    assert any(sql and "UNIQUE" in sql for _, _, sql in before)
    rows = _rows(100)
    # Five rows occur twice in the file: identical rows are distinct events, all kept.
    expected = ingest(_rows(100, source="plain") + _rows(5, source="plain"), batch_size=10)
    assert not expected.bulk
    assert (expected.imported, expected.duplicates) == (105, 0)

    monkeypatch.setattr(ingest_module, "BULK_MIN_ROWS", 20)
    with transaction.atomic():
        report = ingest(rows + rows[:5], batch_size=10)
    assert report.bulk
    assert (report.imported, report.duplicates) == (105, 0)
    assert _indexes() == before
    plain, bulk = _snapshot("plain"), _snapshot("bulk")
    assert [r[2:] for r in bulk[0]] == [r[2:] for r in plain[0]]
    assert bulk[1] == plain[1]
    assert len(bulk[1]) >= 200  # municipality and county for every point

    with transaction.atomic():
        again = ingest(_rows(100) + _rows(5), batch_size=10)
    assert (again.imported, again.duplicates) == (0, 105)
    assert _indexes() == before
    # A third copy of the five is new, the first two are there.
    with transaction.atomic():
        more = ingest(_rows(100) + _rows(5) + _rows(5), batch_size=10)
    assert (more.imported, more.duplicates) == (5, 105)
    assert _indexes() == before


@sqlite_only
def test_bulk_mode_checks_stored_keys_of_a_source_it_meets_late(world, bulk_from_20):
    ingest(_rows(10, source="late", external=True))
    rows = _rows(50, external=True) + _rows(10, source="late", external=True)
    with transaction.atomic():
        report = ingest(rows, batch_size=10)
    assert report.bulk
    assert (report.imported, report.duplicates) == (50, 10)


@sqlite_only
def test_a_duplicate_that_slips_past_the_check_aborts_the_whole_import(world, monkeypatch):
    before = _indexes()
    monkeypatch.setattr(ingest_module, "BULK_MIN_ROWS", 20)
    real_fresh = ingest_module._Run.fresh

    def leaky(self, chunk):  # forgets what it has seen: the repeat below gets through
        self.seen_hashes.clear()
        self.occurrences.clear()
        return real_fresh(self, chunk)

    monkeypatch.setattr(ingest_module._Run, "fresh", leaky)
    rows = _rows(60)
    with pytest.raises(IntegrityError, match="duplicate"), transaction.atomic():
        ingest(rows + rows[:1], batch_size=10)
    assert not Incident.objects.filter(source="bulk").exists()
    assert _indexes() == before


@sqlite_only
def test_a_failure_in_bulk_mode_rolls_back_even_if_the_caller_swallows_it(world, bulk_from_20):
    before = _indexes()

    def rows():
        yield from _rows(40)
        raise RuntimeError("file broke off")

    with transaction.atomic():
        try:
            ingest(rows(), batch_size=10)
        except RuntimeError:
            pass
    assert not Incident.objects.filter(source="bulk").exists()
    assert _indexes() == before


def test_constant_values_are_stored_verbatim(world):
    cat = Category.objects.get(code="vandalism").pk
    text = "Lapp: 'öppet 100%' – %s %(x)s \\ \" ; DROP TABLE x; --"
    rows = [
        IncidentRow(
            "quotes",
            START + timedelta(hours=i),
            cat,
            external_id=f"q{i}",
            lon=15.5,
            lat=59.5,
            description=text,
            place_name=text,
            url="https://example.org/a?b=1&c=%20",
        )
        for i in range(3)
    ]
    if connection.vendor == "sqlite":  # PostgreSQL text cannot hold NUL at all
        rows.append(IncidentRow("quotes", START, cat, external_id="nul", description="a\x00b"))
    ingest(rows)
    stored = {i.external_id: i for i in Incident.objects.filter(source="quotes")}
    assert {stored[f"q{i}"].description for i in range(3)} == {text}
    assert stored["q0"].place_name == text
    assert stored["q0"].url == "https://example.org/a?b=1&c=%20"
    if connection.vendor == "sqlite":
        assert stored["nul"].description == "a\x00b"
        assert stored["nul"].lon is None and stored["nul"].h3 == ""


def test_content_hash_is_unchanged():
    # Values from the implementation before the speed-ups: a different hash would make a
    # re-import of rows without an external id store them a second time.
    rows = [
        IncidentRow(
            "s",
            datetime(2024, 3, 5, 13, 30, tzinfo=UTC),
            7,
            lon=15.5,
            lat=59.5,
            description="Klotter på gavel",
        ),
        IncidentRow(
            "s",
            datetime(2024, 3, 5, 13, 30, 12, 345, tzinfo=UTC),
            12,
            occurred_to=datetime(2024, 3, 5, 22, 0, tzinfo=UTC),
            lon=15.123456789,
            lat=59.98765432,
        ),
        IncidentRow("s", datetime(2024, 3, 5, 13, 30, tzinfo=UTC), 7),
    ]
    assert [r.content_hash() for r in rows] == [
        "f442acd077354852e4c251addfb22a3f3b56cedf",
        "d950b9d95e7a6a21e7d8613a969009b2fc958c8f",
        "aeda3c82a84e0e6e00e89e0b368d1494ca63f82b",
    ]


def test_the_garbage_collector_is_back_after_an_import(world):
    assert gc.isenabled()
    ingest(_rows(3))
    assert gc.isenabled()

    def broken():
        yield from _rows(2)
        raise RuntimeError

    with pytest.raises(RuntimeError), transaction.atomic():
        ingest(broken())
    assert gc.isenabled()


def _stored(source: str):
    return list(
        Incident.objects.filter(source=source)
        .order_by("id")
        .values_list(
            "external_id", "content_hash", "occurred_from", "description", "lon", "lat", "x", "y"
        )
    )


def test_rows_are_written_many_to_a_statement_with_values_intact(world, monkeypatch):
    # 23 rows, 7 to a statement: three full statements and a shorter last one.
    def rows(source):
        cat = Category.objects.get(code="vandalism").pk
        return [
            IncidentRow(
                source,
                START + timedelta(seconds=i, microseconds=i * 7),
                cat,
                external_id=f"m{i}" if i % 2 else "",
                lon=15.123456789012345 + i * 1e-9,  # bound, never rounded through SQL text
                lat=59.5,
                description=["", "100 % 'säkert'", "?"][i % 3],
            )
            for i in range(23)
        ]

    monkeypatch.setattr(ingest_module, "ROWS_PER_STATEMENT", 7)
    ingest(rows("small"))
    monkeypatch.setattr(ingest_module, "ROWS_PER_STATEMENT", 1000)
    ingest(rows("large"))
    small, large = _stored("small"), _stored("large")
    assert len(small) == 23
    assert small == large
    assert [r[4] for r in small] == [15.123456789012345 + i * 1e-9 for i in range(23)]
    assert IncidentArea.objects.filter(incident__source="small").count() == 46


@sqlite_only
def test_an_error_in_the_writer_thread_stops_the_import(world, bulk_from_20):
    import threading

    before = _indexes()
    rows = _rows(60)
    rows[45].category_id = None  # NOT NULL: fails inside the writer thread (bulk mode)
    with pytest.raises(IntegrityError), transaction.atomic():
        ingest(rows, batch_size=10)
    assert not Incident.objects.filter(source="bulk").exists()
    assert _indexes() == before
    assert not [t for t in threading.enumerate() if t.name == "ingest-writer"]


@pytest.mark.parametrize(
    "value",
    [
        15.5,
        15.123456,
        15.1234565,
        15.123456789,
        -0.0,
        0.1 + 0.2,
        1e-7,
        1.5e-6,
        123456789.1234567,
        2.5e16,
        59.99999999,
        float("inf"),
        None,
        7,
    ],
)
def test_rounded_coordinate_text_is_what_round_gives(value):
    expected = "" if value is None else str(round(value, 6))
    assert ingest_module._rounded(value) == expected


def test_rounded_coordinate_text_on_random_floats():
    import random

    rng = random.Random(5)
    for _ in range(20_000):
        v = rng.uniform(-180, 180)
        for value in (v, round(v, rng.randrange(0, 9))):
            assert ingest_module._rounded(value) == str(round(value, 6))


def test_precomputed_iso_times_store_what_computed_ones_store(world):
    shared = START + timedelta(minutes=3)
    cat = Category.objects.get(code="vandalism").pk

    def rows(source):
        # One datetime object shared by several rows, as a reader hands them out.
        return [
            IncidentRow(
                source, shared if i % 2 else START + timedelta(hours=i), cat, lon=15.5, lat=59.5
            )
            for i in range(6)
        ]

    plain = rows("plain")
    ingest(plain)
    pre = rows("pre")
    ingest_module.precompute_iso(pre)
    assert [r.occurred_from_iso for r in pre] == [r.occurred_from.isoformat() for r in pre]
    ingest(pre)
    assert [r[1:] for r in _stored("pre")] == [r[1:] for r in _stored("plain")]
    assert Incident.objects.filter(source="plain").count() == 6  # identical rows all kept


@sqlite_only
def test_bulk_mode_keeps_indexes_whose_keys_repeat_and_rebuilds_the_others(world, monkeypatch):
    monkeypatch.setattr(ingest_module, "BULK_MIN_ROWS", 40)
    made = []
    real = ingest_module._SecondaryIndexes.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(ingest_module._SecondaryIndexes, "__init__", spy)
    before = _indexes()
    with transaction.atomic():
        report = ingest(_rows(100), batch_size=10)
    assert report.bulk
    (indexes,) = made
    kept, rebuilt = set(indexes.kept), {name for name, _ in indexes.indexes}
    # One category, no organisation, no reporter, no duplicate_of, no external ids here.
    assert {"incident_duplicate_of", "incident_unique_external_id"} <= kept
    assert any("category_id" in k for k in kept) and any("organisation_id" in k for k in kept)
    # Keys that (almost) never repeat: rebuilt.
    assert {"incident_unique_content_hash", "incidentarea_counts"} <= rebuilt
    assert any("occurred_from" in r for r in rebuilt)
    assert not kept & rebuilt
    assert _indexes() == before


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_run_import_checks_references_itself_with_sqlite_foreign_keys_off(
    world, tmp_path, monkeypatch
):
    from samverkan.incidents.importers import base
    from samverkan.incidents.importers.base import ImportSummary, run_import
    from samverkan.incidents.models import SourceMapping
    from samverkan.incidents.taxonomy import load_default

    # Transactional tests run after the live-server ones, which flush the database, data
    # migrations included: put the default categories back.
    load_default(Category, SourceMapping)

    def foreign_keys() -> int:
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys")
            return cur.fetchone()[0]

    seen = []

    def spy(*args, **kwargs):
        seen.append(foreign_keys())
        return ingest(*args, **kwargs)

    monkeypatch.setattr(base, "ingest", spy)
    path = tmp_path / "x.csv"
    path.write_text("x")
    assert foreign_keys() == 1
    summary = run_import(_rows(30), ImportSummary(read=30), source="bulk", path=path)
    assert summary.imported == 30
    assert seen == [0]  # SQLite's per-row check was off during the import ...
    assert foreign_keys() == 1  # ... and is on again

    bad = _rows(5, source="bad")
    bad[3].category_id = 987654  # no such category
    with pytest.raises(IntegrityError, match="kategori 987654"):
        run_import(bad, ImportSummary(read=5), source="bad", path=path)
    assert not Incident.objects.filter(source="bad").exists()
    assert foreign_keys() == 1


def test_h3_cells_are_what_the_h3_library_names_them(world):
    import h3

    ingest(_rows(40, source="cells"))
    stored = Incident.objects.filter(source="cells").values_list("lat", "lon", "h3")
    assert len(stored) == 40
    for lat, lon, cell in stored:
        assert cell == h3.latlng_to_cell(lat, lon, ingest_module.H3_RESOLUTION)
