"""The incident list and map read the user's scope without sorting it for a DISTINCT.

A ``DISTINCT`` over incidents carries the model's ordering into the select list, so the
database sorts the whole scope (every incident the user may see) on each page view: under
load this was the slowest query of the list and the map (issue 15, item 8).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category


@pytest.fixture
def incidents(world):
    cat = Category.objects.get(code="vandalism")
    rows = [
        IncidentRow(
            source=source,
            occurred_from=datetime(2025, 3, 5, 12, i, tzinfo=UTC),
            category_id=cat.pk,
            lon=15.5,
            lat=59.5,
            organisation_id=world.kommun.pk,
            description=f"händelse {i}",
        )
        for i, source in enumerate(["rapport", "rapport", "import-a", "import-b"])
    ]
    # Another municipality's own import: its source is not offered to this one.
    rows.append(
        IncidentRow(
            source="import-c",
            occurred_from=datetime(2025, 3, 6, 12, tzinfo=UTC),
            category_id=cat.pk,
            lon=16.5,
            lat=59.5,
            organisation_id=world.other.pk,
            visibility="organisation",
        )
    )
    ingest(rows)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize(
    "url",
    [
        reverse("incident-triage"),
        reverse("incident-geojson"),
        reverse("incident-triage") + "?source=import-a",
        reverse("incident-geojson") + "?source=import-a",
    ],
)
def test_no_distinct_over_the_scope(world, incidents, client, url):
    client.force_login(world.users["coordinator"])
    _response, sql = _queries(client, url)
    assert not [s for s in sql if "DISTINCT" in s.upper()]
    if "geojson" in url:
        # The map shows no form: the sources are not listed at all.
        assert not [s for s in sql if "RECURSIVE" in s.upper()]


def test_filters_still_offer_and_apply_the_sources(world, incidents, client):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("incident-triage"))
    choices = [c[0] for c in page.context["filter_form"].fields["source"].choices]
    assert choices == ["", "import-a", "import-b", "rapport"]
    assert page.context["paginator"].count == 4
    filtered = client.get(reverse("incident-triage") + "?source=import-a")
    assert filtered.context["paginator"].count == 1
    features = client.get(reverse("incident-geojson") + "?source=rapport").json()["features"]
    assert len(features) == 2
    # A source the user cannot see is refused by the form, as before: the filter is ignored.
    features = client.get(reverse("incident-geojson") + "?source=okänd").json()["features"]
    assert len(features) == 4


def test_the_map_reads_its_points_by_the_point_index(world, incidents, client):
    """Police events (placed by area) are most of the table and never drawn: the map reads
    the precisely placed incidents through their partial index, newest first, instead of
    scanning every incident (issue 15, item 8)."""
    client.force_login(world.users["coordinator"])
    _response, sql = _queries(client, reverse("incident-geojson"))
    (points,) = [s for s in sql if '"incidents_incident"."lon"' in s and "LIMIT" in s]
    if connection.vendor == "postgresql":
        # On a few test rows the plain time index costs the same as the partial one and the
        # planner takes either (it took the plain one once in a full run). Without it, in
        # this test's transaction only, the plan shows the map's filter can use the
        # partial index: its precisions imply the index's condition.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'incidents_incident' "
                "AND indexdef LIKE '%%(occurred_from)' AND indexdef NOT LIKE '%%WHERE%%'"
            )
            plain = [name for (name,) in cursor.fetchall()]
            assert plain, "the plain index of occurred_from is missing"
            for name in plain:
                cursor.execute(f'DROP INDEX "{name}"')
        plan = _plan_without_scans(points)
        assert "incident_point_time" in plan, plan
    else:
        # SQLite uses a partial index only for literal terms: the index exists, the
        # map's filter names the same precisions.
        definition = _sqlite_index("incident_point_time")
        assert "'point', 'address'" in definition, definition
        assert "IN ('point', 'address')" in points or "IN (%s, %s)" in points, points


def _plan_without_scans(sql: str) -> str:
    # A few test rows would be read by a scan whatever the indexes: without scans the
    # planner shows which index the query can use.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return " ".join(row[0] for row in cursor.fetchall())


def _sqlite_index(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        (definition,) = cursor.fetchone()
    return definition


def test_the_public_part_of_the_scope_reads_the_public_links_index(world, incidents, client):
    """The police events a partnership sees are found from the area links of public-source
    incidents. PostgreSQL misjudged that set (area and organisation are correlated) and
    scanned every link, three times per list view; the partial index on the public links
    answers it alone (issue 15, item 8)."""
    client.force_login(world.users["coordinator"])
    _response, sql = _queries(client, reverse("incident-triage"))
    (count,) = [s for s in sql if s.startswith("SELECT COUNT(*)")]
    assert '"incidents_incidentarea"' in count and "IS NULL" in count, count
    if connection.vendor == "postgresql":
        plan = _plan_without_scans(count)
        assert "incidentarea_public" in plan, plan
    else:
        definition = _sqlite_index("incidentarea_public")
        assert '"organisation_id" IS NULL' in definition, definition
