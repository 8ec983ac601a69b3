"""Approval of a tertial report by one or two people: the first of two records "godkänd
av 1 av 2" and freezes the report, the same person cannot approve it again, another
person approves it; the page asks for a ticked confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samverkan.core import approval
from samverkan.core.approval import SamePersonError
from samverkan.core.models import AuditEvent
from samverkan.followup import workflow
from samverkan.followup.approval import approve_tertial
from samverkan.followup.models import TertialFrozenError, TertialReport
from samverkan.followup.services import generate_tertial_report


@pytest.fixture
def report(world):
    return generate_tertial_report(world.p1, "2025-T1", world.users["coordinator"])


def test_one_approver_approves_at_once_and_freezes(world, report):
    approve_tertial(report, world.users["coordinator"])
    assert report.status == workflow.APPROVED
    assert report.approved_by == world.users["coordinator"]
    report.analysis = "Ändrad efteråt"
    with pytest.raises(TertialFrozenError):
        report.save()
    with pytest.raises(TertialFrozenError):
        generate_tertial_report(world.p1, "2025-T1", world.users["coordinator"])


def test_two_approvers_must_be_two_people(world, report):
    approval.set_approvers_required(world.p1, 2, world.users["coordinator"])
    first, second = world.users["coordinator"], world.users["police_coordinator"]
    approve_tertial(report, first)
    assert report.status == workflow.APPROVING
    assert report.get_status_display() == "Godkänd av 1 av 2"
    with pytest.raises(SamePersonError):
        approve_tertial(report, first)
    report.refresh_from_db()
    assert report.status == workflow.APPROVING and report.approved_by is None
    approve_tertial(report, second)
    assert report.status == workflow.APPROVED
    assert (report.first_approved_by, report.approved_by) == (first, second)
    actions = list(
        AuditEvent.objects.filter(action__startswith="tertial_report.approve")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["tertial_report.approve_first", "tertial_report.approve"]


def test_steering_and_outsiders_cannot_approve(world, report):
    from django.core.exceptions import PermissionDenied

    for who in ("steering", "other_coordinator", "reporter"):
        with pytest.raises(PermissionDenied):
            approve_tertial(report, world.users[who])
    assert TertialReport.objects.get(pk=report.pk).status == workflow.DRAFT


def test_the_page_asks_for_confirmation(world, report, client_for):
    approval.set_approvers_required(world.p1, 2, world.users["coordinator"])
    client = client_for(world.users["coordinator"])
    url = reverse("followup-tertial-approve", args=[report.pk])
    page = client.get(reverse("followup-tertial", args=[report.pk])).content.decode()
    assert "Godkänn (1 av 2)" in page and 'name="confirm"' in page
    client.post(url)
    report.refresh_from_db()
    assert report.status == workflow.DRAFT
    client.post(url, {"confirm": "1"})
    report.refresh_from_db()
    assert report.status == workflow.APPROVING
    page = client.get(reverse("followup-tertial", args=[report.pk])).content.decode()
    assert "Spara analys" not in page  # frozen
    assert "Godkänn (2 av 2)" not in page  # not offered to the first approver
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "annan person" in response.content.decode()
    other = client_for(world.users["police_coordinator"])
    page = other.get(reverse("followup-tertial", args=[report.pk])).content.decode()
    assert "Godkänn (2 av 2)" in page
    other.post(url, {"confirm": "1"})
    report.refresh_from_db()
    assert report.status == workflow.APPROVED
    assert (
        client_for(world.users["other_coordinator"]).post(url, {"confirm": "1"}).status_code == 404
    )
