"""The API refuses what the reporter form cannot offer: another municipality's area, an area
outside a limited membership, a visibility other than the partnership's. Form and API draw
on one rule (samverkan.incidents.report_scope)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import Area, Membership
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.report_scope import report_areas


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def _body(**kw):
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    return {"occurred_from": when, "category": "vandalism", "place_type": "park", **kw}


def _post(client, **kw):
    return client.post("/api/incidents/", _body(**kw), content_type="application/json")


def test_api_refuses_another_municipalitys_area(world, cat, client):
    client.force_login(world.users["reporter"])
    response = _post(client, area=world.m2.code)
    assert response.status_code == 400
    assert "utanför de områden du rapporterar för" in response.json()["area"][0]
    # A whole county is not offered either: the reporter's partnership covers Norrby only.
    assert _post(client, area=world.county.code).status_code == 400
    assert not Incident.objects.exists()
    ok = _post(client, area=world.m1.code)
    assert ok.status_code == 201, ok.content
    assert Incident.objects.get().organisation == world.bostad


@pytest.mark.parametrize("visibility", ["public", "organisation", "hemlig"])
def test_api_refuses_a_visibility_the_form_does_not_offer(world, cat, client, visibility):
    client.force_login(world.users["reporter"])
    response = _post(client, area=world.m1.code, visibility=visibility)
    assert response.status_code == 400
    assert "visibility" in response.json()
    assert not Incident.objects.exists()


def test_api_accepts_the_partnership_visibility(world, cat, client):
    client.force_login(world.users["coordinator"])
    response = _post(client, lon=15.4, lat=59.4, visibility="partnership")
    assert response.status_code == 201, response.content
    assert Incident.objects.get().visibility == "partnership"


def test_unknown_and_ambiguous_area_codes_are_clear_400s(world, cat, client):
    # Codes repeat across countries (Swedish and Norwegian county "03").
    Area.objects.create(code="9901", name="Norrby NO", level="municipality", country="NO")
    client.force_login(world.users["reporter"])
    response = _post(client, area="finns-inte")
    assert response.status_code == 400 and "inget område" in response.json()["area"][0]
    ok = _post(client, area="9901")
    assert ok.status_code == 201, ok.content


def test_limited_membership_reports_only_in_its_areas(world, cat, client, django_user_model):
    north = Area.objects.create(
        code="990101", name="Norrby nord", level="district", parent=world.m1
    )
    south = Area.objects.create(code="990102", name="Norrby syd", level="district", parent=world.m1)
    user = django_user_model.objects.create_user("nord", password="pw-nord")
    m = Membership.objects.create(user=user, organisation=world.bostad, role="reporter")
    m.areas.set([north])
    assert set(report_areas(user)) == {north}
    client.force_login(user)
    page = client.get(reverse("incident-report")).content.decode()
    assert "Norrby nord" in page and "Norrby syd" not in page
    form = {
        "category": cat.pk,
        "place_type": "park",
        "area": south.pk,
        "occurred_from": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post(reverse("incident-report"), form).status_code == 200
    assert _post(client, area=south.code).status_code == 400
    assert _post(client, area=world.m1.code).status_code == 400
    assert not Incident.objects.exists()
    assert client.post(reverse("incident-report"), {**form, "area": north.pk}).status_code == 302
    assert _post(client, area=north.code).status_code == 201
    assert Incident.objects.count() == 2
