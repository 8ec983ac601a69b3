"""Two-person adoption of an action plan: with the partnership's setting at two, the first
adoption records "godkänd av 1 av 2", the same person cannot adopt it again, another
person adopts it; the page asks for a ticked confirmation."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samverkan.core import approval
from samverkan.core.approval import SamePersonError
from samverkan.plans import services, workflow
from tests.plans.conftest import audit_actions

ADOPT = {"adopted_by": "Kommunfullmäktige", "adopted_on": date(2025, 2, 10)}


@pytest.fixture
def two(pw):
    approval.set_approvers_required(pw.p1, 2, pw.users["coordinator"])
    return pw


def test_one_approver_adopts_at_once(pw):
    services.set_plan_status(pw.plan, workflow.ADOPTED, pw.users["coordinator"], **ADOPT)
    pw.plan.refresh_from_db()
    assert pw.plan.status == workflow.ADOPTED and pw.plan.first_approved_by is None


def test_two_approvers_need_two_different_people(two):
    first, second = two.users["coordinator"], two.users["police_coordinator"]
    services.set_plan_status(two.plan, workflow.ADOPTED, first, **ADOPT)
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.ADOPTING
    assert two.plan.get_status_display() == "Godkänd av 1 av 2"
    assert two.plan.first_approved_by == first
    with pytest.raises(SamePersonError):
        services.set_plan_status(two.plan, workflow.ADOPTED, first, **ADOPT)
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.ADOPTING
    services.set_plan_status(two.plan, workflow.ADOPTED, second, **ADOPT)
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.ADOPTED
    actions = audit_actions(object_id=str(two.plan.pk), action__startswith="action_plan.")
    assert actions[-2:] == ["action_plan.approve_first", "action_plan.set_status"]


def test_the_first_step_is_never_chosen_directly_and_draft_starts_over(two):
    with pytest.raises(ValueError):
        services.set_plan_status(two.plan, workflow.ADOPTING, two.users["coordinator"])
    services.set_plan_status(two.plan, workflow.ADOPTED, two.users["coordinator"], **ADOPT)
    services.set_plan_status(two.plan, workflow.DRAFT, two.users["coordinator"])
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.DRAFT and two.plan.first_approved_by is None


def test_the_page_asks_for_confirmation_and_shows_one_of_two(two, client_for):
    client = client_for(two.users["coordinator"])
    url = reverse("plan-status", args=[two.plan.pk])
    form = {"status": "adopted", "adopted_by": "Kommunfullmäktige", "adopted_on": "2025-02-10"}
    client.post(url, form)
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.DRAFT
    client.post(url, {**form, "confirm": "1"})
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.ADOPTING
    page = client.get(reverse("plan-detail", args=[two.plan.pk])).content.decode()
    assert "Godkänd av 1 av 2" in page
    assert 'value="adopting"' not in page
    response = client.post(url, {**form, "confirm": "1"}, follow=True)
    assert "annan person" in response.content.decode()
    other = client_for(two.users["police_coordinator"])
    other.post(url, {**form, "confirm": "1"})
    two.plan.refresh_from_db()
    assert two.plan.status == workflow.ADOPTED
