"""Incidents without a place name are named by the most local shared area they lie in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from samverkan.core.models import Area
from samverkan.incidents.places import name_unplaced
from tests.conftest import square
from tests.incidents.test_triage import cat, make  # noqa: F401 (fixture)
from tests.plans.districts import make_area


@pytest.fixture
def districts(world):
    west = make_area("990101", "Västra Norrby", "district", square(15, 59, 15.5, 60), world.m1)
    # A partnership's own area: its name is for its members, never shown as a place.
    own = make_area("own-1", "Hemliga hörnet", "custom", square(15.4, 59.4, 15.6, 59.6), west)
    Area.objects.filter(pk=own.pk).update(owner_partnership=world.p1)
    return west, own


def test_the_district_names_an_incident_without_a_place(world, cat, districts):  # noqa: F811
    in_district = make(world, cat, external_id="a", lon=15.45, lat=59.5, place_name="")
    in_municipality = make(world, cat, external_id="b", lon=15.8, lat=59.5, place_name="")
    named = make(world, cat, external_id="c", lon=15.45, lat=59.5, place_name="Torget")
    name_unplaced([in_district, in_municipality, named])
    assert in_district.area_place == "Västra Norrby"
    assert in_municipality.area_place == "Norrby"
    assert not hasattr(named, "area_place")


def test_an_incident_outside_every_area_stays_without(world, cat):  # noqa: F811
    far = make(world, cat, external_id="far", lon=20.0, lat=65.0, place_name="")
    name_unplaced([far])
    assert far.area_place == ""


def test_pages_show_the_area_never_an_own_area(world, cat, districts, client_for):  # noqa: F811
    incident = make(world, cat, external_id="a", lon=15.45, lat=59.5, place_name="")
    for user, url in (
        ("coordinator", reverse("incident-triage")),
        ("coordinator", reverse("incident-detail", args=[incident.pk])),
        ("reporter", reverse("incident-mine")),
    ):
        page = client_for(world.users[user]).get(url).content.decode()
        shown = re.findall(r'<span class="area-place"[^>]*>([^<]*)</span>', page)
        assert shown == ["i Västra Norrby"], (user, url, shown)
