"""The incident list and map read public-source incidents through the area links of the
user's partnerships, not with one correlated look-up per incident in the country.

With the police feed a database holds public events from all of Sweden, of which a
partnership sees the few inside its areas. The scope asked, for every public-source
incident, whether one of its area links was in the partnership's areas: the list's page
and its count each went through all of them (0.45 s each for 48,000 events on SQLite,
issue 15, item 8). Read from the links of the partnership's areas instead, the work
follows what the user may see.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category

LIST = reverse("incident-triage")
MAP = reverse("incident-geojson")


@pytest.fixture
def police(world):
    cat = Category.objects.get(code="vandalism")

    def event(i, lon):
        return IncidentRow(
            source="polisen",
            occurred_from=datetime(2025, 3, 1 + i % 28, 12, tzinfo=UTC),
            category_id=cat.pk,
            external_id=f"p{i}-{lon}",
            lon=lon,
            lat=59.5,
            visibility="public",
            description=f"händelse {i}",
        )

    # Three events inside the partnership's municipality (Norrby), 30 in the next one.
    ingest([event(i, 15.5) for i in range(3)] + [event(i, 16.5) for i in range(30)])


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries if "incidents_incident" in q["sql"]]


def _plan(sql: str) -> str:
    # The captured SQL has its parameters inlined by the driver's quoting; good for EXPLAIN.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("url", [LIST, MAP])
def test_public_events_are_read_through_the_area_links(world, police, client, url):
    client.force_login(world.users["coordinator"])
    _response, sql = _queries(client, url)
    scoped = [s for s in sql if '"visibility"' in s or "organisation_id" in s]
    assert scoped
    for s in scoped:
        assert "EXISTS" not in s.upper(), s
        plan = _plan(s)
        # SQLite: no subquery run once per incident; PostgreSQL: no SubPlan per row.
        assert "CORRELATED" not in plan, plan
        assert all(re.findall(r"\((hashed )?SubPlan \d+\)", plan)), plan


def test_the_list_shows_what_the_partnership_sees(world, police, client):
    client.force_login(world.users["coordinator"])
    page = client.get(LIST)
    assert page.context["paginator"].count == 3
    names = {f["geometry"]["coordinates"][0] for f in client.get(MAP).json()["features"]}
    assert names == {15.5}
    # The neighbours' partnership sees the other 30, not these three.
    client.force_login(world.users["other_coordinator"])
    assert client.get(LIST).context["paginator"].count == 30
