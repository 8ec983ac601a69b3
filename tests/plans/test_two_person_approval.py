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


PLAN_EDIT = {"partnership": "", "title": "Ändrad rubrik", "start_year": 2025, "end_year": 2027}
MEASURE = {
    "title": "Ny åtgärd under godkännandet",
    "target_side": "guardian",
    "start": "2025-05-01",
    "end": "2026-04-01",
}


def _adopt_once(world):
    services.set_plan_status(world.plan, workflow.ADOPTED, world.users["coordinator"], **ADOPT)
    world.plan.refresh_from_db()
    assert world.plan.status == workflow.ADOPTING


def test_a_plan_waiting_for_its_second_approval_is_locked_in_the_service(two):
    from samverkan.plans.forms import ActionPlanForm, MeasureForm

    _adopt_once(two)
    user = two.users["police_coordinator"]
    plan_form = ActionPlanForm(
        {**PLAN_EDIT, "partnership": two.p1.pk, "area": two.m1.pk}, instance=two.plan, user=user
    )
    assert plan_form.is_valid(), plan_form.errors
    with pytest.raises(services.PlanLockedError, match="andra godkännare"):
        services.save_form(plan_form, user, "action_plan.update")
    new_measure = MeasureForm({**MEASURE, "owner": two.polis.pk}, plan=two.plan, user=user)
    assert new_measure.is_valid(), new_measure.errors
    new_measure.instance.plan = two.plan
    with pytest.raises(services.PlanLockedError):
        services.save_form(new_measure, user, "measure.create")
    with pytest.raises(services.PlanLockedError):
        services.set_measure_status(two.measure, "ongoing", user)
    two.plan.refresh_from_db()
    two.measure.refresh_from_db()
    assert two.plan.title == "Trygg i Norrby" and two.measure.status == "planned"
    assert two.plan.measures.count() == 1
    # Back in draft, the plan can be changed again.
    services.set_plan_status(two.plan, workflow.DRAFT, user)
    services.set_measure_status(two.measure, "ongoing", user)
    two.measure.refresh_from_db()
    assert two.measure.status == "ongoing"


def test_the_pages_refuse_edits_while_the_plan_waits(two, client_for):
    _adopt_once(two)
    client = client_for(two.users["police_coordinator"])
    response = client.post(
        reverse("plan-edit", args=[two.plan.pk]),
        {**PLAN_EDIT, "partnership": two.p1.pk, "area": two.m1.pk},
        follow=True,
    )
    assert "väntar på en andra godkännare" in response.content.decode()
    response = client.post(
        reverse("measure-create", args=[two.plan.pk]),
        {**MEASURE, "owner": two.polis.pk},
        follow=True,
    )
    assert "väntar på en andra godkännare" in response.content.decode()
    response = client.post(
        reverse("measure-edit", args=[two.measure.pk]),
        {**MEASURE, "owner": two.polis.pk},
        follow=True,
    )
    assert "väntar på en andra godkännare" in response.content.decode()
    client.post(reverse("measure-status", args=[two.measure.pk]), {"status": "ongoing"})
    two.plan.refresh_from_db()
    two.measure.refresh_from_db()
    assert two.plan.title == "Trygg i Norrby"
    assert (two.measure.title, two.measure.status) == ("Belysning i källargångar", "planned")
    assert two.plan.measures.count() == 1


def test_the_first_approver_sees_waiting_not_the_adopt_form(two, client_for):
    _adopt_once(two)
    url = reverse("plan-detail", args=[two.plan.pk])
    first = client_for(two.users["coordinator"]).get(url).content.decode()
    assert "Väntar på en andra godkännare" in first
    assert 'value="adopted"' not in first and 'name="confirm"' not in first
    assert 'value="draft"' in first  # the first approver can still send it back
    assert reverse("plan-edit", args=[two.plan.pk]) not in first
    assert reverse("measure-create", args=[two.plan.pk]) not in first
    assert reverse("measure-edit", args=[two.measure.pk]) not in first
    second = client_for(two.users["police_coordinator"]).get(url).content.decode()
    assert "Väntar på en andra godkännare" not in second
    assert 'value="adopted"' in second and 'name="confirm"' in second
    assert reverse("plan-edit", args=[two.plan.pk]) not in second
