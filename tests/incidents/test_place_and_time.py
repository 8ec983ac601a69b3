"""An incident happens in the deployment's countries, between 1900 and tomorrow (issue 13).

The reporter form once stored ``lon=1e308, lat=1e308`` and blanked the coordinator's map.
One rule (samverkan.incidents.validation) serves the form, the API, the service and the
imports.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import Area
from samverkan.incidents.importers.polisen import read_rows as read_polisen
from samverkan.incidents.importers.tabular import read_rows
from samverkan.incidents.models import Category, Incident
from tests.conftest import square

OUTSIDE = [
    ("1e308", "1e308"),
    ("-1e308", "1e308"),
    ("-170", "-80"),  # a real place, just not here
    ("151.2", "-33.9"),
    ("15.5", "89.9"),
]


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def _form(cat, lon, lat, when):
    return {
        "category": cat.pk,
        "place_type": "stairwell",
        "lon": lon,
        "lat": lat,
        "occurred_from": when,
        "description": "Klotter",
    }


def _recent():
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("lon, lat", OUTSIDE)
def test_reporter_form_refuses_a_point_outside_the_deployment(world, cat, client, lon, lat):
    client.force_login(world.users["reporter"])
    response = client.post(reverse("incident-report"), _form(cat, lon, lat, _recent()))
    assert response.status_code == 200
    assert "ligger utanför Sverige" in response.content.decode()
    assert not Incident.objects.exists()


def test_reporter_form_keeps_accepting_a_point_in_the_country(world, cat, client):
    client.force_login(world.users["reporter"])
    # Inside Sweden, outside the test world's areas: the fixed country extent decides.
    response = client.post(reverse("incident-report"), _form(cat, "18.07", "59.33", _recent()))
    assert response.status_code == 302
    assert Incident.objects.count() == 1


@pytest.mark.parametrize("when", ["1899-12-31T23:00", "1850-06-01T12:00", "0001-01-01T00:00"])
def test_reporter_form_refuses_a_time_before_1900(world, cat, client, when):
    client.force_login(world.users["reporter"])
    response = client.post(reverse("incident-report"), _form(cat, "15.5", "59.5", when))
    assert response.status_code == 200
    assert "före år 1900" in response.content.decode()
    assert not Incident.objects.exists()


def _api_body(**kw):
    body = {
        "category": "vandalism",
        "occurred_from": (timezone.now() - timedelta(hours=2)).isoformat(),
        "lon": 15.5,
        "lat": 59.5,
    }
    body.update(kw)
    return body


@pytest.mark.parametrize("lon, lat", [(float(a), float(b)) for a, b in OUTSIDE[2:]])
def test_api_refuses_a_point_outside_the_deployment(world, client, lon, lat):
    client.force_login(world.users["reporter"])
    response = client.post(
        "/api/incidents/", _api_body(lon=lon, lat=lat), content_type="application/json"
    )
    assert response.status_code == 400
    assert "utanför" in response.json()["lon"][0]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("occurred_from", "1899-06-01T12:00:00+00:00", "före år 1900"),
        ("occurred_from", "0001-01-01T00:00:00+00:00", "före år 1900"),
        ("occurred_from", "FUTURE", "framtiden"),
        ("occurred_to", "FUTURE", "framtiden"),
    ],
)
def test_api_refuses_a_time_before_1900_or_beyond_tomorrow(world, client, field, value, reason):
    client.force_login(world.users["reporter"])
    if value == "FUTURE":
        value = (timezone.now() + timedelta(days=1, hours=2)).isoformat()
    response = client.post(
        "/api/incidents/", _api_body(**{field: value}), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert reason in response.json()[field][0]
    assert not Incident.objects.exists()


def test_api_accepts_a_time_within_a_day_ahead(world, client):
    # A reporter's clock or zone can be hours off; a day ahead is the limit.
    client.force_login(world.users["reporter"])
    soon = (timezone.now() + timedelta(hours=20)).isoformat()
    response = client.post(
        "/api/incidents/", _api_body(occurred_from=soon), content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_service_refuses_what_the_form_would(world, cat):
    from samverkan.incidents.ingest import IncidentRow
    from samverkan.incidents.services import report_incident

    for lon, lat, when in [
        (1e308, 1e308, datetime(2025, 3, 1, tzinfo=UTC)),
        (15.5, 59.5, datetime(1899, 1, 1, tzinfo=UTC)),
    ]:
        row = IncidentRow(
            source="rapport", occurred_from=when, category_id=cat.pk, lon=lon, lat=lat
        )
        with pytest.raises(ValueError):
            report_incident(world.users["reporter"], row)
    assert not Incident.objects.exists()


def test_tabular_import_rejects_rows_before_1900_naming_row_and_field(world, tmp_path):
    path = tmp_path / "gamla.csv"
    path.write_text(
        "tid,lon,lat,kategori\n"
        "2024-03-05T14:30:00+01:00,15.5,59.5,vandalism\n"
        "1899-03-05T14:30:00+01:00,15.5,59.5,vandalism\n"
        "1066-10-14,15.5,59.5,vandalism\n",
        encoding="utf-8",
    )
    rows, summary = read_rows(path, "csv", source="test")
    assert len(rows) == 1
    assert [(r.line, r.column) for r in summary.rejects] == [(3, "tid"), (4, "tid")]
    assert all("1900" in r.reason for r in summary.rejects)


def test_polisen_import_rejects_events_before_1900(world, tmp_path):
    Area.objects.create(
        code="1280",
        name="Malmö",
        level="municipality",
        geometry=square(12.9, 55.5, 13.1, 55.7),
        min_lon=12.9,
        max_lon=13.1,
        min_lat=55.5,
        max_lat=55.7,
    )

    def event(i, published, name):
        return {
            "id": 700000 + i,
            "datetime": published,
            "name": name,
            "summary": "Text.",
            "url": "/aktuellt/handelser/x/",
            "type": "Misshandel",
            "location": {"name": "Malmö", "gps": "55.604981,13.003822"},
        }

    path = tmp_path / "events.json"
    path.write_text(
        json.dumps(
            [
                event(1, "2024-05-01 12:00:00 +02:00", "01 maj 10.00, Misshandel, Malmö"),
                event(2, "1899-05-01 12:00:00 +01:00", "01 maj 10.00, Misshandel, Malmö"),
            ]
        ),
        encoding="utf-8",
    )
    rows, summary = read_polisen(path)
    assert [r.external_id for r in rows] == ["700001"]
    assert [(r.line, r.reason) for r in summary.rejects] == [(2, "Tiden ligger före år 1900.")]


def test_the_country_extents_are_read_once_and_again_when_areas_change(
    world, django_assert_num_queries
):
    # Every report post checks its point twice (API validation and service): the extents
    # are kept per process under the areas' key, one small query per check.
    from samverkan.incidents.validation import point_problem

    bergen = (5.32, 60.39)
    assert "utanför Sverige" in point_problem(*bergen)
    with django_assert_num_queries(1):
        assert point_problem(15.5, 59.5) is None
    with django_assert_num_queries(1):
        assert point_problem(*bergen)
    # A Norwegian county is loaded (in this process or another): Norway is now a
    # deployment country and the same point is accepted at the next check.
    Area.objects.create(
        code="46",
        name="Vestland",
        level="county",
        country="NO",
        geometry=square(4.5, 59.5, 7.5, 62.0),
        min_lon=4.5,
        max_lon=7.5,
        min_lat=59.5,
        max_lat=62.0,
    )
    assert point_problem(*bergen) is None
