"""An incident becomes a duplicate only with its original named.

A duplicate leaves every count; without ``duplicate_of`` nobody can tell which report it
repeated, check the decision or undo it with sense. The page's status form used to hide
"duplicate", but the status action, the bulk status on the triage list and the API's
actions endpoint all accepted it with no original. Now every path goes through
``services.set_status``, which refuses it and points to "Markera som dubblett".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.incidents import services, workflow
from samverkan.incidents.models import Incident, IncidentArea
from tests.api_client import token_client as api
from tests.incidents.test_triage import cat, make  # noqa: F401 (fixture)


def _unchanged(incident, status="new"):
    incident.refresh_from_db()
    assert (incident.status, incident.duplicate_of_id) == (status, None)
    assert not IncidentArea.objects.filter(incident=incident, is_duplicate=True).exists()
    assert not AuditEvent.objects.filter(
        object_id=str(incident.pk), action="incident.set_status"
    ).exists()


def test_the_service_refuses_duplicate_as_a_plain_status(world, cat):  # noqa: F811
    incident = make(world, cat)
    with pytest.raises(workflow.TransitionError, match="Markera som dubblett"):
        services.set_status(incident, "duplicate", world.users["coordinator"])
    _unchanged(incident)


def test_the_status_action_on_the_page_refuses_it(world, cat, client):  # noqa: F811
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert 'id="status-select"' in page and '<option value="duplicate">' not in page
    response = client.post(
        reverse("incident-action", args=[incident.pk, "status"]),
        {"status": "duplicate"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Välj en status." in response.content.decode()
    _unchanged(incident)


def test_bulk_status_offers_and_accepts_no_duplicate(world, cat, client):  # noqa: F811
    incidents = [make(world, cat, external_id=str(i), lon=15.5 + i / 100) for i in range(2)]
    client.force_login(world.users["coordinator"])
    triage = client.get(reverse("incident-triage")).content.decode()
    bulk_select = triage[triage.index('id="bulk-status"') :].split("</select>")[0]
    assert 'value="closed"' in bulk_select and 'value="duplicate"' not in bulk_select
    response = client.post(
        reverse("incident-bulk-status"),
        {"ids": [i.pk for i in incidents], "status": "duplicate"},
        follow=True,
    )
    assert "Välj minst en händelse och en status." in response.content.decode()
    for incident in incidents:
        _unchanged(incident)


def test_the_api_refuses_it_and_marks_a_duplicate_only_with_of(world, cat):  # noqa: F811
    original = make(world, cat)
    copy = make(world, cat, external_id="kopia", lon=15.51)
    client = api(world.users["coordinator"])
    url = reverse("api-incident-actions", args=[copy.pk])
    r = client.post(url, {"action": "status", "status": "duplicate"}, format="json")
    assert r.status_code == 400 and "status" in r.json()
    _unchanged(copy)
    r = client.post(url, {"action": "duplicate"}, format="json")
    assert r.status_code == 400
    _unchanged(copy)
    r = client.post(url, {"action": "duplicate", "of": original.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "duplicate"
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    # Undone with a plain status change, which lets go of the original.
    r = client.post(url, {"action": "status", "status": "new"}, format="json")
    assert r.status_code == 200
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of) == ("new", None)


def _admin_post(client, world, incident, **changes):
    url = reverse("admin:incidents_incident_change", args=[incident.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        occurred_from_0="2025-03-05",
        occurred_from_1="12:00:00",
        reported_at_0="2025-03-05",
        reported_at_1="12:00:00",
        **changes,
    )
    data = {k: v for k, v in data.items() if k not in ("occurred_from", "reported_at")}
    return client.post(url, data)


def test_the_admin_site_asks_for_the_original(world, cat, client):  # noqa: F811
    incident = make(world, cat)
    client.force_login(world.users["sysadmin"])
    response = _admin_post(client, world, incident, status="duplicate")
    assert response.status_code == 200
    assert "Ange originalet" in str(response.context["adminform"].form.errors)
    response = _admin_post(client, world, incident, status="new", duplicate_of=incident.pk)
    assert "dubblett av sig själv" in str(response.context["adminform"].form.errors)
    _unchanged(incident)


def test_a_duplicate_whose_original_was_deleted_can_still_be_edited(world, cat, client):  # noqa: F811
    original = make(world, cat)
    copy = make(world, cat, external_id="kopia", lon=15.51)
    services.mark_duplicate(copy, original, world.users["coordinator"])
    original.delete()
    client.force_login(world.users["sysadmin"])
    response = _admin_post(client, world, copy, status="duplicate", visibility="public")
    assert response.status_code == 302
    assert Incident.objects.get(pk=copy.pk).visibility == "public"


def test_the_admin_link_field_assumes_https(world, cat, client):  # noqa: F811
    incident = make(world, cat)
    client.force_login(world.users["sysadmin"])
    response = _admin_post(client, world, incident, url="polisen.se/handelse/1")
    assert response.status_code == 302
    assert Incident.objects.get(pk=incident.pk).url == "https://polisen.se/handelse/1"
