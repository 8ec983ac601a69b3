"""Who sees which situation report (rules permissions and the registered scope)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from samverkan.core import periods
from samverkan.core.permissions import scope
from samverkan.situation import services
from samverkan.situation.models import SituationReport

MARCH = periods.parse("2025-03")


@pytest.fixture
def reports(world):
    coord = world.users["coordinator"]
    internal = services.create_report(world.m1, MARCH, world.p1, coord, "internal")
    shared = services.create_report(world.m1, MARCH, world.p1, coord, "shared")
    return internal, shared


def can(user, perm, report):
    visible = scope(SituationReport.objects.all(), user).filter(pk=report.pk).exists()
    allowed = user.has_perm(perm, report)
    if perm == "situation.view_report":
        assert visible == allowed, "scope and rules permission disagree"
    return allowed


def test_drafts_visible_to_coordinators_and_steering_only(world, reports):
    internal, _ = reports
    u = world.users
    assert can(u["coordinator"], "situation.view_report", internal)
    assert can(u["police_coordinator"], "situation.view_report", internal)
    assert can(u["steering"], "situation.view_report", internal)
    assert can(u["sysadmin"], "situation.view_report", internal)
    for name in ("reporter", "other_coordinator", "regional", "org_admin"):
        assert not can(u[name], "situation.view_report", internal), name
    assert not AnonymousUser().has_perm("situation.view_report", internal)
    assert not scope(SituationReport.objects.all(), AnonymousUser()).exists()


def test_reporters_see_approved_and_shared(world, reports):
    internal, _ = reports
    reporter = world.users["reporter"]
    services.approve(internal, world.users["coordinator"])
    assert can(reporter, "situation.view_report", internal)
    assert not can(world.users["other_coordinator"], "situation.view_report", internal)


def test_regional_viewer_sees_only_shared_aggregates(world, reports):
    internal, shared = reports
    coord, regional = world.users["coordinator"], world.users["regional"]
    for r in (internal, shared):
        services.approve(r, coord)
        assert not can(regional, "situation.view_report", r)
        services.share(r, coord)
    # An internal picture holds unsuppressed figures: never for regional viewers.
    assert not can(regional, "situation.view_report", internal)
    assert can(regional, "situation.view_report", shared)
    assert not can(regional, "situation.change_report", shared)


def test_regional_viewer_limited_to_membership_areas(world, reports):
    _, shared = reports
    services.approve(shared, world.users["coordinator"])
    services.share(shared, world.users["coordinator"])
    regional = world.users["regional"]
    membership = regional.memberships.get()
    membership.areas.set([world.m2])
    regional = type(regional).objects.get(pk=regional.pk)
    assert not can(regional, "situation.view_report", shared)
    membership.areas.set([world.county])
    regional = type(regional).objects.get(pk=regional.pk)
    assert can(regional, "situation.view_report", shared)


def test_change_and_approve(world, reports):
    internal, _ = reports
    u = world.users
    for perm in ("situation.change_report", "situation.approve_report"):
        assert u["coordinator"].has_perm(perm, internal)
        assert u["sysadmin"].has_perm(perm, internal)
        for name in ("steering", "reporter", "other_coordinator", "regional"):
            assert not u[name].has_perm(perm, internal), (perm, name)
        assert not AnonymousUser().has_perm(perm, internal)
