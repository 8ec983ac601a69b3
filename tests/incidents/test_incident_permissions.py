"""Incident visibility: reporters see their own, partnerships what was shared with them."""

from datetime import UTC, datetime

import pytest

from samverkan.core.permissions import scope
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident


@pytest.fixture
def incidents(world):
    cat = Category.objects.get(code="vandalism")
    when = datetime(2025, 3, 5, 12, tzinfo=UTC)
    rows = {
        # Reported by the housing company's reporter, shared with the partnership (Norrby).
        "shared": IncidentRow(
            "rapport",
            when,
            cat.pk,
            external_id="1",
            lon=15.5,
            lat=59.5,
            organisation_id=world.bostad.pk,
            reporter_id=world.users["reporter"].pk,
        ),
        # The housing company kept this one to itself.
        "private": IncidentRow(
            "rapport",
            when,
            cat.pk,
            external_id="2",
            lon=15.5,
            lat=59.5,
            organisation_id=world.bostad.pk,
            visibility="organisation",
        ),
        # A public police event in Norrby and one in Söderby.
        "police_norrby": IncidentRow(
            "polisen", when, cat.pk, external_id="3", lon=15.5, lat=59.5, visibility="public"
        ),
        "police_soderby": IncidentRow(
            "polisen", when, cat.pk, external_id="4", lon=16.5, lat=59.5, visibility="public"
        ),
        # Söderby kommun's own report.
        "other": IncidentRow(
            "rapport",
            when,
            cat.pk,
            external_id="5",
            lon=16.5,
            lat=59.5,
            organisation_id=world.other.pk,
        ),
    }
    report = ingest(rows.values())
    return dict(zip(rows, Incident.objects.filter(pk__in=report.incident_ids).order_by("pk")))


def visible(user):
    return set(scope(Incident.objects.all(), user).values_list("external_id", flat=True))


def test_reporter_sees_only_own_reports(world, incidents):
    assert visible(world.users["reporter"]) == {"1"}


def test_coordinator_sees_partnership_and_area_police_events(world, incidents):
    assert visible(world.users["coordinator"]) == {"1", "3"}
    assert visible(world.users["steering"]) == {"1", "3"}


def test_other_partnership_sees_its_own(world, incidents):
    assert visible(world.users["other_coordinator"]) == {"4", "5"}


def test_regional_viewer_sees_no_incidents(world, incidents):
    assert visible(world.users["regional"]) == set()


def test_change_permission_only_for_coordinators(world, incidents):
    shared = incidents["shared"]
    assert world.users["coordinator"].has_perm("incidents.change_incident", shared)
    assert not world.users["steering"].has_perm("incidents.change_incident", shared)
    assert not world.users["other_coordinator"].has_perm("incidents.change_incident", shared)
    assert world.users["reporter"].has_perm("incidents.view_incident", shared)
    assert not world.users["reporter"].has_perm("incidents.change_incident", shared)
