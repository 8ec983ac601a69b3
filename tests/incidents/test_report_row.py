"""One function builds the incident row of a report: the form and the API store the same.

The two paths once disagreed on an area's precision (the API called a municipality a
district) and on the place name (the form used the area's name, the API left it empty).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import Area
from samverkan.incidents.models import Category, Incident, Precision
from tests.conftest import square

FIELDS = (
    "source",
    "category_id",
    "occurred_from",
    "occurred_to",
    "description",
    "lon",
    "lat",
    "precision",
    "place_name",
    "place_type",
    "perceived_insecurity",
    "visibility",
    "organisation_id",
    "reporter_id",
    "status",
)


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


@pytest.fixture
def district(world):
    geom = square(15.0, 59.0, 15.5, 59.5)
    return Area.objects.create(
        code="990101",
        name="Norrby centrum",
        level="district",
        geometry=geom,
        parent=world.m1,
        min_lon=15.0,
        max_lon=15.5,
        min_lat=59.0,
        max_lat=59.5,
    )


def stored(incident: Incident) -> dict:
    row = {f: getattr(incident, f) for f in FIELDS}
    row["areas"] = set(incident.areas.values_list("code", flat=True))
    return row


def via_form(client, cat, when: datetime, place: dict) -> dict:
    form = {
        "category": cat.pk,
        "place_type": "park",
        "occurred_from": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        "description": "Krossad ruta",
        "perceived_insecurity": "3",
    }
    if "area" in place:
        form["area"] = place["area"].pk
    else:
        form.update(lon=str(place["lon"]), lat=str(place["lat"]))
    response = client.post(reverse("incident-report"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    row = stored(incident)
    incident.delete()
    return row


def via_api(client, cat, when: datetime, place: dict) -> dict:
    body = {
        "category": cat.code,
        "place_type": "park",
        "occurred_from": timezone.localtime(when).isoformat(),
        "description": "Krossad ruta",
        "perceived_insecurity": 3,
    }
    if "area" in place:
        body["area"] = place["area"].code
    else:
        body.update(lon=place["lon"], lat=place["lat"])
    response = client.post("/api/incidents/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    row = stored(incident)
    incident.delete()
    return row


@pytest.mark.parametrize(
    ("place", "precision"),
    [
        ("point", Precision.POINT),
        ("municipality", Precision.MUNICIPALITY),
        ("district", Precision.DISTRICT),
    ],
)
def test_form_and_api_store_the_same_row(world, cat, district, client, place, precision):
    where = {
        "point": {"lon": 15.25, "lat": 59.25},
        "municipality": {"area": world.m1},
        "district": {"area": district},
    }[place]
    when = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    client.force_login(world.users["reporter"])
    from_form = via_form(client, cat, when, where)
    from_api = via_api(client, cat, when, where)
    assert from_form == from_api
    assert from_form["precision"] == precision
    if place != "point":
        assert from_form["place_name"] == where["area"].name
        assert from_form["lon"] is None and from_form["lat"] is None


def test_precision_follows_the_areas_level():
    from samverkan.incidents.reports import area_precision

    def level(name):
        return SimpleNamespace(level=name)

    assert area_precision(level("district")) == Precision.DISTRICT
    assert area_precision(level("deso")) == Precision.DISTRICT
    assert area_precision(level("vulnerable_area")) == Precision.DISTRICT
    assert area_precision(level("municipality")) == Precision.MUNICIPALITY
    assert area_precision(level("local_police_area")) == Precision.MUNICIPALITY
    assert area_precision(level("county")) == Precision.COUNTY
