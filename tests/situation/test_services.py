"""Services: create, assess, approve (freeze), share, recompute; audit events; workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from samverkan.core import periods
from samverkan.core.models import AuditEvent
from samverkan.situation import services, workflow
from samverkan.situation.models import FrozenError, SituationReport
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


@pytest.fixture
def report(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=5, organisation_id=world.kommun.pk)
    return services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])


def actions(report):
    return list(
        AuditEvent.objects.filter(object_type="situation.situationreport", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_create_stores_a_draft_with_audit(report, world):
    assert report.status == workflow.DRAFT and report.version == 1
    assert report.snapshot["totals"]["count"] == 5
    assert report.period_label == "2025-03" and report.period_start == MARCH.start
    assert actions(report) == ["situation.create"]
    event = AuditEvent.objects.get(action="situation.create")
    assert event.actor == world.users["coordinator"] and event.organisation == world.kommun


def test_assessment_approve_share_each_audited(report, world):
    coord = world.users["coordinator"]
    services.save_assessment(report, "overall", "Oroligt kring torget, ring 070-123 45 67.", coord)
    assert report.assessments["overall"].startswith("Oroligt kring torget")
    assert "070-123 45 67" not in report.assessments["overall"]  # masked like incident text
    services.approve(report, coord)
    assert report.status == "approved" and report.approved_by == coord
    services.share(report, coord)
    assert report.status == "shared" and report.shared_at is not None
    assert actions(report) == [
        "situation.create",
        "situation.assess",
        "situation.approve",
        "situation.share",
    ]


def test_approve_freezes_and_recompute_makes_version_2(report, world, make):
    coord = world.users["coordinator"]
    services.approve(report, coord)
    make("vandalism", local(2025, 3, 20, 12), n=3, organisation_id=world.kommun.pk)
    report.refresh_from_db()
    assert report.snapshot["totals"]["count"] == 5
    with pytest.raises(FrozenError):
        services.save_assessment(report, "overall", "Ändrad", coord)
    report.snapshot = {"totals": {"count": 0}}
    with pytest.raises(FrozenError):
        report.save()
    with pytest.raises(FrozenError):
        SituationReport.objects.filter(pk=report.pk).update(snapshot={})
    with pytest.raises(FrozenError):
        SituationReport.objects.get(pk=report.pk).delete()
    report.refresh_from_db()
    v2 = services.recompute(report, coord)
    assert (v2.version, v2.status, v2.series) == (2, "draft", report.series)
    assert v2.snapshot["totals"]["count"] == 8
    report.refresh_from_db()
    assert report.snapshot["totals"]["count"] == 5 and report.status == "approved"
    assert actions(v2) == ["situation.recompute"]
    assert [r.version for r in services.versions(report)] == [2, 1]


def test_transitions_not_in_the_table_are_refused(report, world):
    coord = world.users["coordinator"]
    with pytest.raises(workflow.TransitionError):
        services.share(report, coord)  # draft -> shared skips approval
    services.approve(report, coord)
    with pytest.raises(workflow.TransitionError):
        services.approve(report, coord)
    services.share(report, coord)
    with pytest.raises(workflow.TransitionError):
        services.approve(report, coord)
    assert actions(report) == ["situation.create", "situation.approve", "situation.share"]


def test_only_coordinators_change_and_approve(report, world):
    for name in ("steering", "reporter", "other_coordinator", "regional"):
        user = world.users[name]
        with pytest.raises(PermissionDenied):
            services.approve(report, user)
        with pytest.raises(PermissionDenied):
            services.save_assessment(report, "overall", "x", user)
    with pytest.raises(PermissionDenied):
        services.create_report(world.m1, MARCH, world.p1, world.users["other_coordinator"])
    # The police's coordinator belongs to the partnership too.
    services.approve(report, world.users["police_coordinator"])


def test_create_refuses_area_outside_partnership_and_bad_section(report, world):
    with pytest.raises(ValueError, match="inte inom"):
        services.create_report(world.m2, MARCH, world.p1, world.users["coordinator"])
    with pytest.raises(ValueError, match="Okänt avsnitt"):
        services.save_assessment(report, "nonsense", "x", world.users["coordinator"])


def test_regional_composition_by_regional_viewer(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=5, organisation_id=world.kommun.pk)
    viewer = world.users["regional"]
    with pytest.raises(PermissionDenied):
        services.create_report(world.county, MARCH, None, viewer, "internal")
    r = services.create_report(world.county, MARCH, None, viewer, "shared")
    assert r.snapshot["composed_from_children"] is True
    services.approve(r, viewer)
    services.share(r, viewer)
    assert viewer.has_perm("situation.view_report", r)
