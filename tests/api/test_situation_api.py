"""Lägesbilder in the API: the stored figures, for exactly those the pages show them to."""

from __future__ import annotations

import pytest

from samverkan.core import periods
from samverkan.situation import services
from samverkan.situation.models import SituationReport


def _shared(world, audience="shared"):
    coordinator = world.users["coordinator"]
    report = services.create_report(
        world.m1, periods.parse("2025-02"), world.p1, coordinator, audience
    )
    return services.share(services.approve(report, coordinator), coordinator)


def test_detail_repeats_the_stored_figures_not_a_recount(aw, token_client):
    report = aw.situation_report
    stored = SituationReport.objects.get(pk=report.pk).snapshot
    # A recount would give other figures: the API must not recount.
    SituationReport.objects.filter(pk=report.pk).update(status="draft")
    marked = {**stored, "totals": {**stored["totals"], "count": 4711}}
    SituationReport.objects.filter(pk=report.pk).update(snapshot=marked)
    services.approve(SituationReport.objects.get(pk=report.pk), aw.users["coordinator"])
    body = token_client(aw.users["coordinator"]).get(f"/api/situation-reports/{report.pk}/")
    assert body.status_code == 200
    data = body.json()
    assert data["figures"] == marked
    assert data["figures"]["totals"]["count"] == 4711
    assert data["audience"] == "internal" and data["status"] == "approved"
    assert data["area"] == aw.m1.code


def test_list_leaves_the_figures_out_and_filters(aw, token_client):
    client = token_client(aw.users["coordinator"])
    listed = client.get("/api/situation-reports/").json()
    assert [r["id"] for r in listed["results"]] == [aw.situation_report.pk]
    assert "figures" not in listed["results"][0]
    assert client.get("/api/situation-reports/", {"area": aw.m2.code}).json()["count"] == 0
    assert client.get("/api/situation-reports/", {"status": "approved"}).json()["count"] == 1


@pytest.mark.parametrize(
    "params",
    [{"status": "frozen"}, {"audience": "everyone"}, {"starts_from": "march"}, {"series": "x"}],
)
def test_a_bad_filter_is_a_400_naming_it(aw, token_client, params):
    response = token_client(aw.users["coordinator"]).get("/api/situation-reports/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_regional_viewer_gets_shared_pictures_with_their_suppression_only(aw, token_client):
    shared = _shared(aw)
    client = token_client(aw.users["regional"])
    listed = client.get("/api/situation-reports/").json()
    assert [r["id"] for r in listed["results"]] == [shared.pk]
    data = client.get(f"/api/situation-reports/{shared.pk}/").json()
    assert data["figures"] == SituationReport.objects.get(pk=shared.pk).snapshot
    assert data["figures"]["suppression_k"]  # the shared picture's own protection
    internal = client.get(f"/api/situation-reports/{aw.situation_report.pk}/")
    assert internal.status_code == 404


def test_reporter_never_sees_a_draft(aw, token_client):
    draft = services.create_report(aw.m1, periods.parse("2025-01"), aw.p1, aw.users["coordinator"])
    client = token_client(aw.users["reporter"])
    ids = [r["id"] for r in client.get("/api/situation-reports/").json()["results"]]
    assert draft.pk not in ids and aw.situation_report.pk in ids
    assert client.get(f"/api/situation-reports/{draft.pk}/").status_code == 404
    coordinator = token_client(aw.users["coordinator"])
    assert coordinator.get(f"/api/situation-reports/{draft.pk}/").status_code == 200


def test_the_api_is_read_only_for_reports(aw, token_client):
    client = token_client(aw.users["coordinator"])
    url = f"/api/situation-reports/{aw.situation_report.pk}/"
    assert client.patch(url, {"audience": "public"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.post("/api/situation-reports/", {}, format="json").status_code == 405


def test_a_deactivated_users_token_is_refused(aw, token_client):
    user = aw.users["coordinator"]
    client = token_client(user)
    assert client.get("/api/situation-reports/").status_code == 200
    user.is_active = False
    user.save()
    refused = client.get("/api/situation-reports/")
    assert refused.status_code in (401, 403)
    assert "results" not in refused.json()
