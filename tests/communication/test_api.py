"""Communication activities through the REST API: read only, under the pages' rules."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.communication.models import Activity
from tests.api_client import token_client as api

LIST = reverse("api-communication-activity-list")


def detail(activity) -> str:
    return reverse("api-communication-activity-detail", args=[activity.pk])


def test_readers_get_the_activity_with_its_ties(cw):
    cw.activity.measures.add(cw.measure)
    cw.activity.promises.add(cw.promise)
    for name in ("coordinator", "steering"):
        body = api(cw.users[name]).get(detail(cw.activity)).json()
        assert body["title"] == "Informationsbrev om källarbelysning"
        assert (body["area"], body["channel"], body["owner"]) == ("9901", "Brev", cw.bostad.pk)
        assert body["measures"] == [cw.measure.pk] and body["promises"] == [cw.promise.pk]
        assert (body["status"], body["planned_on"]) == ("planned", "2025-04-01")
        assert body["link"] == "https://example.org/brev"


def test_a_link_that_is_not_a_web_address_never_reaches_the_client(cw):
    Activity.objects.filter(pk=cw.activity.pk).update(link="javascript:alert(1)")
    body = api(cw.users["coordinator"]).get(detail(cw.activity)).json()
    assert body["link"] == ""


def test_reporters_and_other_partnerships_are_refused(cw):
    reporter = api(cw.users["reporter"])
    assert reporter.get(LIST).status_code == 403
    assert reporter.get(detail(cw.activity)).status_code == 404
    other = api(cw.users["other_coordinator"])
    assert other.get(LIST).json()["results"] == []
    assert other.get(detail(cw.activity)).status_code == 404
    assert APIClient().get(LIST).status_code == 403
    # Read only: activities are planned and followed up on the pages.
    coordinator = api(cw.users["coordinator"])
    assert coordinator.post(LIST, {"title": "x"}, format="json").status_code == 405
    assert coordinator.delete(detail(cw.activity)).status_code == 405


def test_a_district_coordinator_reads_the_districts_activities_only(cw):
    from tests.plans.districts import add_districts

    add_districts(cw)
    west = Activity.objects.create(
        partnership=cw.p1,
        area=cw.west,
        title="Nyhetsbrev i Västra Norrby",
        audience="Föräldrar",
        message="x",
        channel=cw.activity.channel,
        planned_on=date(2025, 5, 1),
        owner=cw.kommun,
    )
    client = api(cw.users["district_coordinator"])
    assert [a["id"] for a in client.get(LIST).json()["results"]] == [west.pk]
    assert client.get(detail(cw.activity)).status_code == 404


def test_filters(cw):
    cw.activity.measures.add(cw.measure)
    done = Activity.objects.create(
        partnership=cw.p1,
        title="Affischer",
        audience="Alla",
        message="x",
        channel=cw.activity.channel,
        planned_on=date(2025, 6, 1),
        owner=cw.kommun,
        status="done",
    )
    client = api(cw.users["coordinator"])

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [cw.activity.pk, done.pk]
    assert ids(status="done") == [done.pk]
    assert ids(measure=cw.measure.pk) == [cw.activity.pk]
    assert ids(planned_from="2025-05-01") == [done.pk]
    assert ids(planned_before="2025-05-01", area="9901") == [cw.activity.pk]
    for bad in ({"status": "klar"}, {"planned_from": "maj"}, {"measure": "x"}):
        response = client.get(LIST, bad)
        assert response.status_code == 400 and next(iter(bad)) in response.json()
