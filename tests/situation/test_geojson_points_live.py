"""What docs/situation.md says of the GeoJSON download of an approved internal picture:
its counts repeat the frozen figures, its point incidents are read when the file is made."""

from __future__ import annotations

import json

from samverkan.core import periods
from samverkan.incidents.models import Incident
from samverkan.situation import services
from tests.situation.conftest import local


def _download(client, report):
    response = client.get(f"/lagesbild/{report.pk}/hamta/", {"format": "geojson"})
    assert response.status_code == 200
    features = json.loads(response.content)["features"]
    area = next(f for f in features if f["properties"]["kind"] == "area")
    points = sorted(
        f["properties"]["id"] for f in features if f["properties"]["kind"] == "incident"
    )
    return area["properties"]["count"], points


def test_points_follow_the_incident_table_while_counts_stay_frozen(world, make, client):
    first = make("vandalism", local(2025, 3, 3, 12), n=2)
    coordinator = world.users["coordinator"]
    report = services.create_report(world.m1, periods.parse("2025-03"), world.p1, coordinator)
    report = services.approve(report, coordinator)
    client.force_login(coordinator)
    assert _download(client, report) == (2, sorted(first))

    later = make("vandalism", local(2025, 3, 20, 12))
    Incident.objects.filter(pk=first[0]).delete()
    count, points = _download(client, report)
    assert count == 2  # the approved figure
    assert points == sorted([first[1], *later])  # the incident table as it is now
