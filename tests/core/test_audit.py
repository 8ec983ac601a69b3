"""The audit log is append-only: written by the service, never changed or deleted."""

import pytest
from django.urls import reverse

from samverkan.core import audit
from samverkan.core.models import AuditEvent


@pytest.fixture
def event(world):
    return audit.record(
        "test.action", actor=world.users["coordinator"], obj=world.kommun, purpose="test"
    )


def test_record_writes_who_what_and_object(event, world):
    assert event.actor_name == "samordnare"
    assert event.object_type == "core.organisation"
    assert event.object_id == str(world.kommun.pk)
    assert event.purpose == "test"


def test_record_takes_actor_and_ip_from_request(rf, world):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.users["reporter"]
    e = audit.record("test.request", request=request)
    assert (e.actor, e.ip) == (world.users["reporter"], "10.1.2.3")


def test_event_cannot_be_changed(event):
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "url_name,method",
    [
        ("admin:core_auditevent_change", "post"),
        ("admin:core_auditevent_delete", "post"),
    ],
)
def test_superuser_cannot_edit_or_delete_in_admin(url_name, method, event, world, client):
    client.force_login(world.users["sysadmin"])
    url = reverse(url_name, args=[event.pk])
    response = getattr(client, method)(url, {"action": "tampered", "post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_superuser_cannot_add_in_admin(world, client):
    client.force_login(world.users["sysadmin"])
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403


def test_admin_bulk_delete_action_is_absent(event, world, client):
    client.force_login(world.users["sysadmin"])
    response = client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302, 403)


def test_api_has_no_audit_endpoint(world, client):
    client.force_login(world.users["sysadmin"])
    assert client.delete(f"/api/auditevents/{1}/").status_code == 404
    assert client.get("/api/").json().get("auditevents") is None


def test_audit_page_shows_only_own_organisation(world, client):
    audit.record("own.event", organisation=world.kommun)
    audit.record("other.event", organisation=world.other)
    client.force_login(world.users["org_admin"])
    html = client.get(reverse("audit-log")).content.decode()
    assert "own.event" in html and "other.event" not in html
