"""Weekly meetings and their actions in the API: the meeting pages' access, minutes only
once frozen."""

from __future__ import annotations

import pytest

from samverkan.meetings import services


def test_readers_see_agenda_places_and_actions(aw, token_client):
    client = token_client(aw.users["steering"])
    listed = client.get("/api/meetings/").json()
    assert [m["id"] for m in listed["results"]] == [aw.api_meeting.pk]
    assert "agenda" not in listed["results"][0]
    data = client.get(f"/api/meetings/{aw.api_meeting.pk}/").json()
    assert data["partnership"] == aw.p1.pk and data["status"] == "planned"
    assert [(p["name"], p["area"], p["organisation"]) for p in data["places"]] == [
        ("Torget", aw.m1.code, aw.polis.name)
    ]
    assert [a["id"] for a in data["actions"]] == [aw.api_meeting_action.pk]
    assert data["minutes"] is None  # not closed: nothing frozen yet


def test_a_closed_meeting_shows_its_frozen_minutes(aw, token_client):
    meeting = services.close_meeting(aw.api_meeting, aw.users["coordinator"])
    data = token_client(aw.users["coordinator"]).get(f"/api/meetings/{meeting.pk}/").json()
    assert data["status"] == "closed"
    assert data["minutes"] == meeting.minutes and data["minutes"]


def test_actions_filter_by_status_and_due_date(aw, token_client):
    client = token_client(aw.users["coordinator"])
    assert client.get("/api/meeting-actions/", {"status": "open"}).json()["count"] == 1
    assert client.get("/api/meeting-actions/", {"status": "done"}).json()["count"] == 0
    assert client.get("/api/meeting-actions/", {"due_before": "2026-08-25"}).json()["count"] == 0
    assert client.get("/api/meeting-actions/", {"due_before": "2026-08-26"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("meetings", {"status": "held"}),
        ("meetings", {"starts_from": "i tisdags"}),
        ("meeting-actions", {"meeting": "x"}),
    ],
)
def test_bad_filters_are_400(aw, token_client, path, params):
    response = token_client(aw.users["coordinator"]).get(f"/api/{path}/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_other_partnership_and_reporter_learn_nothing(aw, token_client):
    other = token_client(aw.users["other_coordinator"])
    assert other.get("/api/meetings/").json()["count"] == 0
    assert other.get(f"/api/meetings/{aw.api_meeting.pk}/").status_code == 404
    reporter = token_client(aw.users["reporter"])
    assert reporter.get("/api/meetings/").status_code == 403
    assert reporter.get(f"/api/meeting-actions/{aw.api_meeting_action.pk}/").status_code == 404
