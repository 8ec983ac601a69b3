"""Tertial reports through the REST API: the stored figures and the group's analysis, for
the partnership's coordinators and steering group, logged as the JSON download is."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.core.models import AuditEvent
from samverkan.followup import services
from tests.api_client import token_client as api
from tests.followup.test_indicators_and_tertials import followed  # noqa: F401 (fixture)

LIST = reverse("api-tertial-report-list")


def test_a_report_answers_its_stored_figures_and_analysis(world, followed):  # noqa: F811
    coord = world.users["coordinator"]
    report = services.generate_tertial_report(world.p1, "2025-T2", coord)
    services.set_tertial_analysis(report, "Färre skadegörelser efter vandringarna.", coord)
    report.refresh_from_db()
    client = api(world.users["steering"])

    listed = client.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [report.pk]
    assert "figures" not in listed["results"][0] and "analysis" not in listed["results"][0]
    assert listed["results"][0]["tertial"] == "2025-T2"

    body = client.get(reverse("api-tertial-report-detail", args=[report.pk])).json()
    assert body["figures"] == report.snapshot
    assert body["figures"]["indicators"][0]["tertial"]["count"] == 16
    assert body["analysis"] == report.analysis
    assert (body["period_start"], body["period_end"], body["status"]) == (
        "2025-05-01",
        report.period_end.isoformat(),
        "draft",
    )
    event = AuditEvent.objects.get(action="tertial_report.export")
    assert event.actor == world.users["steering"] and event.object_id == str(report.pk)
    assert event.details == {"format": "api"}


def test_reporters_and_other_partnerships_are_refused(world, followed):  # noqa: F811
    report = services.generate_tertial_report(world.p1, "2025-T1", world.users["coordinator"])
    url = reverse("api-tertial-report-detail", args=[report.pk])
    assert api(world.users["reporter"]).get(LIST).status_code == 403
    assert api(world.users["reporter"]).get(url).status_code == 404
    other = api(world.users["other_coordinator"])
    assert other.get(LIST).json()["results"] == []
    assert other.get(url).status_code == 404
    assert APIClient().get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="tertial_report.export").exists()
    # Read only: reports are made, analysed and approved on the pages.
    assert api(world.users["coordinator"]).delete(url).status_code == 405


def test_filters(world, followed):  # noqa: F811
    coord = world.users["coordinator"]
    t1 = services.generate_tertial_report(world.p1, "2025-T1", coord)
    t2 = services.generate_tertial_report(world.p1, "2025-T2", coord)
    client = api(coord)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids() == [t2.pk, t1.pk]
    assert ids(tertial="2025-T1") == [t1.pk]
    assert ids(partnership=world.p1.pk, status="draft") == [t2.pk, t1.pk]
    assert ids(partnership=world.p2.pk) == []
    assert client.get(LIST, {"status": "klar"}).status_code == 400
