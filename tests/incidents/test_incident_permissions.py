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


def _users_of_every_kind(world, django_user_model):
    """The world's users, one whose membership is limited to an area, one with two
    memberships (a reporter who also coordinates: own reports are in two arms), nobody."""
    from django.contrib.auth.models import AnonymousUser

    from samverkan.core.models import Membership
    from samverkan.core.roles import Role

    limited = django_user_model.objects.create_user("begransad", password="x")
    membership = Membership.objects.create(
        user=limited, organisation=world.polis, role=Role.COORDINATOR
    )
    membership.areas.set([world.m1])
    both = world.users["reporter"]
    Membership.objects.create(user=both, organisation=world.kommun, role=Role.COORDINATOR)
    return [*world.users.values(), limited, AnonymousUser()]


@pytest.mark.parametrize(
    "narrow",
    [
        {},
        {"source": "polisen"},
        {"external_id__in": ["1", "3", "4"]},
        {"organisation__isnull": False},
    ],
)
def test_count_visible_counts_what_the_scope_lets_through(
    world, incidents, django_user_model, narrow
):
    """The list's total is counted as a UNION of the scope's arms (one index each), not
    the OR (which reads every incident); it must give the scope's count for every kind of
    user and filter, each incident once (issue 15, item 8)."""
    from samverkan.incidents.permissions import count_visible, visible_arms

    for user in _users_of_every_kind(world, django_user_model):
        qs = Incident.objects.filter(**narrow)
        assert count_visible(qs, user) == scope(qs, user).count(), (user, narrow)
    # The reporter who coordinates sees the shared report through two arms.
    both = world.users["reporter"]
    if narrow == {}:
        matching = [a for a in visible_arms(both) if Incident.objects.filter(a, external_id="1")]
        assert len(matching) >= 2
        assert count_visible(Incident.objects.all(), both) == len(visible(both)) == 2
