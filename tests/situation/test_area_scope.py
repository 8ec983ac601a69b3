"""A membership limited to areas reaches only pictures of those areas and the areas below
them (lists, report pages, exports, the build form and the service); regional viewers see
and build only their own region and never approve a local picture."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import Area, Membership
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.situation import services
from samverkan.situation.models import SituationReport
from tests.conftest import square

MARCH = periods.parse("2025-03")


def _area(code, name, level, parent=None, country="SE", box=(15, 59, 16, 60)):
    return Area.objects.create(
        code=code, name=name, level=level, parent=parent, country=country, geometry=square(*box)
    )


@pytest.fixture
def districts(world):
    north = _area("990101", "Norrby nord", "district", world.m1)
    south = _area("990102", "Norrby syd", "district", world.m1)
    return north, south


@pytest.fixture
def limited_coordinator(world, districts, django_user_model):
    """A coordinator of Norrby kommun whose membership covers only Norrby nord."""
    user = django_user_model.objects.create_user("distrikt", password="pw-distrikt")
    m = Membership.objects.create(user=user, organisation=world.kommun, role=Role.COORDINATOR)
    m.areas.set([districts[0]])
    return user


@pytest.fixture
def pictures(world, districts):
    coord = world.users["coordinator"]
    north, south = districts
    made = {
        "north": services.create_report(north, MARCH, world.p1, coord, "shared"),
        "south": services.create_report(south, MARCH, world.p1, coord, "shared"),
        "municipality": services.create_report(world.m1, MARCH, world.p1, coord, "shared"),
    }
    for r in made.values():
        services.approve(r, coord)
        services.share(r, coord)
    return made


def _pages(report):
    pk = report.pk
    return [
        reverse("situation-detail", args=[pk]),
        reverse("situation-geojson", args=[pk]),
        *(reverse("situation-export", args=[pk]) + f"?format={f}" for f in ("html", "json")),
    ]


def test_limited_membership_sees_only_its_areas(world, limited_coordinator, pictures, client_for):
    visible = set(scope(SituationReport.objects.all(), limited_coordinator))
    assert visible == {pictures["north"]}
    client = client_for(limited_coordinator)
    listing = client.get(reverse("situation-list")).content.decode()
    assert reverse("situation-detail", args=[pictures["north"].pk]) in listing
    for other in ("south", "municipality"):
        assert reverse("situation-detail", args=[pictures[other].pk]) not in listing
        for url in _pages(pictures[other]):
            assert client.get(url).status_code == 404, url
    for url in _pages(pictures["north"]):
        assert client.get(url).status_code == 200, url
    # The same organisation's unlimited coordinator still sees all three.
    assert len(scope(SituationReport.objects.all(), world.users["coordinator"])) == 3


def test_limited_membership_builds_only_in_its_areas(
    world, districts, limited_coordinator, client_for
):
    north, south = districts
    client = client_for(limited_coordinator)
    page = client.get(reverse("situation-create")).content.decode()
    assert "Norrby nord" in page
    assert "Norrby syd" not in page and f'value="{world.m1.pk}"' not in page
    for area in (south, world.m1):
        response = client.post(
            reverse("situation-create"),
            {
                "area": area.pk,
                "partnership": world.p1.pk,
                "period_type": "month",
                "period": "2025-03",
                "audience": "internal",
            },
        )
        assert response.status_code == 200 and not SituationReport.objects.exists()
        with pytest.raises(PermissionDenied):
            services.create_report(area, MARCH, world.p1, limited_coordinator)
    report = services.create_report(north, MARCH, world.p1, limited_coordinator)
    assert limited_coordinator.has_perm("situation.approve_report", report)


def test_limited_coordinator_cannot_approve_outside_its_areas(
    world, districts, limited_coordinator
):
    draft = services.create_report(districts[1], MARCH, world.p1, world.users["coordinator"])
    assert not limited_coordinator.has_perm("situation.change_report", draft)
    with pytest.raises(PermissionDenied):
        services.approve(draft, limited_coordinator)


@pytest.fixture
def foreign(world):
    """Another Swedish county and a Norwegian one, as in a demo with both countries."""
    other = _area("88", "Annat län", "county", box=(12, 57, 13, 58))
    agder = _area("42", "Agder", "county", country="NO", box=(7, 58, 9, 59))
    _area("8801", "Annanstad", "municipality", other, box=(12, 57, 13, 58))
    _area("4204", "Kristiansand", "municipality", agder, country="NO", box=(7, 58, 9, 59))
    return other, agder


def _limit(user, *areas):
    Membership.objects.get(user=user).areas.set(areas)
    return type(user).objects.get(pk=user.pk)


def test_county_board_sees_and_builds_only_its_county(world, foreign, client_for):
    viewer = _limit(world.users["regional"], world.county)
    other, agder = foreign
    client = client_for(viewer)
    page = client.get(reverse("situation-create")).content.decode()
    assert "Testlän" in page and "Norrby" in page
    assert "Annat län" not in page and "Agder" not in page
    for area in (other, agder):
        response = client.post(
            reverse("situation-create"),
            {"area": area.pk, "period_type": "month", "period": "2025-03", "audience": "shared"},
        )
        assert response.status_code == 200
        with pytest.raises(PermissionDenied):
            services.create_report(area, MARCH, None, viewer, "shared")
    assert not SituationReport.objects.exists()
    # Another county's shared picture stays out of sight.
    admin = world.users["sysadmin"]
    theirs = services.create_report(other, MARCH, None, admin, "shared")
    services.approve(theirs, admin)
    services.share(theirs, admin)
    assert not viewer.has_perm("situation.view_report", theirs)
    assert client.get(reverse("situation-detail", args=[theirs.pk])).status_code == 404


def test_regional_viewer_without_areas_stays_in_the_deployment_country(world, foreign):
    viewer = world.users["regional"]
    _, agder = foreign
    with pytest.raises(PermissionDenied):
        services.create_report(agder, MARCH, None, viewer, "shared")
    admin = world.users["sysadmin"]
    theirs = services.create_report(agder, MARCH, None, admin, "shared")
    services.approve(theirs, admin)
    services.share(theirs, admin)
    assert not viewer.has_perm("situation.view_report", theirs)


def test_regional_viewer_never_approves_a_local_picture(world, client_for):
    viewer = _limit(world.users["regional"], world.county)
    local = services.create_report(world.m1, MARCH, None, viewer, "shared")
    assert viewer.has_perm("situation.view_report", local)
    assert not viewer.has_perm("situation.approve_report", local)
    client = client_for(viewer)
    page = client.get(reverse("situation-detail", args=[local.pk])).content.decode()
    assert "Fastställ lägesbilden" not in page
    response = client.post(reverse("situation-action", args=[local.pk, "approve"]))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.approve(local, viewer)
    local.refresh_from_db()
    assert local.status == "draft"
    # Their own county composition is theirs to approve.
    county = services.create_report(world.county, MARCH, None, viewer, "shared")
    page = client.get(reverse("situation-detail", args=[county.pk])).content.decode()
    assert "Fastställ lägesbilden" in page
    client.post(reverse("situation-action", args=[county.pk, "approve"]), {"confirm": "1"})
    county.refresh_from_db()
    assert county.status == "approved"


def test_regional_viewer_never_approves_a_partnership_picture(world):
    viewer = _limit(world.users["regional"], world.county)
    draft = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    assert not viewer.has_perm("situation.approve_report", draft)
    with pytest.raises(PermissionDenied):
        services.approve(draft, viewer)
