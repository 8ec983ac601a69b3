"""Repeat places in the lägesbild: reports as people make them, and the click-through.

Reports of one stairwell tapped on a phone map land tens of metres apart and their place
names are typed by hand; the internal lägesbild must still see one place, and its count
must lead to exactly the incidents behind it, within what the user may see.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from samverkan.core import periods
from samverkan.situation import services
from samverkan.situation.build import build_for_period
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")
# 0.0005 degrees of longitude at 59.5° N is about 28 m.
STEP = 0.0005


@pytest.fixture
def stairwell(world, make):
    """Three reports of one address, 28 m apart and typed three ways, and a lone report."""
    ids = []
    for i, name in enumerate(["Vivallagatan 12", "vivallagatan 12 ", "Vivallag. 12"]):
        ids += make(
            "vandalism",
            local(2025, 3, 3 + i, 21),
            lon=15.5 + STEP * i,
            organisation_id=world.kommun.pk,
            place_name=name,
        )
    lone = make(
        "vandalism",
        local(2025, 3, 20, 12),
        lon=15.7,
        organisation_id=world.kommun.pk,
        place_name="Torget",
    )
    return sorted(ids), lone


def _link(page: str) -> str:
    found = re.findall(r'href="([^"]*)" class="repeat-place-incidents"', page)
    assert len(found) == 1, found
    return unescape(found[0])


def _listed(client, url) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return sorted(i.pk for i in response.context["object_list"])


def test_lagesbild_joins_the_reports_of_one_place(world, stairwell):
    ids, _lone = stairwell
    f = build_for_period(world.m1, MARCH, partnership=world.p1)
    assert len(f["repeat_places"]) == 1
    place = f["repeat_places"][0]
    assert place["count"] == 3 and place["incident_ids"] == ids
    assert place["categories"][0]["count"] == 3
    # Shared and public pictures never list places or the incidents behind them.
    for audience in ("shared", "public"):
        shared = build_for_period(world.m1, MARCH, partnership=world.p1, audience=audience)
        assert shared["repeat_places"] == []


def test_radius_setting_decides_what_is_one_place(world, make, settings):
    for i in range(3):
        make("vandalism", local(2025, 3, 3 + i, 21), lon=15.5 + STEP * i, place_name="")
    settings.REPEAT_PLACE_RADIUS_M = 25
    assert build_for_period(world.m1, MARCH, partnership=world.p1)["repeat_places"] == []
    settings.REPEAT_PLACE_RADIUS_M = 40
    (place,) = build_for_period(world.m1, MARCH, partnership=world.p1)["repeat_places"]
    assert place["count"] == 3


def test_page_links_each_repeat_place_to_its_incidents(world, stairwell, client_for):
    ids, lone = stairwell
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    url = _link(page)
    assert url.startswith(reverse("incident-triage") + "?ids=")
    listed = client.get(url)
    assert sorted(i.pk for i in listed.context["object_list"]) == ids
    assert lone[0] not in [i.pk for i in listed.context["object_list"]]
    assert 'id="listed-ids"' in listed.content.decode()
    # The map and the exports of that list follow the same filter.
    geo = client.get(listed.context["geojson_url"]).json()
    assert len(geo["features"]) == len(ids)


def test_filtered_list_shows_only_what_the_user_may_see(world, stairwell, make, client_for):
    ids, _lone = stairwell
    private = make(
        "vandalism",
        local(2025, 3, 4, 21),
        organisation_id=world.bostad.pk,
        visibility="organisation",
        place_name="Vivallagatan 12",
    )
    foreign = make("vandalism", local(2025, 3, 4, 21), lon=16.5, organisation_id=world.other.pk)
    url = f"{reverse('incident-triage')}?ids={','.join(map(str, ids + private + foreign))}"
    assert _listed(client_for(world.users["coordinator"]), url) == ids
    assert _listed(client_for(world.users["other_coordinator"]), url) == foreign
    # Garbage in the list is ignored, and an empty list lists nothing.
    coordinator = client_for(world.users["coordinator"])
    junk = f"{reverse('incident-triage')}?ids={ids[0]},x,-3,{'9' * 30},%C2%B2"
    assert _listed(coordinator, junk) == ids[:1]
    assert _listed(coordinator, f"{reverse('incident-triage')}?ids=") == []


def test_no_link_for_those_who_may_not_list_incidents(world, stairwell, client_for):
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    steering = client_for(world.users["steering"])
    page = steering.get(reverse("situation-detail", args=[report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vivallagatan 12" in text and "repeat-place-incidents" not in text
    assert steering.get(f"{reverse('incident-triage')}?ids=1").status_code == 403
