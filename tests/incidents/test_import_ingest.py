"""`ingest`: rows and links stored intact, many to a statement, all or nothing, keys.

These run on both databases (SQLite: multi-row inserts and a batched duplicate check;
PostgreSQL: COPY into a staging table and one set-based insert).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from samverkan.incidents import ingest as ingest_module
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, IncidentArea

START = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


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


def test_any_batch_size_stores_what_one_batch_stores(world):
    rows = _rows(100)
    # Five rows occur twice in the file: identical rows are distinct events, all kept.
    whole = ingest(_rows(100, source="whole") + _rows(5, source="whole"))
    assert (whole.imported, whole.duplicates) == (105, 0)
    report = ingest(rows + rows[:5], batch_size=7)
    assert (report.imported, report.duplicates) == (105, 0)
    # Ids in the order of the rows, and exactly the rows stored.
    assert report.incident_ids == sorted(report.incident_ids)
    stored = Incident.objects.filter(source="bulk").order_by("id")
    assert list(stored.values_list("id", flat=True)) == report.incident_ids
    assert [i.occurred_from for i in stored] == [r.occurred_from for r in rows + rows[:5]]
    plain, batched = _snapshot("whole"), _snapshot("bulk")
    assert [r[2:] for r in batched[0]] == [r[2:] for r in plain[0]]
    assert batched[1] == plain[1]
    assert len(batched[1]) >= 200  # municipality and county for every point

    again = ingest(_rows(100) + _rows(5), batch_size=7)
    assert (again.imported, again.duplicates, again.incident_ids) == (0, 105, [])
    # A third copy of the five is new, the first two are there.
    more = ingest(_rows(100) + _rows(5) + _rows(5), batch_size=7)
    assert (more.imported, more.duplicates) == (5, 105)
    assert Incident.objects.filter(source="bulk").count() == 110


def test_stored_keys_are_found_in_every_batch(world):
    ingest(_rows(10, source="late", external=True))
    rows = _rows(50, external=True) + _rows(10, source="late", external=True)
    report = ingest(rows + _rows(3, external=True), batch_size=10)
    assert (report.imported, report.duplicates) == (50, 13)
    assert Incident.objects.filter(source="late").count() == 10
    ingest(_rows(50, source="ref", external=True))
    assert _snapshot("bulk")[1] == _snapshot("ref")[1]


def test_a_failure_leaves_nothing_even_if_the_caller_swallows_it(world):
    def rows():
        yield from _rows(40)
        raise RuntimeError("file broke off")

    with transaction.atomic():
        try:
            ingest(rows(), batch_size=10)
        except RuntimeError:
            pass
        # The caller's transaction goes on and can still be committed.
        assert ingest(_rows(2, source="after")).imported == 2
    assert not Incident.objects.filter(source="bulk").exists()
    assert not IncidentArea.objects.filter(incident__source="bulk").exists()
    assert Incident.objects.filter(source="after").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reference_that_is_gone_aborts_the_whole_import(world, tmp_path):
    from samverkan.incidents.importers.base import ImportSummary, run_import
    from samverkan.incidents.models import ImportRun, SourceMapping
    from samverkan.incidents.taxonomy import load_default

    # Transactional tests run after the live-server ones, which flush the database, data
    # migrations included: put the default categories back.
    load_default(Category, SourceMapping)
    path = tmp_path / "x.csv"
    path.write_text("x")
    bad = _rows(25, source="bad")
    bad[23].category_id = 987654  # no such category
    with pytest.raises(IntegrityError):
        run_import(bad, ImportSummary(read=25), source="bad", path=path)
    assert not Incident.objects.filter(source="bad").exists()
    assert not ImportRun.objects.exists()
    summary = run_import(_rows(25, source="good"), ImportSummary(read=25), source="g", path=path)
    assert summary.imported == 25


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

    monkeypatch.setattr(ingest_module, "ROWS_PER_STATEMENT", 7)  # SQLite's statements
    ingest(rows("small"), batch_size=5)
    monkeypatch.setattr(ingest_module, "ROWS_PER_STATEMENT", 1000)
    ingest(rows("large"))
    small, large = _stored("small"), _stored("large")
    assert len(small) == 23
    assert small == large
    assert [r[4] for r in small] == [15.123456789012345 + i * 1e-9 for i in range(23)]
    assert IncidentArea.objects.filter(incident__source="small").count() == 46


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


def test_h3_cells_are_what_the_h3_library_names_them(world):
    import h3

    ingest(_rows(40, source="cells"))
    stored = Incident.objects.filter(source="cells").values_list("lat", "lon", "h3")
    assert len(stored) == 40
    for lat, lon, cell in stored:
        assert cell == h3.latlng_to_cell(lat, lon, ingest_module.H3_RESOLUTION)


def test_each_row_is_keyed_by_its_own_time_text(world):
    from datetime import timezone

    cat = Category.objects.get(code="vandalism").pk
    # The same instant written in two zones: equal datetimes, different ISO texts, so
    # different content hashes (as a re-import computes them, whatever the row order).
    cet = datetime(2024, 3, 5, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    utc = datetime(2024, 3, 5, 11, 0, tzinfo=UTC)
    assert cet == utc and cet.isoformat() != utc.isoformat()
    rows = [IncidentRow("zones", t, cat, lon=15.5, lat=59.5) for t in (cet, utc)]
    report = ingest(rows)
    assert report.imported == 2
    stored = set(Incident.objects.filter(source="zones").values_list("content_hash", flat=True))
    assert stored == {r.content_hash() for r in rows}
    assert (ingest(rows).imported, ingest(reversed(rows)).imported) == (0, 0)
