"""A partnership's own drawn areas are its working material: a second partnership covering
the same municipality never meets their names in a picker, a list or the API.

Every area choice of a partnership comes from one core rule
(:func:`samverkan.core.permissions.partnership_area_ids`); this test walks the places that
once collected the areas below a municipality by hand.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.core import own_areas
from samverkan.core.models import Membership, Organisation, Partnership
from samverkan.core.permissions import partnership_area_ids
from samverkan.core.roles import Role
from samverkan.incidents.report_scope import report_area_ids
from samverkan.plans.permissions import partnership_areas

SECRET = "Hemliga torget"


def _square(lon, lat, d):
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def two(world, django_user_model):
    """Partnership A (the world's Norrby partnership) draws an own area; partnership B
    covers Norrby too, with its own coordinator and reporter."""
    secret = own_areas.create_own_area(
        world.users["coordinator"],
        partnership=world.p1,
        name=SECRET,
        geometry=_square(15.4, 59.4, 0.1),
    ).area
    org = Organisation.objects.create(name="Norrby fastighetsägare", kind="housing")
    pb = Partnership.objects.create(name="Trygghetsrådet Norrby")
    pb.organisations.set([org])
    pb.areas.set([world.m1])
    users = {}
    for name, role in (("b_samordnare", Role.COORDINATOR), ("b_rapportor", Role.REPORTER)):
        u = django_user_model.objects.create_user(name, password="pw")
        Membership.objects.create(user=u, organisation=org, role=role)
        users[role] = u
    world.secret, world.pb, world.b_users = secret, pb, users
    return world


def test_the_core_rule_keeps_own_areas_with_their_partnership(two):
    assert two.secret.pk in partnership_area_ids([two.p1.pk])
    b = partnership_area_ids([two.pb.pk])
    assert two.m1.pk in b
    assert two.secret.pk not in b
    assert two.secret.pk not in set(partnership_areas([two.pb.pk]).values_list("id", flat=True))


def test_b_reporter_is_not_offered_a_s_own_area(two, client):
    reporter = two.b_users[Role.REPORTER]
    assert two.m1.pk in report_area_ids(reporter)
    assert two.secret.pk not in report_area_ids(reporter)
    client.force_login(reporter)
    page = client.get(reverse("incident-report"))
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    when = (timezone.now() - timedelta(hours=2)).isoformat()
    body = {"occurred_from": when, "category": "vandalism", "place_type": "park"}
    response = client.post(
        "/api/incidents/", {**body, "area": two.secret.code}, content_type="application/json"
    )
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("problem-create"),
        lambda w: reverse("followup-indicator-create", args=[w.pb.pk]),
        lambda w: reverse("situation-create"),
        lambda w: reverse("meeting-series-create"),
        lambda w: "/api/areas/",
    ],
)
def test_b_coordinator_never_sees_a_s_own_area(two, client, url):
    client.force_login(two.b_users[Role.COORDINATOR])
    response = client.get(url(two))
    assert response.status_code == 200, response.content[:300]
    assert SECRET not in response.content.decode()


def test_a_coordinator_still_picks_the_own_area(two, client):
    client.force_login(two.users["coordinator"])
    assert SECRET in client.get(reverse("problem-create")).content.decode()
    assert two.secret.pk in report_area_ids(two.users["coordinator"])
