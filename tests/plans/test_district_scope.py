"""Problems, plans, measures and promises per district and own area; limited memberships.

A coordinator whose membership is limited to a district sees and changes only objects of
that district and the areas below it, is offered only those areas, and cannot create an
object outside them; another partnership's coordinator sees none of it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samverkan.plans.models import ActionPlan, Measure, Problem
from tests.plans.districts import add_districts


@pytest.fixture
def dw(pw):
    add_districts(pw)
    coordinator = pw.users["coordinator"]
    pw.west_problem = Problem.objects.create(
        partnership=pw.p1, title="Klotter på skolgården", area=pw.yard, created_by=coordinator
    )
    pw.east_problem = Problem.objects.create(
        partnership=pw.p1, title="Bilbränder i öster", area=pw.east, created_by=coordinator
    )
    pw.west_measure = Measure.objects.create(
        plan=pw.plan,
        title="Belysning på skolgården",
        area=pw.yard,
        target_side="place",
        owner=pw.kommun,
        start=date(2025, 3, 1),
        end=date(2025, 12, 31),
    )
    return pw


def _options(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[start : html.index("</select>", start)]


def test_forms_offer_districts_and_own_areas_within_the_membership(dw, client_for):
    full = client_for(dw.users["coordinator"]).get(reverse("problem-create")).content.decode()
    offered = _options(full, "area")
    for name in ("Norrby", "Västra Norrby", "Östra Norrby", "Skolgården"):
        assert f">{name} (" in offered
    assert "Söderby" not in offered

    limited = client_for(dw.users["district_coordinator"])
    offered = _options(limited.get(reverse("problem-create")).content.decode(), "area")
    assert ">Västra Norrby (" in offered and ">Skolgården (" in offered
    assert ">Östra Norrby (" not in offered and ">Norrby (" not in offered


def test_limited_coordinator_sees_and_edits_only_their_district(dw, client_for):
    client = client_for(dw.users["district_coordinator"])
    home = client.get(reverse("plans-home")).content.decode()
    assert "Klotter på skolgården" in home
    assert "Bilbränder i öster" not in home
    # The municipality-wide objects are the whole partnership's, beyond a district.
    assert "Inbrott i källarförråd" not in home and "Trygg i Norrby" not in home
    assert client.get(reverse("problem-detail", args=[dw.west_problem.pk])).status_code == 200
    assert client.get(reverse("problem-edit", args=[dw.west_problem.pk])).status_code == 200
    for name, pk in (
        ("problem-detail", dw.east_problem.pk),
        ("problem-edit", dw.east_problem.pk),
        ("plan-detail", dw.plan.pk),
        ("measure-edit", dw.measure.pk),
        ("promise-detail", dw.promise.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_limited_coordinator_cannot_create_outside_their_areas(dw, client_for):
    client = client_for(dw.users["district_coordinator"])
    data = {"partnership": dw.p1.pk, "title": "Skadegörelse", "priority": 2, "area": dw.east.pk}
    response = client.post(reverse("problem-create"), data)
    assert response.status_code == 200
    assert not Problem.objects.filter(title="Skadegörelse").exists()
    data["area"] = ""
    response = client.post(reverse("problem-create"), data)
    assert "Välj ett av dina områden" in response.content.decode()
    assert not Problem.objects.filter(title="Skadegörelse").exists()
    data["area"] = dw.yard.pk
    assert client.post(reverse("problem-create"), data).status_code == 302
    assert Problem.objects.get(title="Skadegörelse").area == dw.yard


def test_home_filters_by_area_with_the_areas_below(dw, client_for):
    client = client_for(dw.users["coordinator"])
    page = client.get(reverse("plans-home"), {"omrade": dw.west.pk}).content.decode()
    # The problem of the own area inside West is West's too; East's is not.
    assert "Klotter på skolgården" in page and "Bilbränder i öster" not in page
    assert "Inbrott i källarförråd" not in page
    assert "Åtgärder i Västra Norrby" in page and "Belysning på skolgården" in page
    assert "Belysning i källargångar" not in page  # the plan's own area is all of Norrby
    page = client.get(reverse("plans-home"), {"omrade": dw.m1.pk}).content.decode()
    assert "Klotter på skolgården" in page and "Bilbränder i öster" in page
    assert "Belysning i källargångar" in page
    # Another partnership's district is not an area this user may filter on.
    assert client.get(reverse("plans-home"), {"omrade": dw.south_district.pk}).status_code == 404
    assert client.get(reverse("plans-home"), {"omrade": "x"}).status_code == 400


def test_other_partnership_is_refused_district_objects(dw, client_for):
    client = client_for(dw.users["other_coordinator"])
    assert client.get(reverse("plans-home"), {"omrade": dw.west.pk}).status_code == 404
    assert client.get(reverse("problem-detail", args=[dw.west_problem.pk])).status_code == 404
    response = client.post(
        reverse("problem-create"),
        {"partnership": dw.p1.pk, "title": "Intrång", "priority": 2, "area": dw.west.pk},
    )
    assert response.status_code == 200 and not Problem.objects.filter(title="Intrång").exists()


def test_measure_area_lies_within_the_plan_area(dw, client_for):
    client = client_for(dw.users["coordinator"])
    plan = ActionPlan.objects.create(
        partnership=dw.p1, area=dw.west, title="Trygg i väster", start_year=2025, end_year=2026
    )
    page = client.get(reverse("measure-create", args=[plan.pk])).content.decode()
    offered = _options(page, "area")
    assert ">Skolgården (" in offered and ">Östra Norrby (" not in offered
    data = {
        "title": "Väktare",
        "area": dw.east.pk,
        "target_side": "guardian",
        "owner": dw.kommun.pk,
        "start": "2025-05-01",
        "end": "2025-09-01",
    }
    assert client.post(reverse("measure-create", args=[plan.pk]), data).status_code == 200
    data["area"] = dw.yard.pk
    assert client.post(reverse("measure-create", args=[plan.pk]), data).status_code == 302
    assert Measure.objects.get(title="Väktare").where == dw.yard


def test_limited_coordinator_is_offered_only_their_problems_and_keeps_hidden_links(dw, client_for):
    plan = ActionPlan.objects.create(
        partnership=dw.p1, area=dw.west, title="Trygg i väster", start_year=2025, end_year=2026
    )
    measure = Measure.objects.create(
        plan=plan,
        title="Ljus på gångvägen",
        target_side="place",
        owner=dw.kommun,
        start=date(2025, 3, 1),
        end=date(2025, 12, 31),
    )
    # Linked by an unlimited coordinator to a problem of both districts.
    measure.problems.set([dw.west_problem, dw.east_problem])
    client = client_for(dw.users["district_coordinator"])
    url = reverse("measure-edit", args=[measure.pk])
    page = client.get(url).content.decode()
    assert "Klotter på skolgården" in page and "Bilbränder i öster" not in page
    response = client.post(
        url,
        {
            "title": "Ljus på gångvägen och skolgården",
            "target_side": "place",
            "owner": dw.kommun.pk,
            "problems": [dw.west_problem.pk],
            "start": "2025-03-01",
            "end": "2025-12-31",
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.title == "Ljus på gångvägen och skolgården"
    # The link the district coordinator could not see is still there.
    assert set(measure.problems.all()) == {dw.west_problem, dw.east_problem}
    # Posting the hidden problem itself is refused as an invalid choice.
    response = client.post(
        url,
        {
            "title": "X",
            "target_side": "place",
            "owner": dw.kommun.pk,
            "problems": [dw.east_problem.pk],
            "start": "2025-03-01",
            "end": "2025-12-31",
        },
    )
    assert response.status_code == 200
