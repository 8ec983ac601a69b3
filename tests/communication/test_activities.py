"""The communication plan: planning, the done/cancelled workflow, the overdue flag,
refusals and audit events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samverkan.communication import services, workflow
from samverkan.communication.models import Activity, Channel
from samverkan.core.models import AuditEvent
from samverkan.plans.models import ActionPlan, CitizenPromise, Measure


def _post_data(cw, **over):
    data = {
        "partnership": cw.p1.pk,
        "area": cw.m1.pk,
        "title": "Affischer i trapphusen",
        "audience": "Boende i Norrby",
        "message": "Ny belysning i källarna – hör av dig om något är trasigt.",
        "channel": Channel.objects.get(name="Affisch").pk,
        "planned_on": "2025-05-02",
        "owner": cw.bostad.pk,
        "owner_person": "Eva Ek",
        "measures": [cw.measure.pk],
        "promises": [cw.promise.pk],
    }
    data.update(over)
    return data


def actions(obj):
    return list(
        AuditEvent.objects.filter(object_type="communication.activity", object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_coordinator_plans_an_activity_tied_to_a_measure_and_a_promise(cw, client_for):
    client = client_for(cw.users["coordinator"])
    response = client.post(reverse("communication-create"), _post_data(cw))
    activity = Activity.objects.get(title="Affischer i trapphusen")
    assert response.status_code == 302
    assert response["Location"] == reverse("communication-detail", args=[activity.pk])
    assert activity.status == workflow.PLANNED
    assert activity.created_by == cw.users["coordinator"]
    assert list(activity.measures.all()) == [cw.measure]
    assert list(activity.promises.all()) == [cw.promise]
    assert actions(activity) == ["communication_activity.create"]
    page = client.get(reverse("communication-detail", args=[activity.pk])).content.decode()
    assert "Boende i Norrby" in page and "Affisch" in page and "Belysning i källargångar" in page


def test_the_form_starts_from_a_measure(cw, client_for):
    client = client_for(cw.users["coordinator"])
    page = client.get(reverse("communication-create") + f"?atgard={cw.measure.pk}")
    form = page.context["form"]
    assert form.initial["partnership"] == cw.p1.pk
    assert form.initial["measures"] == [cw.measure.pk]
    # Another partnership's measure gives nothing away.
    other = client_for(cw.users["other_coordinator"])
    page = other.get(reverse("communication-create") + f"?atgard={cw.measure.pk}")
    assert "measures" not in page.context["form"].initial


def test_measures_and_owner_of_another_partnership_are_refused(cw, client_for):
    plan = ActionPlan.objects.create(
        partnership=cw.p2, title="Söderby", start_year=2025, end_year=2026
    )
    foreign = Measure.objects.create(
        plan=plan,
        title="Söderbys åtgärd",
        target_side="place",
        owner=cw.other,
        start=date(2025, 1, 1),
        end=date(2025, 6, 1),
    )
    client = client_for(cw.users["coordinator"])
    response = client.post(
        reverse("communication-create"),
        _post_data(cw, measures=[foreign.pk], owner=cw.other.pk, promises=[]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "measures" in errors and "owner" in errors
    assert not Activity.objects.filter(title="Affischer i trapphusen").exists()


def test_edit_records_the_changed_fields(cw, client_for):
    client = client_for(cw.users["coordinator"])
    a = cw.activity
    data = _post_data(cw, title=a.title, measures=[], promises=[])
    response = client.post(reverse("communication-edit", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.channel.name == "Affisch"
    event = AuditEvent.objects.get(action="communication_activity.update")
    assert "channel" in event.details["fields"] and "message" in event.details["fields"]
    # The content itself stays out of the log.
    assert "hör av dig" not in str(event.details)


def test_mark_done_records_what_was_done(cw, client_for):
    client = client_for(cw.users["coordinator"])
    url = reverse("communication-status", args=[cw.activity.pk])
    response = client.post(
        url,
        {
            "status": "done",
            "done_on": "2025-04-03",
            "outcome": "Brevet delades ut till 420 hushåll.",
            "reached": "420",
            "link": "https://norrby.example/brev",
        },
    )
    assert response.status_code == 302
    a = Activity.objects.get(pk=cw.activity.pk)
    assert a.status == workflow.DONE and a.done_on == date(2025, 4, 3) and a.reached == 420
    assert a.link == "https://norrby.example/brev"
    event = AuditEvent.objects.get(action="communication_activity.set_status")
    assert event.details == {"old": "planned", "new": "done"}


def test_done_needs_a_date_not_in_the_future(cw, client_for):
    client = client_for(cw.users["coordinator"])
    url = reverse("communication-status", args=[cw.activity.pk])
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.post(url, {"status": "done", "done_on": tomorrow.isoformat()})
    client.post(url, {"status": "done"})
    cw.activity.refresh_from_db()
    assert cw.activity.status == workflow.PLANNED
    with pytest.raises(ValidationError):
        services.set_status(cw.activity, workflow.DONE, cw.users["coordinator"])
    assert not AuditEvent.objects.filter(action="communication_activity.set_status").exists()


def test_workflow_is_the_table(cw):
    user = cw.users["coordinator"]
    a = services.set_status(cw.activity, workflow.CANCELLED, user)
    assert a.status == workflow.CANCELLED
    with pytest.raises(workflow.TransitionError):
        services.set_status(a, workflow.DONE, user)
    a = services.set_status(a, workflow.PLANNED, user)
    a = services.set_status(a, workflow.DONE, user, done_on=date(2025, 4, 2), outcome="Klart")
    with pytest.raises(workflow.TransitionError):
        services.set_status(a, workflow.CANCELLED, user)
    a = services.set_status(a, workflow.PLANNED, user)
    assert a.done_on is None and a.outcome == "Klart"
    assert actions(a) == ["communication_activity.set_status"] * 4


def test_overdue_planned_activities_are_flagged(cw, client_for):
    today = timezone.localdate()
    late = cw.activity  # planned on 2025-04-01
    Activity.objects.filter(pk=late.pk).update(planned_on=today - timedelta(days=3))
    future = Activity.objects.create(
        partnership=cw.p1,
        title="Möte med föräldrar",
        audience="Föräldrar",
        message="Välkomna",
        channel=Channel.objects.get(name="Möte"),
        planned_on=today + timedelta(days=10),
        owner=cw.kommun,
    )
    done_late = Activity.objects.create(
        partnership=cw.p1,
        title="Inlägg i sociala medier",
        audience="Unga",
        message="Tips",
        channel=Channel.objects.get(name="Sociala medier"),
        planned_on=today - timedelta(days=30),
        owner=cw.kommun,
        status=workflow.DONE,
        done_on=today - timedelta(days=29),
    )
    late.refresh_from_db()
    assert late.is_overdue() and not future.is_overdue() and not done_late.is_overdue()
    response = client_for(cw.users["coordinator"]).get(reverse("communication-home"))
    ctx = response.context
    assert [a.pk for a in ctx["planned"]] == [late.pk, future.pk]
    assert [a.overdue for a in ctx["planned"]] == [True, False]
    assert ctx["overdue"] == 1 and [a.pk for a in ctx["done"]] == [done_late.pk]
    page = response.content.decode()
    assert page.count('class="overdue"') == 2  # the row and its flag
    assert "1 aktivitet är försenad." in page


def test_steering_reads_but_does_not_change(cw, client_for):
    client = client_for(cw.users["steering"])
    assert client.get(reverse("communication-home")).status_code == 200
    detail = client.get(reverse("communication-detail", args=[cw.activity.pk]))
    assert detail.status_code == 200 and "Markera som genomförd" not in detail.content.decode()
    assert client.get(reverse("communication-create")).status_code == 403
    assert client.get(reverse("communication-edit", args=[cw.activity.pk])).status_code == 403
    response = client.post(
        reverse("communication-status", args=[cw.activity.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 403
    cw.activity.refresh_from_db()
    assert cw.activity.status == workflow.PLANNED


@pytest.mark.parametrize("who", ["reporter", "other_coordinator"])
def test_reporters_and_outsiders_are_refused(cw, client_for, who):
    client = client_for(cw.users[who])
    assert client.get(reverse("communication-detail", args=[cw.activity.pk])).status_code == 404
    response = client.post(
        reverse("communication-status", args=[cw.activity.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 404
    cw.activity.refresh_from_db()
    assert cw.activity.status == workflow.PLANNED
    if who == "other_coordinator":
        page = client.get(reverse("communication-home")).content.decode()
        assert cw.activity.title not in page
    else:
        assert client.get(reverse("communication-home")).status_code == 403


def test_link_only_for_web_addresses(cw, client_for):
    Activity.objects.filter(pk=cw.activity.pk).update(link="javascript:alert(1)")
    page = client_for(cw.users["coordinator"]).get(
        reverse("communication-detail", args=[cw.activity.pk])
    )
    body = page.content.decode()
    assert "javascript:alert(1)" in body and 'href="javascript:' not in body


def test_text_is_escaped(cw, client_for):
    Activity.objects.filter(pk=cw.activity.pk).update(
        title="<script>alert(1)</script>", audience="<b>x</b>"
    )
    client = client_for(cw.users["coordinator"])
    for url in (
        reverse("communication-home"),
        reverse("communication-detail", args=[cw.activity.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
        assert "<b>x</b>" not in body


def test_promise_of_the_partnership_counts(cw):
    promise = CitizenPromise.objects.get(pk=cw.promise.pk)
    cw.activity.promises.add(promise)
    assert list(promise.communication.all()) == [cw.activity]
