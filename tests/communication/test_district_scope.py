"""A coordinator limited to a district sees that district's activities only, on the
communication pages and in the plan; a plan shows only the activities in its area."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from samverkan.communication.models import Activity, Channel
from samverkan.plans import timeline
from samverkan.plans.models import ActionPlan, Measure
from tests.plans.districts import add_districts


def test_district_coordinator_sees_the_districts_activities_only(cw, client_for):
    add_districts(cw)
    plan = ActionPlan.objects.create(
        partnership=cw.p1, area=cw.west, title="Västra planen", start_year=2025, end_year=2026
    )
    measure = Measure.objects.create(
        plan=plan,
        title="Skolvärdar",
        target_side="handler",
        owner=cw.kommun,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )
    channel = Channel.objects.get(name="Webb")

    def activity(title, area):
        a = Activity.objects.create(
            partnership=cw.p1,
            area=area,
            title=title,
            audience="Föräldrar",
            message="x",
            channel=channel,
            planned_on=date(2025, 5, 1),
            owner=cw.kommun,
        )
        a.measures.add(measure)
        return a

    west = activity("Nyhetsbrev i Västra Norrby", cw.west)
    whole = activity("Pressmeddelande för hela Norrby", cw.m1)
    client = client_for(cw.users["district_coordinator"])
    page = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert west.title in page and whole.title not in page
    listing = client.get(reverse("communication-home")).content.decode()
    assert west.title in listing and whole.title not in listing
    assert client.get(reverse("communication-detail", args=[whole.pk])).status_code == 404
    # The plan of West shows (timeline and exports too, which know no reader) only what
    # lies in West: the municipality-wide letter is on the communication page instead.
    svg = timeline.svg(plan, plan.measures.all())
    assert west.title in svg and whole.title not in svg
    coordinator = client_for(cw.users["coordinator"])
    page = coordinator.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert whole.title not in page
    listing = coordinator.get(reverse("communication-home")).content.decode()
    assert whole.title in listing
