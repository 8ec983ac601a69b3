"""The one rule for memberships limited to areas (core.permissions) and the demo's county
board, which must reach its own county only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import Area, Membership
from samverkan.core.permissions import area_ids, grant_filter, in_grant, partnership_grants
from samverkan.core.roles import Role
from samverkan.demo import loader as demo
from samverkan.situation import services
from tests.conftest import square


def _fresh(user):
    # Memberships are cached on the user object for the request.
    return type(user).objects.get(pk=user.pk)


def test_unlimited_membership_reaches_all_and_limited_reaches_subtree(world):
    coord = world.users["coordinator"]
    assert area_ids(coord, {Role.COORDINATOR}) is None
    assert area_ids(coord, {Role.REPORTER}) == set()
    assert partnership_grants(coord, {Role.COORDINATOR}) == {world.p1.pk: None}
    district = Area.objects.create(
        code="990101", name="Norrby nord", level="district", parent=world.m1
    )
    Membership.objects.get(user=coord).areas.set([world.m1])
    coord = _fresh(coord)
    assert area_ids(coord, {Role.COORDINATOR}) == {world.m1.pk, district.pk}
    assert in_grant(coord, {Role.COORDINATOR}, world.p1.pk, district.pk)
    assert not in_grant(coord, {Role.COORDINATOR}, world.p1.pk, world.county.pk)
    assert not in_grant(coord, {Role.COORDINATOR}, world.p2.pk, world.m2.pk)


def test_two_memberships_of_one_partnership_add_up(world, django_user_model):
    user = django_user_model.objects.create_user("tva", password="pw")
    a = Membership.objects.create(user=user, organisation=world.kommun, role=Role.COORDINATOR)
    b = Membership.objects.create(user=user, organisation=world.polis, role=Role.COORDINATOR)
    north = Area.objects.create(code="n", name="N", level="district", parent=world.m1)
    south = Area.objects.create(code="s", name="S", level="district", parent=world.m1)
    a.areas.set([north])
    b.areas.set([south])
    grants = partnership_grants(_fresh(user), {Role.COORDINATOR})
    assert grants == {world.p1.pk: frozenset({north.pk, south.pk})}
    b.areas.clear()
    # An unlimited membership opens the whole partnership.
    assert partnership_grants(_fresh(user), {Role.COORDINATOR}) == {world.p1.pk: None}
    assert str(grant_filter(_fresh(user), {Role.STEERING})) == str(
        grant_filter(_fresh(user), {Role.REPORTER})
    )


@pytest.fixture
def demo_world(db):
    demo.load_areas(log=lambda *a: None)
    demo.load_organisations_and_users(log=lambda *a: None)
    return get_user_model().objects.get(username="lansstyrelsen")


def test_demo_county_board_reaches_only_orebro_lan(demo_world, client):
    board = demo_world
    membership = Membership.objects.get(user=board, role=Role.REGIONAL_VIEWER)
    assert [a.name for a in membership.areas.all()] == ["Örebro län"]
    client.force_login(board)
    page = client.get(reverse("situation-create")).content.decode()
    assert "Örebro län" in page and "Örebro (" in page
    for name in ("Stockholms län", "Värmlands län", "Agder", "Karlstad"):
        assert name not in page, name
    march = periods.parse("2025-03")
    for code, country in (("01", "SE"), ("42", "NO")):
        foreign = Area.objects.get(level="county", code=code, country=country)
        with pytest.raises(PermissionDenied):
            services.create_report(foreign, march, None, board, "shared")
    # Loading again leaves the limit as it is.
    demo.load_organisations_and_users(log=lambda *a: None)
    assert membership.areas.count() == 1


def test_area_geometry_is_still_public(world, client_for):
    """Browsing area outlines is not limited by membership areas (public geography)."""
    coord = world.users["coordinator"]
    Membership.objects.get(user=coord).areas.set([world.m1])
    world.m2.geometry = square(16, 59, 17, 60)
    world.m2.save()
    response = client_for(_fresh(coord)).get(reverse("area-geojson") + f"?id={world.m2.pk}")
    assert response.status_code == 200
