"""The incidents and areas API read their query parameters through FilterSets: a value
that cannot be used is a 400 naming the parameter, never a 500 or an ignored filter."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def incidents(world):
    """Three incidents in Norrby: a child category of vandalism, vandalism, a burglary."""
    parent = Category.objects.get(code="vandalism")
    child = Category.objects.filter(parent=parent).first()
    other = Category.objects.exclude(pk=parent.pk).exclude(parent=parent).first()
    rows = [
        IncidentRow("rapport", datetime(2025, 3, 1, 12, tzinfo=STHLM), child.pk, external_id="a"),
        IncidentRow("rapport", datetime(2025, 3, 9, 12, tzinfo=STHLM), parent.pk, external_id="b"),
        IncidentRow("polisen", datetime(2025, 4, 2, 12, tzinfo=STHLM), other.pk, external_id="c"),
    ]
    for row in rows:
        row.lon, row.lat = 15.5, 59.5
    ingest(rows)
    return {"parent": parent, "child": child, "other": other}


def _ids(client, **params):
    body = client.get("/api/incidents/", params)
    assert body.status_code == 200, body.content
    return sorted(r["external_id"] for r in body.json()["results"])


def test_incident_filters(world, incidents, client):
    client.force_login(world.users["coordinator"])
    assert _ids(client) == ["a", "b", "c"]
    assert _ids(client, category="vandalism") == ["a", "b"]
    assert _ids(client, category=incidents["child"].code) == ["a"]
    assert _ids(client, category="finns-inte") == []
    assert _ids(client, source="polisen") == ["c"]
    assert _ids(client, area=world.m1.code) == ["a", "b", "c"]
    assert _ids(client, area=world.county.code) == ["a", "b", "c"]
    assert _ids(client, area=world.m2.code) == []
    assert _ids(client, **{"from": "2025-03-05"}) == ["b", "c"]
    assert _ids(client, to="2025-03-05") == ["a"]
    assert _ids(client, **{"from": "2025-03-09T12:00+01:00", "to": "2025-04-01"}) == ["b"]


@pytest.mark.parametrize(
    "params",
    [{"from": "igår"}, {"to": "2025-13-01"}, {"from": "x", "to": "y"}, {"area": "9" * 200}],
)
def test_bad_incident_filters_are_400_naming_them(world, client, params):
    client.force_login(world.users["coordinator"])
    response = client.get("/api/incidents/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_area_filters(world, client):
    client.force_login(world.users["coordinator"])
    codes = [a["code"] for a in client.get("/api/areas/", {"code": "9902"}).json()["results"]]
    assert codes == ["9902"]
    levels = {a["level"] for a in client.get("/api/areas/", {"level": "county"}).json()["results"]}
    assert levels == {"county"}
