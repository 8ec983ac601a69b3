"""The audit log is append-only: written by the service, never changed or deleted."""

import pytest
from django.urls import reverse

from samverkan.core import audit
from samverkan.core.models import AuditEvent


@pytest.fixture
def event(world):
    return audit.record(
        "incident.export", actor=world.users["coordinator"], obj=world.kommun, purpose="test"
    )


def test_record_writes_who_what_and_object(event, world):
    assert event.actor_name == "samordnare"
    assert event.object_type == "core.organisation"
    assert event.object_id == str(world.kommun.pk)
    assert event.purpose == "test"


def test_record_takes_actor_and_ip_from_request(rf, world):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = world.users["reporter"]
    e = audit.record("incident.export", request=request)
    assert (e.actor, e.ip) == (world.users["reporter"], "10.1.2.3")


def test_event_cannot_be_changed(event):
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "incident.export"


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
    assert AuditEvent.objects.get(pk=event.pk).action == "incident.export"


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
    audit.record("incident.create", organisation=world.kommun)
    audit.record("incident.import", organisation=world.other)
    client.force_login(world.users["org_admin"])
    html = client.get(reverse("audit-log")).content.decode()
    assert "incident.create" in html and "incident.import" not in html


# --------------------------------------------------------------------------- deleted users


def _rows():
    return list(AuditEvent.objects.order_by("pk").values())


def test_deleting_a_user_leaves_every_audit_row_as_it_was(world):
    reporter = world.users["reporter"]
    audit.record("incident.create", actor=reporter, organisation=world.bostad)
    audit.record("membership.change", actor=world.users["coordinator"], obj=reporter)
    before = _rows()
    reporter_id = reporter.pk
    reporter.delete()
    assert _rows() == before
    event = AuditEvent.objects.get(action="incident.create")
    assert (event.actor_id, event.actor_name) == (reporter_id, "rapportor")


def test_deleting_an_organisation_leaves_its_audit_rows_as_they_were(world):
    from samverkan.core.models import Organisation

    org = Organisation.objects.create(name="Nedlagd förening", kind="association")
    audit.record(
        "organisation.set_two_factor_policy", actor=world.users["sysadmin"], organisation=org
    )
    before = _rows()
    org.delete()
    assert _rows() == before


def test_audit_pages_show_the_name_of_a_deleted_user(world, client):
    from django.contrib.auth import get_user_model

    gone = get_user_model().objects.create_user("slutat", password="pw-slutat")
    event = audit.record("user.sign_in", actor=gone, organisation=world.kommun)
    gone.delete()
    client.force_login(world.users["org_admin"])
    assert "slutat" in client.get(reverse("audit-log")).content.decode()
    client.force_login(world.users["sysadmin"])
    listing = client.get(reverse("admin:core_auditevent_changelist"))
    assert listing.status_code == 200 and "slutat" in listing.content.decode()
    page = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert page.status_code == 200 and "slutat" in page.content.decode()


def test_deleting_a_user_in_the_admin_records_it_and_keeps_their_events(world, client):
    reporter = world.users["reporter"]
    audit.record("incident.create", actor=reporter)
    before = _rows()
    client.force_login(world.users["sysadmin"])
    response = client.post(reverse("admin:auth_user_delete", args=[reporter.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not type(reporter).objects.filter(pk=reporter.pk).exists()
    assert _rows()[: len(before)] == before
    revoked = AuditEvent.objects.get(action="membership.revoke")
    assert revoked.actor == world.users["sysadmin"]
    assert revoked.details["user"] == "rapportor" and revoked.details["role"] == "reporter"
    assert revoked.organisation == world.bostad
    assert AuditEvent.objects.get(action="user.delete").details["user"] == "rapportor"


# --------------------------------------------------------------------------- roles in the admin


def test_granting_a_role_in_the_admin_is_an_audit_event(world, client):
    from django.contrib.auth import get_user_model

    new = get_user_model().objects.create_user("nyanstalld", password="pw-nyanstalld")
    client.force_login(world.users["sysadmin"])
    response = client.post(
        reverse("admin:core_membership_add"),
        {
            "user": new.pk,
            "organisation": world.kommun.pk,
            "role": "coordinator",
            "areas": [world.m1.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="membership.grant")
    assert event.actor == world.users["sysadmin"] and event.actor_name == "admin"
    assert event.organisation == world.kommun
    assert event.details == {
        "user_id": new.pk,
        "user": "nyanstalld",
        "organisation_id": world.kommun.pk,
        "organisation": "Norrby kommun",
        "role": "coordinator",
        "areas": ["9901"],
    }


def test_changing_a_role_in_the_admin_records_before_and_after(world, client):
    from samverkan.core.models import Membership

    m = Membership.objects.get(user=world.users["steering"])
    client.force_login(world.users["sysadmin"])
    url = reverse("admin:core_membership_change", args=[m.pk])
    data = {"user": m.user_id, "organisation": m.organisation_id, "role": "org_admin"}
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="membership.change")
    assert (event.details["before"]["role"], event.details["after"]["role"]) == (
        "steering",
        "org_admin",
    )
    assert event.actor == world.users["sysadmin"] and event.object_id == str(m.pk)
    # Saving again without a change records nothing more.
    assert client.post(url, data).status_code == 302
    assert AuditEvent.objects.filter(action="membership.change").count() == 1


def test_removing_roles_in_the_admin_is_an_audit_event(world, client):
    from samverkan.core.models import Membership

    one = Membership.objects.get(user=world.users["steering"])
    two = Membership.objects.get(user=world.users["regional"])
    client.force_login(world.users["sysadmin"])
    client.post(reverse("admin:core_membership_delete", args=[one.pk]), {"post": "yes"})
    client.post(
        reverse("admin:core_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
    )
    assert not Membership.objects.filter(pk__in=[one.pk, two.pk]).exists()
    revoked = AuditEvent.objects.filter(action="membership.revoke")
    assert sorted(e.details["user"] for e in revoked) == ["lansviewer", "styrgrupp"]
    assert {e.actor_name for e in revoked} == {"admin"}


def test_a_role_is_not_granted_when_its_audit_event_fails(world, client, monkeypatch):
    from django.contrib.auth import get_user_model

    from samverkan.core.models import Membership

    real = audit.record

    def fail(action, **kwargs):
        if action.startswith("membership."):
            raise RuntimeError("audit down")
        return real(action, **kwargs)

    new = get_user_model().objects.create_user("nyanstalld", password="pw-nyanstalld")
    monkeypatch.setattr(audit, "record", fail)
    client.force_login(world.users["sysadmin"])
    with pytest.raises(RuntimeError):
        client.post(
            reverse("admin:core_membership_add"),
            {"user": new.pk, "organisation": world.kommun.pk, "role": "coordinator"},
        )
    assert not Membership.objects.filter(user=new).exists()


def test_making_a_superuser_in_the_admin_is_an_audit_event(world, client):
    user = world.users["coordinator"]
    client.force_login(world.users["sysadmin"])
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "12:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="user.change_privileges")
    assert event.details["before"]["is_superuser"] is False
    assert event.details["after"]["is_superuser"] is True
    assert event.details["user"] == "samordnare" and event.actor == world.users["sysadmin"]
