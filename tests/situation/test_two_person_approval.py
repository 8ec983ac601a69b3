"""Two-person approval of a lägesbild: the partnership's setting, "godkänd av 1 av 2", the
same person refused as second approver, the confirmation of irreversible steps, and the
recipients a coordinator picks when sharing (mailed a link, audited)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samverkan.core import approval, periods
from samverkan.core.approval import SamePersonError
from samverkan.core.models import AuditEvent
from samverkan.situation import services, workflow
from samverkan.situation.models import FrozenError
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


@pytest.fixture
def draft(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=3, organisation_id=world.kommun.pk)
    return services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])


@pytest.fixture
def two(world):
    approval.set_approvers_required(world.p1, 2, world.users["coordinator"])
    return world


def test_one_approver_by_default_approves_at_once(world, draft):
    services.approve(draft, world.users["coordinator"])
    assert draft.status == workflow.APPROVED
    assert draft.first_approved_by is None


def test_two_approvers_first_is_one_of_two_second_approves(two, draft):
    first, second = two.users["coordinator"], two.users["police_coordinator"]
    services.approve(draft, first)
    assert draft.status == workflow.APPROVING
    assert draft.get_status_display() == "Godkänd av 1 av 2"
    assert draft.first_approved_by == first and draft.approved_by is None
    # Frozen between the two approvals: the second approves what the first did.
    with pytest.raises(FrozenError):
        services.save_assessment(draft, "overall", "Ändrat i smyg", first)
    services.approve(draft, second)
    assert draft.status == workflow.APPROVED
    assert (draft.first_approved_by, draft.approved_by) == (first, second)
    actions = list(
        AuditEvent.objects.filter(object_id=str(draft.pk), action__startswith="situation.approve")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["situation.approve_first", "situation.approve"]


def test_the_same_person_cannot_approve_twice(two, draft):
    first = two.users["coordinator"]
    services.approve(draft, first)
    with pytest.raises(SamePersonError):
        services.approve(draft, first)
    draft.refresh_from_db()
    assert draft.status == workflow.APPROVING and draft.approved_by is None


def test_an_approving_picture_is_not_shared_nor_shown_to_reporters(two, draft):
    services.approve(draft, two.users["coordinator"])
    with pytest.raises(workflow.TransitionError):
        services.share(draft, two.users["coordinator"])
    assert not two.users["reporter"].has_perm("situation.view_report", draft)


def test_only_coordinators_and_admins_of_the_partnership_set_it(world):
    with pytest.raises(PermissionDenied):
        approval.set_approvers_required(world.p1, 2, world.users["other_coordinator"])
    with pytest.raises(PermissionDenied):
        approval.set_approvers_required(world.p1, 2, world.users["steering"])
    with pytest.raises(ValueError):
        approval.set_approvers_required(world.p1, 3, world.users["coordinator"])
    approval.set_approvers_required(world.p1, 2, world.users["org_admin"])
    world.p1.refresh_from_db()
    assert world.p1.approvers_required == 2
    event = AuditEvent.objects.get(action="partnership.set_approvers")
    assert event.details == {"before": 1, "after": 2}


def test_pages_ask_for_confirmation_and_refuse_the_same_person(two, draft, client_for):
    client = client_for(two.users["coordinator"])
    url = reverse("situation-action", args=[draft.pk, "approve"])
    page = client.get(reverse("situation-detail", args=[draft.pk])).content.decode()
    assert "Godkänn (1 av 2)" in page and 'name="confirm"' in page
    # Without the tick nothing happens.
    client.post(url)
    draft.refresh_from_db()
    assert draft.status == workflow.DRAFT
    client.post(url, {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == workflow.APPROVING
    page = client.get(reverse("situation-detail", args=[draft.pk])).content.decode()
    assert "Godkänd av 1 av 2" in page and "Godkänn (2 av 2)" not in page
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "annan person" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == workflow.APPROVING

    other = client_for(two.users["police_coordinator"])
    page = other.get(reverse("situation-detail", args=[draft.pk])).content.decode()
    assert "Godkänn (2 av 2)" in page
    other.post(url, {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == workflow.APPROVED


def test_sharing_mails_the_chosen_recipients_who_may_open_it(
    world, draft, client_for, django_capture_on_commit_callbacks
):
    for key, user in world.users.items():
        user.email = f"{key}@example.se"
        user.save(update_fields=["email"])
    services.approve(draft, world.users["coordinator"])
    client = client_for(world.users["coordinator"])
    url = reverse("situation-action", args=[draft.pk, "share"])
    client.post(url, {"recipients": ["steering"]})  # not confirmed
    draft.refresh_from_db()
    assert draft.status == workflow.APPROVED and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"recipients": ["steering"], "confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == workflow.SHARED
    assert [m.to for m in mail.outbox] == [["steering@example.se"]]
    assert reverse("situation-detail", args=[draft.pk]) in mail.outbox[0].body
    event = AuditEvent.objects.get(action="situation.share", object_id=str(draft.pk))
    assert event.details["recipients"] == ["steering"] and event.details["notified"] == 1


def test_the_partnership_group_reaches_members_but_not_outsiders(world, draft):
    from samverkan.situation import sharing

    for key, user in world.users.items():
        user.email = f"{key}@example.se"
        user.save(update_fields=["email"])
    services.approve(draft, world.users["coordinator"])
    services.share(draft, world.users["coordinator"])
    names = {u.username for u in sharing.recipients(draft, ["partnership"])}
    assert names == {"rapportor", "samordnare", "polissamordnare", "styrgrupp"}
    # An internal picture is not for the county board: the group is not offered.
    assert "county" not in dict(sharing.groups_for(draft))
    assert sharing.recipients(draft, ["county"]) == []
    with pytest.raises(ValueError):
        sharing.recipients(draft, ["everyone"])
