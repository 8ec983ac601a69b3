"""The follow-up start page: each partnership with its indicators, its goals per status
and its latest tertial report, counted within what the user may see."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from samverkan.followup import services
from samverkan.followup.models import EffectGoal, GoalStatus
from tests.plans.districts import add_districts


@pytest.fixture
def dw(world):
    return add_districts(world)


def _goal(indicator, status):
    return EffectGoal.objects.create(
        indicator=indicator,
        title=f"Mål {status}",
        baseline_label="2024",
        baseline_start=date(2024, 1, 1),
        baseline_end=date(2025, 1, 1),
        deadline=date(2027, 1, 1),
        status=status,
    )


def _card(html: str, name: str) -> str:
    start = html.index(f">{name}</a></h2>")
    return html[start : html.index("</section>", start)]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_partnership_shows_its_goals_and_latest_report(dw, client_for):
    coord = dw.users["coordinator"]
    west = services.create_indicator(dw.p1, coord, name="Väster", area=dw.west)
    east = services.create_indicator(dw.p1, coord, name="Öster", area=dw.east)
    _goal(west, GoalStatus.REACHED)
    _goal(west, GoalStatus.OFF_TRACK)
    _goal(east, GoalStatus.OFF_TRACK)
    services.generate_tertial_report(dw.p1, "2025-T1", coord)
    latest = services.generate_tertial_report(dw.p1, "2025-T2", coord)

    html = client_for(coord).get(reverse("followup-home")).content.decode()
    card = _card(html, dw.p1.name)
    text = _text(card)
    assert "2 indikatorer, 3 effektmål" in text
    assert "Uppnått 1" in text and "Inte på väg 2" in text and "På väg" not in text
    assert f'href="{reverse("followup-tertial", args=[latest.pk])}"' in card
    assert "Tertial 2025-T2" in text
    # Another partnership's figures are not on the page.
    assert dw.p2.name not in html


def test_a_district_member_counts_only_what_it_reaches(dw, client_for):
    coord = dw.users["coordinator"]
    west = services.create_indicator(dw.p1, coord, name="Väster", area=dw.west)
    east = services.create_indicator(dw.p1, coord, name="Öster", area=dw.east)
    _goal(west, GoalStatus.ON_TRACK)
    _goal(east, GoalStatus.OFF_TRACK)
    services.generate_tertial_report(dw.p1, "2025-T1", coord)

    html = client_for(dw.users["district_coordinator"]).get(reverse("followup-home"))
    text = _text(_card(html.content.decode(), dw.p1.name))
    assert "1 indikator, 1 effektmål" in text
    assert "På väg 1" in text and "Inte på väg" not in text
    # The tertial report spans the whole partnership: not theirs to open.
    assert "Inga tertialrapporter ännu." in text


def test_the_overview_is_counted_in_a_fixed_number_of_queries(
    dw, client_for, django_assert_max_num_queries
):
    coord = dw.users["coordinator"]
    for i in range(6):
        ind = services.create_indicator(dw.p1, coord, name=f"Indikator {i}", area=dw.west)
        _goal(ind, GoalStatus.NO_DATA)
    client = client_for(coord)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("followup-home"))
    assert "6 indikatorer, 6 effektmål" in _text(response.content.decode())
