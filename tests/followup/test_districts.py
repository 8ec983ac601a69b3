"""Follow-up per district and own area: indicators, effect goals and evaluations for
areas of any level, limited memberships, and the evaluation's three areas on a map.

Norrby is split into Västra and Östra Norrby (districts), with the own area Skolgården
inside Västra (tests/plans/districts.py).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from samverkan.followup import services
from samverkan.followup.models import Design, Evaluation, Indicator
from tests.conftest import square
from tests.followup.conftest import STOCKHOLM
from tests.plans.districts import add_districts, make_area


@pytest.fixture
def dw(world):
    return add_districts(world)


@pytest.fixture
def at(dw):
    """``at(lon, lat, [local datetimes])``: vandalism reported by Norrby kommun there."""
    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category

    counter = iter(range(1, 1_000_000))
    cat = Category.objects.get(code="vandalism").pk

    def add(lon, lat, moments):
        rows = [
            IncidentRow(
                "rapport",
                m.replace(tzinfo=STOCKHOLM),
                cat,
                external_id=f"d{next(counter)}",
                lon=lon,
                lat=lat,
                organisation_id=dw.kommun.pk,
            )
            for m in moments
        ]
        return ingest(rows).incident_ids

    return add


def _options(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_indicator_for_a_district_counts_only_the_district(dw, at, client_for):
    at(15.25, 59.5, [datetime(2025, 3, 10, 12)] * 4)  # Västra Norrby
    at(15.15, 59.15, [datetime(2025, 3, 11, 12)] * 2)  # Skolgården, inside Västra
    at(15.75, 59.5, [datetime(2025, 3, 12, 12)] * 7)  # Östra Norrby
    client = client_for(dw.users["coordinator"])
    page = client.get(reverse("followup-indicator-create", args=[dw.p1.pk])).content.decode()
    offered = _options(page, "area")
    for name in ("Norrby", "Västra Norrby", "Östra Norrby", "Skolgården"):
        assert f">{name} (" in offered
    assert "Söderby" not in offered
    response = client.post(
        reverse("followup-indicator-create", args=[dw.p1.pk]),
        {
            "name": "Skadegörelse i väster",
            "kind": "incidents",
            "value_type": "count",
            "area": dw.west.pk,
        },
    )
    assert response.status_code == 302
    west = Indicator.objects.get(name="Skadegörelse i väster")
    assert west.area == dw.west
    assert west.values.get(period_start=date(2025, 3, 1)).value == 6
    yard = services.create_indicator(
        dw.p1, dw.users["coordinator"], name="Skolgården", area=dw.yard
    )
    assert yard.values.get(period_start=date(2025, 3, 1)).value == 2
    # An effect goal per district, on the district's indicator.
    response = client.post(
        reverse("followup-goal-create", args=[west.pk]),
        {
            "title": "Färre skadegörelser i väster",
            "baseline_label": "2025-03",
            "direction": "decrease",
            "target_value": 3,
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    goal = west.goals.get()
    assert goal.baseline_value == 6
    page = client.get(reverse("followup-partnership", args=[dw.p1.pk])).content.decode()
    assert "Västra Norrby" in page and "Färre skadegörelser i väster" in page


def test_limited_membership_reaches_only_its_district(dw, client_for):
    coord = dw.users["coordinator"]
    west = services.create_indicator(dw.p1, coord, name="Väster", area=dw.west)
    east = services.create_indicator(dw.p1, coord, name="Öster", area=dw.east)
    whole = services.create_indicator(dw.p1, coord, name="Hela Norrby", area=dw.m1)
    report = services.generate_tertial_report(dw.p1, "2025-T1", coord)
    client = client_for(dw.users["district_coordinator"])
    page = client.get(reverse("followup-partnership", args=[dw.p1.pk])).content.decode()
    assert "Väster" in page and "Öster" not in page and "Hela Norrby" not in page
    assert client.get(reverse("followup-indicator", args=[west.pk])).status_code == 200
    assert client.get(reverse("followup-goal-create", args=[west.pk])).status_code == 200
    for pk in (east.pk, whole.pk):
        assert client.get(reverse("followup-indicator", args=[pk])).status_code == 404
    # The tertial report and statistics imports span the whole partnership.
    assert client.get(reverse("followup-tertial", args=[report.pk])).status_code == 404
    assert client.get(reverse("followup-import", args=[dw.p1.pk])).status_code == 403
    page = client.get(reverse("followup-indicator-create", args=[dw.p1.pk])).content.decode()
    offered = _options(page, "area")
    assert ">Västra Norrby (" in offered and ">Skolgården (" in offered
    assert ">Östra Norrby (" not in offered and ">Norrby (" not in offered
    response = client.post(
        reverse("followup-indicator-create", args=[dw.p1.pk]),
        {"name": "Smyger", "kind": "incidents", "value_type": "count", "area": dw.east.pk},
    )
    assert response.status_code == 200 and not Indicator.objects.filter(name="Smyger").exists()


def test_other_partnership_is_refused_district_follow_up(dw, client_for):
    west = services.create_indicator(dw.p1, dw.users["coordinator"], name="Väster", area=dw.west)
    client = client_for(dw.users["other_coordinator"])
    assert client.get(reverse("followup-indicator", args=[west.pk])).status_code == 404
    assert client.get(reverse("followup-indicator-create", args=[dw.p1.pk])).status_code == 404
    # Their own indicator form offers none of Norrby's districts.
    page = client.get(reverse("followup-indicator-create", args=[dw.p2.pk])).content.decode()
    assert "Norrby" not in _options(page, "area")


@pytest.fixture
def measure(dw):
    from samverkan.plans.models import ActionPlan, Measure

    plan = ActionPlan.objects.create(
        partnership=dw.p1, area=dw.m1, title="Plan", start_year=2025, end_year=2025
    )
    return Measure.objects.create(
        plan=plan,
        title="Belysning på skolgården",
        area=dw.yard,
        target_side="place",
        owner=dw.kommun,
        start=date(2025, 4, 1),
        end=date(2025, 6, 30),
    )


def _evaluation_data(dw, **areas):
    data = {
        "title": "Belysningen",
        "design": Design.BUFFER,
        "before_start": "2025-01-01",
        "before_end": "2025-03-31",
        "after_start": "2025-04-01",
        "after_end": "2025-06-30",
    }
    data.update({k: v.pk if v is not None else "" for k, v in areas.items()})
    return data


def test_evaluation_areas_must_differ_and_buffer_not_overlap_comparison(dw, measure, client_for):
    border = make_area("egen-2", "Gränsstråket", "custom", square(15.4, 59.4, 15.6, 59.6), dw.m1)
    client = client_for(dw.users["coordinator"])
    url = reverse("followup-evaluation-create", args=[measure.pk])
    page = client.get(url).content.decode()
    assert f'value="{dw.yard.pk}" selected' in _options(page, "treated_area")
    for field in ("treated_area", "comparison_area", "buffer_area"):
        for name in ("Västra Norrby", "Östra Norrby", "Skolgården", "Gränsstråket"):
            assert f">{name} (" in _options(page, field)
    cases = [
        (
            {"treated_area": dw.yard, "comparison_area": dw.yard, "buffer_area": dw.west},
            "Jämförelseområdet måste vara ett annat än insatsområdet.",
        ),
        (
            {"treated_area": dw.yard, "comparison_area": dw.east, "buffer_area": dw.east},
            "Buffertzonen måste vara en annan än jämförelseområdet.",
        ),
        (
            {"treated_area": dw.yard, "comparison_area": dw.east, "buffer_area": dw.yard},
            "Buffertzonen måste vara en annan än insatsområdet.",
        ),
        # Gränsstråket straddles the border of Västra and Östra Norrby.
        (
            {"treated_area": dw.yard, "comparison_area": dw.east, "buffer_area": border},
            "Buffertzonen Gränsstråket överlappar jämförelseområdet Östra Norrby.",
        ),
        # Norrby holds Östra Norrby: nested areas share ground even without geometry.
        (
            {"treated_area": dw.yard, "comparison_area": dw.east, "buffer_area": dw.m1},
            "Buffertzonen Norrby överlappar jämförelseområdet Östra Norrby.",
        ),
    ]
    for areas, message in cases:
        response = client.post(url, _evaluation_data(dw, **areas))
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not Evaluation.objects.exists()
    # Västra Norrby and Östra Norrby only share a border line: no overlap.
    response = client.post(
        url,
        _evaluation_data(dw, treated_area=dw.yard, comparison_area=dw.east, buffer_area=dw.west),
    )
    assert response.status_code == 302


def test_service_refuses_overlapping_buffer(dw, measure):
    ev = Evaluation(
        measure=measure,
        title="x",
        design=Design.BUFFER,
        treated_area=dw.yard,
        comparison_area=dw.east,
        buffer_area=dw.m1,
        before_start=date(2025, 1, 1),
        before_end=date(2025, 3, 31),
        after_start=date(2025, 4, 1),
        after_end=date(2025, 6, 30),
    )
    with pytest.raises(ValueError, match="överlappar jämförelseområdet"):
        services.save_evaluation(ev, dw.users["coordinator"])
    assert not Evaluation.objects.exists()


def test_evaluation_page_maps_the_three_areas(dw, measure, at, client_for):
    at(15.15, 59.15, [datetime(2025, 2, 10, 12)] * 5 + [datetime(2025, 5, 10, 12)] * 2)
    at(15.75, 59.5, [datetime(2025, 2, 10, 12)] * 4 + [datetime(2025, 5, 10, 12)] * 4)
    at(15.3, 59.7, [datetime(2025, 2, 10, 12)] * 1 + [datetime(2025, 5, 10, 12)] * 3)
    client = client_for(dw.users["coordinator"])
    response = client.post(
        reverse("followup-evaluation-create", args=[measure.pk]),
        _evaluation_data(dw, treated_area=dw.yard, comparison_area=dw.east, buffer_area=dw.west),
    )
    ev = Evaluation.objects.get()
    # Counts come from each area, whatever its level; the buffer (Västra) holds the yard.
    assert ev.counts == {
        "treated_before": 5,
        "treated_after": 2,
        "comparison_before": 4,
        "comparison_after": 4,
        "buffer_before": 6,
        "buffer_after": 5,
    }
    html = client.get(response.url).content.decode()
    found = re.search(r'<script id="evaluation-areas" type="application/json">(.*?)</script>', html)
    data = json.loads(found.group(1))
    names = [f["properties"]["name"] for f in data["features"]]
    assert names == [
        "Insatsområde: Skolgården",
        "Jämförelseområde: Östra Norrby",
        "Buffertzon: Västra Norrby",
    ]
    assert data["features"][1]["geometry"] == dw.east.geometry
    assert 'data-geojson-script="evaluation-areas"' in html
    assert "followup/evaluation_map.js" in html and "<script>" not in html
    # Under them, the outlines of the municipality's areas for orientation, without the
    # three the map draws itself.
    assert f'data-areas="{reverse("area-geojson")}?parent={dw.m1.pk}"' in html
    assert f'data-areas-skip="{dw.yard.pk},{dw.east.pk},{dw.west.pk}"' in html


def test_own_areas_offered_are_the_partnerships_and_drawing_returns_here(dw, measure, client_for):
    from samverkan.core.models import Partnership

    # Another partnership working in the same municipality has drawn its own area there.
    neighbours = Partnership.objects.create(name="Samverkan Norrby torg")
    neighbours.organisations.set([dw.other])
    neighbours.areas.set([dw.m1])
    theirs = make_area("egen-3", "Deras torg", "custom", square(15.3, 59.3, 15.4, 59.4), dw.m1)
    mine = make_area("egen-4", "Vårt torg", "custom", square(15.6, 59.6, 15.7, 59.7), dw.m1)
    theirs.owner_partnership, mine.owner_partnership = neighbours, dw.p1
    theirs.save()
    mine.save()
    client = client_for(dw.users["coordinator"])
    url = reverse("followup-evaluation-create", args=[measure.pk])
    page = client.get(url).content.decode()
    for field in ("treated_area", "comparison_area", "buffer_area"):
        assert ">Vårt torg (" in _options(page, field)
    assert "Deras torg" not in page
    assert f'href="{reverse("own-area-create")}?next={url}"' in page
    # A system administrator may evaluate but draws no own area (the drawing page refuses
    # everyone but a partnership's coordinators), so the page does not offer it.
    admin_page = client_for(dw.users["sysadmin"]).get(url).content.decode()
    assert "Utvärdera åtgärd" in admin_page and reverse("own-area-create") not in admin_page
    data = _evaluation_data(dw, treated_area=theirs, comparison_area=dw.east, buffer_area=None)
    data["design"] = Design.COMPARISON
    response = client.post(url, data)
    assert response.status_code == 200 and not Evaluation.objects.exists()
    data["treated_area"] = mine.pk
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("followup-indicator-create", args=[dw.p1.pk])).content.decode()
    assert ">Vårt torg (" in _options(page, "area") and "Deras torg" not in page


def test_follow_up_page_filters_by_area_with_the_areas_below(dw, measure, client_for):
    coord = dw.users["coordinator"]
    services.create_indicator(dw.p1, coord, name="Skolgårdens skadegörelse", area=dw.yard)
    services.create_indicator(dw.p1, coord, name="Östra bränder", area=dw.east)
    client = client_for(coord)
    url = reverse("followup-partnership", args=[dw.p1.pk])
    page = client.get(url, {"omrade": dw.west.pk}).content.decode()
    assert "Skolgårdens skadegörelse" in page and "Östra bränder" not in page
    assert "Belysning på skolgården" in page  # the measure done in the own area inside West
    page = client.get(url, {"omrade": dw.east.pk}).content.decode()
    assert "Östra bränder" in page and "Skolgårdens skadegörelse" not in page
    assert "Belysning på skolgården" not in page
    assert client.get(url, {"omrade": dw.south_district.pk}).status_code == 404
    # A limited coordinator may not filter on an area beyond their membership.
    limited = client_for(dw.users["district_coordinator"])
    assert limited.get(url, {"omrade": dw.east.pk}).status_code == 404
