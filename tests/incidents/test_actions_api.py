"""A coordinator's changes to an incident through the REST API: the page's actions, through
the same dispatch table (incidents.actions), with the same checks and audit events."""

from __future__ import annotations

from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident
from tests.api_client import token_client as api
from tests.incidents.test_triage import cat, make, other_category  # noqa: F401 (fixture)


def url(incident):
    return reverse("api-incident-actions", args=[incident.pk])


def test_status_feedback_and_category_as_on_the_page(world, cat):  # noqa: F811
    incident = make(world, cat)
    client = api(world.users["coordinator"])
    r = client.post(url(incident), {"action": "status", "status": "reviewed"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "reviewed"
    r = client.post(
        url(incident),
        {"action": "feedback", "feedback": "Tack! Ring Kalle Svensson på 070-123 45 67."},
        format="json",
    )
    assert r.status_code == 200
    # Masked as on the page: the reporter reads it.
    assert "Kalle" not in r.json()["feedback"] and "070" not in r.json()["feedback"]
    new = other_category(cat)
    r = client.post(url(incident), {"action": "category", "category": new.code}, format="json")
    assert r.status_code == 200 and r.json()["category"] == new.code
    incident.refresh_from_db()
    assert (incident.status, incident.category) == ("reviewed", new)
    actions = AuditEvent.objects.filter(
        object_id=str(incident.pk), actor=world.users["coordinator"]
    )
    assert {"incident.set_status", "incident.give_feedback", "incident.change_category"} <= set(
        actions.values_list("action", flat=True)
    )


def test_the_workflow_and_the_fields_are_checked(world, cat):  # noqa: F811
    incident = make(world, cat)
    client = api(world.users["coordinator"])
    client.post(url(incident), {"action": "status", "status": "closed"}, format="json")
    # A closed incident may only be reopened as reviewed (incidents.workflow).
    r = client.post(url(incident), {"action": "status", "status": "new"}, format="json")
    assert r.status_code == 400 and r.json()["detail"]
    r = client.post(url(incident), {"action": "status", "status": "klar"}, format="json")
    assert r.status_code == 400 and "status" in r.json()
    r = client.post(url(incident), {"action": "feedback", "feedback": ""}, format="json")
    assert r.status_code == 400 and "återkoppling" in r.json()["detail"]
    r = client.post(url(incident), {"action": "category", "category": "finns-inte"})
    assert r.status_code == 400 and "category" in r.json()
    r = client.post(url(incident), {"action": "radera"}, format="json")
    assert r.status_code == 400 and "action" in r.json()
    # Text where text belongs: a list is refused, not read as "['a', 'b']".
    r = client.post(url(incident), {"action": "feedback", "feedback": ["a", "b"]}, format="json")
    assert r.status_code == 400 and "feedback" in r.json()
    assert client.post(url(incident), [{"action": "status"}], format="json").status_code == 400
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.category == cat


def test_duplicate_only_of_an_incident_the_coordinator_sees(world, cat):  # noqa: F811
    original = make(world, cat)
    copy = make(world, cat, external_id="kopia", lon=15.51)
    theirs = make(world, cat, external_id="deras", organisation_id=world.other.pk, lon=16.5)
    client = api(world.users["coordinator"])
    r = client.post(url(copy), {"action": "duplicate", "of": theirs.pk}, format="json")
    assert r.status_code == 400 and "tillgång till" in r.json()["detail"]
    r = client.post(url(copy), {"action": "duplicate", "of": original.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "duplicate"
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_assignment_stays_within_the_partnership(world, cat):  # noqa: F811
    incident = make(world, cat)
    client = api(world.users["coordinator"])
    person = world.users["police_coordinator"]
    body = {"action": "assign", "organisation": world.other.pk, "person": None}
    r = client.post(url(incident), body, format="json")
    assert r.status_code == 400 and "organisation" in r.json()
    body = {"action": "assign", "organisation": world.polis.pk, "person": person.pk}
    assert client.post(url(incident), body, format="json").status_code == 200
    incident.refresh_from_db()
    assert incident.assigned_organisation == world.polis and incident.assigned_to == person


def test_tags_have_one_way_in_the_api(world, cat):  # noqa: F811
    incident = make(world, cat)
    client = api(world.users["coordinator"])
    r = client.post(url(incident), {"action": "tags", "tags": "klotter, Skolan"}, format="json")
    assert r.status_code == 400 and "action" in r.json()
    assert not incident.tags.exists()


def test_only_coordinators_who_see_the_incident(world, cat):  # noqa: F811
    incident = make(world, cat)
    body = {"action": "status", "status": "closed"}
    # The reporter sees the report but may not change it; Söderby's coordinator sees nothing.
    assert api(world.users["reporter"]).post(url(incident), body).status_code == 403
    assert api(world.users["other_coordinator"]).post(url(incident), body).status_code == 404
    assert Incident.objects.get(pk=incident.pk).status == "new"
    assert not AuditEvent.objects.filter(action="incident.set_status").exists()
