"""The start page per role (issue 16, item 4): each role sees its panels, with what the
apps registered through samverkan.core.start_page, and nothing outside the user's scope.

Two partnerships get the same kinds of material; every check looks for the first
partnership's and makes sure the second's is absent.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from samverkan.core import periods, start_page
from samverkan.core.roles import Role
from samverkan.followup.models import EffectGoal, GoalStatus, Indicator, TertialReport
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from samverkan.plans import workflow as plan_flow
from samverkan.plans.models import ActionPlan, Measure
from samverkan.situation import services as situation
from tests.columns import FROZEN, column_reads

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MARCH = periods.parse("2025-03")
ALL_PANELS = {
    "incidents.report",
    "incidents.triage",
    "situation.approval",
    "situation.latest",
    "plans.overdue",
    "plans.progress",
    "followup.changed_goals",
    "meetings.next",
}


def _incident(org, lon, *, reporter=None, n=1, day=5):
    cat = Category.objects.get(code="vandalism")
    rows = [
        IncidentRow(
            "rapport",
            datetime(2025, 3, day, 12, i, tzinfo=STOCKHOLM),
            cat.pk,
            external_id=f"sp-{org.pk}-{lon}-{day}-{i}-{reporter.pk if reporter else 0}",
            lon=lon,
            lat=59.5,
            organisation_id=org.pk,
            reporter_id=reporter.pk if reporter else None,
        )
        for i in range(n)
    ]
    return ingest(rows).incident_ids


def _plan(partnership, area, owner, name, user):
    plan = ActionPlan.objects.create(
        partnership=partnership,
        area=area,
        title=f"{name}planen",
        start_year=2025,
        end_year=2026,
        status=plan_flow.ADOPTED,
        adopted_by="Kommunstyrelsen",
        adopted_on=date(2025, 1, 15),
        created_by=user,
    )
    past = date.today() - timedelta(days=10)
    for title, status, end in (
        (f"{name} klar", plan_flow.DONE, past),
        (f"{name} försenad", plan_flow.ONGOING, past),
        (f"{name} avbruten", plan_flow.CANCELLED, past),
        (f"{name} i tid", plan_flow.PLANNED, date.today() + timedelta(days=60)),
    ):
        Measure.objects.create(
            plan=plan,
            title=title,
            target_side="place",
            owner=owner,
            start=date(2025, 1, 1),
            end=end,
            status=status,
        )
    return plan


def _goals(partnership, area, name):
    ind = Indicator.objects.create(partnership=partnership, name=f"{name} skadegörelse", area=area)
    moved = EffectGoal.objects.create(
        indicator=ind,
        title=f"{name}målet som ändrats",
        baseline_label="2024",
        baseline_start=date(2024, 1, 1),
        baseline_end=date(2025, 1, 1),
        deadline=date(2026, 12, 31),
        status=GoalStatus.OFF_TRACK,
    )
    still = EffectGoal.objects.create(
        indicator=ind,
        title=f"{name}målet som står still",
        baseline_label="2024",
        baseline_start=date(2024, 1, 1),
        baseline_end=date(2025, 1, 1),
        deadline=date(2026, 12, 31),
        status=GoalStatus.ON_TRACK,
    )
    TertialReport.objects.create(
        partnership=partnership,
        tertial="2025-T1",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 4, 30),
        snapshot={
            "goals": [
                {"id": moved.pk, "status": GoalStatus.ON_TRACK},
                {"id": still.pk, "status": GoalStatus.ON_TRACK},
            ]
        },
    )


@pytest.fixture
def material(world, django_user_model):
    from samverkan.core.models import Membership

    w = world
    other_reporter = django_user_model.objects.create_user("annanrapportor", password="x")
    Membership.objects.create(user=other_reporter, organisation=w.polis, role=Role.REPORTER)
    (own,) = _incident(w.bostad, 15.5, reporter=w.users["reporter"], day=9)
    (theirs,) = _incident(w.polis, 15.5, reporter=other_reporter, day=10)
    Incident.objects.filter(pk=own).update(
        feedback="Tack, vi sanerar på torsdag.", feedback_at=datetime(2025, 3, 11, tzinfo=STOCKHOLM)
    )
    Incident.objects.filter(pk=theirs).update(
        feedback="Svar till någon annan.", feedback_at=datetime(2025, 3, 12, tzinfo=STOCKHOLM)
    )
    _incident(w.kommun, 15.5, n=3, day=5)  # Norrby: 5 new reports with the two above
    _incident(w.other, 16.5, n=7, day=5)  # Söderby: 7

    coord, other_coord = w.users["coordinator"], w.users["other_coordinator"]
    approved = situation.create_report(w.m1, MARCH, w.p1, coord)
    situation.approve(approved, coord)
    situation.create_report(w.m1, periods.parse("2025-04"), w.p1, coord)  # a draft
    situation.create_report(w.m2, MARCH, w.p2, other_coord)

    _plan(w.p1, w.m1, w.kommun, "Norrby", coord)
    _plan(w.p2, w.m2, w.other, "Söderby", other_coord)
    _goals(w.p1, w.m1, "Norrby")
    _goals(w.p2, w.m2, "Söderby")
    _meetings(w.p1, w.kommun, "Norrby", coord)
    _meetings(w.p2, w.other, "Söderby", other_coord)
    return w


def _meetings(partnership, organisation, name, user):
    """A series with last week's meeting (one action overdue, one not yet due) and next."""
    from django.utils import timezone

    from samverkan.meetings import services as meetings

    series = meetings.create_series(partnership, user, name=f"{name}s EST", weekday=0, at=time(9))
    now = timezone.now()
    last = meetings.create_meeting(series, user, starts_at=now - timedelta(days=7))
    today = date.today()
    for title, due in ((f"{name} lampbyte", -2), (f"{name} klipp buskar", 5)):
        meetings.add_action(
            last,
            user,
            title=title,
            owner_organisation=organisation,
            due_date=today + timedelta(days=due),
        )
    meetings.create_meeting(series, user, starts_at=now + timedelta(days=1))


def _page(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    panels = {p["name"] for p in response.context["panels"]}
    return panels, response.content.decode()


def test_reporter_gets_the_report_button_and_only_their_own_feedback(material, client_for):
    panels, page = _page(client_for, material.users["reporter"])
    assert panels == {"incidents.report"}
    assert f'href="{reverse("incident-report")}"' in page
    assert "Tack, vi sanerar på torsdag." in page
    assert "Svar till någon annan." not in page


def test_coordinator_gets_the_work_waiting_in_their_partnership(material, client_for):
    panels, page = _page(client_for, material.users["coordinator"])
    assert panels == {
        "incidents.triage",
        "situation.approval",
        "plans.overdue",
        "followup.changed_goals",
        "meetings.next",
    }
    assert "5 nya rapporter väntar." in page
    assert "Norrbys EST" in page  # the next meeting
    assert "Norrby lampbyte" in page  # overdue short-term action
    # The two overdue lines say where their actions come from, so neither is taken for the other.
    assert "1 kortsiktig åtgärd från veckomötena har passerat sitt datum." in page
    assert "1 åtgärd i handlingsplanen har passerat sitt slutdatum." in page
    assert "Norrby klipp buskar" not in page  # not yet due
    assert "Norrby, april 2025" in page  # the draft waiting for approval
    assert "Norrby, mars 2025" not in page  # already approved
    assert "Söderby, mars 2025" not in page
    assert "Norrby försenad" in page
    assert "Norrby klar" not in page and "Norrby avbruten" not in page
    assert "Norrby i tid" not in page
    assert "Norrbymålet som ändrats" in page
    assert "Norrbymålet som står still" not in page
    assert "Söderby" not in page.split("</h1>", 1)[1].split("Dina roller", 1)[0]


def test_the_other_partnership_sees_only_its_own(material, client_for):
    _, page = _page(client_for, material.users["other_coordinator"])
    assert "7 nya rapporter väntar." in page
    assert "Söderby försenad" in page and "Norrby försenad" not in page
    assert "Söderby lampbyte" in page and "Norrby lampbyte" not in page
    assert "Söderbys EST" in page and "Norrbys EST" not in page
    assert "Söderbymålet som ändrats" in page and "Norrbymålet" not in page
    assert "Söderby, mars 2025" in page and "Norrby, april 2025" not in page


def test_steering_group_gets_the_approved_picture_and_the_plan_progress(material, client_for):
    panels, page = _page(client_for, material.users["steering"])
    assert panels == {"situation.latest", "plans.progress"}
    assert "Norrby, mars 2025" in page and "april 2025" not in page  # approved only, not the draft
    assert "Norrbyplanen" in page and "Söderbyplanen" not in page
    # Three measures count (the cancelled one does not), one of them done.
    assert "1 av 3 åtgärder genomförda, 1 pågår" in page
    assert 'value="33"' in page


def test_a_second_approver_still_sees_a_picture_that_waits_for_them(material, client_for):
    from samverkan.core import approval
    from samverkan.situation.models import SituationReport

    w = material
    approval.set_approvers_required(w.p1, 2, w.users["coordinator"])
    draft = SituationReport.objects.get(partnership=w.p1, status="draft")
    situation.approve(draft, w.users["coordinator"])
    _, first = _page(client_for, w.users["coordinator"])
    assert "Norrby, april 2025" not in first  # waits for someone else
    _, second = _page(client_for, w.users["police_coordinator"])
    assert "Norrby, april 2025" in second and "Godkänd av 1 av 2" in second


def test_a_user_without_roles_gets_no_panels(world, client_for, django_user_model):
    nobody = django_user_model.objects.create_user("ingen", password="x")
    panels, _ = _page(client_for, nobody)
    assert panels == set()


def test_each_app_registered_its_panels():
    assert {p.name for p in start_page.registered()} >= ALL_PANELS


def test_the_partnership_page_sets_two_approvers_for_its_coordinator_only(world, client_for):
    from samverkan.core.models import AuditEvent

    url = reverse("partnership-approval", args=[world.p1.pk])
    home = client_for(world.users["steering"]).get(reverse("home")).content.decode()
    assert url not in home
    assert (
        client_for(world.users["steering"]).post(url, {"approvers_required": 2}).status_code == 403
    )
    assert (
        client_for(world.users["other_coordinator"])
        .post(url, {"approvers_required": 2})
        .status_code
        == 404
    )
    client = client_for(world.users["coordinator"])
    assert url in client.get(reverse("home")).content.decode()
    assert client.post(url, {"approvers_required": 3}).status_code == 400
    response = client.post(url, {"approvers_required": 2})
    assert response.status_code == 302
    world.p1.refresh_from_db()
    assert world.p1.approvers_required == 2
    assert AuditEvent.objects.filter(action="partnership.set_approvers").count() == 1
    assert "Godkännande: två personer" in client.get(reverse("home")).content.decode()


def test_panels_read_no_frozen_content_and_no_border(material, client_for, django_user_model):
    """A picture's snapshot is tens of kilobytes and a municipality's border megabytes: the
    start page shows names and dates only, so for no role does it select either."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.core.models import Membership

    w = material
    # One person with the roles of every situation panel: approving and steering.
    both = django_user_model.objects.create_user("bada", password="x")
    Membership.objects.create(user=both, organisation=w.kommun, role=Role.COORDINATOR)
    Membership.objects.create(user=both, organisation=w.kommun, role=Role.STEERING)
    users = [both, *(w.users[k] for k in ("coordinator", "steering", "reporter", "regional"))]
    for user in users:
        with CaptureQueriesContext(connection) as ctx:
            page = client_for(user).get(reverse("home")).content.decode()
        if user is both:
            assert "Norrby, april 2025" in page and "Norrby, mars 2025" in page
        for q in ctx.captured_queries:
            # As a column of its own; the period's name read by a JSON path is fine.
            for column in ("geometry", *FROZEN):
                assert not column_reads(q["sql"], column)[0], (user.username, q["sql"])


def test_changed_goals_compare_with_the_latest_tertial_report_only(material, client_for):
    """An older report recording another status does not count: the latest one is when the
    group last looked at its goals."""
    from samverkan.followup.models import EffectGoal, TertialReport

    still = EffectGoal.objects.get(title="Norrbymålet som står still")
    latest = TertialReport.objects.get(partnership=material.p1)
    TertialReport.objects.create(
        partnership=material.p1,
        tertial="2024-T3",
        period_start=date(2024, 9, 1),
        period_end=date(2024, 12, 31),
        snapshot={"goals": [{"id": still.pk, "status": GoalStatus.OFF_TRACK}]},
    )
    _panels, page = _page(client_for, material.users["coordinator"])
    assert "Norrbymålet som ändrats" in page and latest.tertial in page
    assert "Norrbymålet som står still" not in page
