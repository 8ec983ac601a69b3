"""Entering, changing and removing resource rows: who may, audit events, list and CSV."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.resources import services
from samverkan.resources.models import Kind, ResourceEntry


def post(client, world, **data):
    values = {
        "partnership": world.p1.pk,
        "organisation": world.kommun.pk,
        "area": world.m1.pk,
        "month": "2026-03",
        "kind": Kind.FIELD_ASSISTANTS,
        "amount": "12.5",
        "note": "",
    }
    values.update(data)
    return client.post(
        reverse("resources-create") + f"?partnership={values['partnership']}", values
    )


def test_a_coordinator_enters_changes_and_removes_a_row_with_audit_events(world, client_for):
    client = client_for(world.users["coordinator"])
    response = post(client, world, organisation=world.polis.pk, kind=Kind.COMMUNITY_POLICE)
    assert response.status_code == 302
    entry = ResourceEntry.objects.get()
    assert (entry.organisation, entry.area, entry.month) == (
        world.polis,
        world.m1,
        date(2026, 3, 1),
    )
    assert float(entry.amount) == 12.5
    created = AuditEvent.objects.get(action="resource_entry.create")
    assert created.object_id == str(entry.pk)
    assert created.details["amount"] == "12.5" and created.details["month"] == "2026-03"

    page = client.get(reverse("resources-list"))
    assert "Kommunpolistimmar" in page.content.decode()

    response = client.post(
        reverse("resources-edit", args=[entry.pk]),
        {
            "partnership": world.p1.pk,
            "organisation": world.polis.pk,
            "area": world.m1.pk,
            "month": "2026-04",
            "kind": Kind.COMMUNITY_POLICE,
            "amount": "20",
            "note": "Helgpass",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.month == date(2026, 4, 1) and float(entry.amount) == 20
    changed = AuditEvent.objects.get(action="resource_entry.update")
    assert changed.details["before"]["month"] == "2026-03"
    assert changed.details["after"]["amount"] == "20.0"
    # The note may name people: it stays out of the log.
    assert "Helgpass" not in str(changed.details)

    assert client.post(reverse("resources-delete", args=[entry.pk])).status_code == 302
    assert not ResourceEntry.objects.exists()
    assert AuditEvent.objects.filter(action="resource_entry.delete").count() == 1


@pytest.mark.parametrize("who", ["reporter", "regional"])
def test_reporters_and_the_county_board_are_refused(world, client_for, who):
    client = client_for(world.users[who])
    assert client.get(reverse("resources-list")).status_code == 403
    assert post(client, world).status_code == 403
    assert client.get(reverse("resources-export")).status_code == 403
    assert not ResourceEntry.objects.exists()


def test_an_outsider_cannot_enter_or_see_the_partnerships_rows(world, client_for):
    from tests.resources.conftest import entry

    row = entry(world, world.m1, date(2026, 1, 1), Kind.GUARDS, 8)
    client = client_for(world.users["other_coordinator"])
    assert post(client, world).status_code == 404
    assert client.get(reverse("resources-edit", args=[row.pk])).status_code == 404
    assert client.post(reverse("resources-delete", args=[row.pk])).status_code == 404
    assert ResourceEntry.objects.count() == 1
    csv = client.get(reverse("resources-export")).content.decode("utf-8-sig")
    assert "Norrby" not in csv
    with pytest.raises(PermissionDenied):
        services.create_entry(
            world.users["other_coordinator"],
            partnership=world.p1,
            organisation=world.kommun,
            area=world.m1,
            month=date(2026, 1, 1),
            kind=Kind.GUARDS,
            amount=1,
        )


def test_a_partner_member_enters_only_its_own_organisations_rows(world, client_for):
    from tests.resources.conftest import entry

    police_row = entry(world, world.m1, date(2026, 1, 1), Kind.COMMUNITY_POLICE, 30)
    steering = world.users["steering"]  # Norrby kommun's steering group
    client = client_for(steering)
    assert post(client, world, organisation=world.kommun.pk).status_code == 302
    # The police's organisation is not a choice for the municipality's member.
    response = post(client, world, organisation=world.polis.pk)
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert ResourceEntry.objects.filter(organisation=world.kommun).count() == 1
    # It sees its own rows only, and cannot touch the police's.
    page = client.get(reverse("resources-list")).content.decode()
    assert "Kommunpolistimmar" not in page and "Fältassistenter" in page
    assert client.get(reverse("resources-edit", args=[police_row.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.delete_entry(police_row, steering)


def test_an_area_outside_the_users_reach_is_refused(world, client_for):
    client = client_for(world.users["coordinator"])
    response = post(client, world, area=world.m2.pk)
    assert response.status_code == 200 and "area" in response.context["form"].errors
    with pytest.raises(PermissionDenied):
        services.create_entry(
            world.users["coordinator"],
            partnership=world.p1,
            organisation=world.kommun,
            area=world.m2,
            month=date(2026, 1, 1),
            kind=Kind.GUARDS,
            amount=1,
        )
    assert not ResourceEntry.objects.exists()


def test_a_negative_amount_is_refused(world, client_for):
    client = client_for(world.users["coordinator"])
    response = post(client, world, amount="-3")
    assert response.status_code == 200 and "amount" in response.context["form"].errors
    assert not ResourceEntry.objects.exists()


def test_the_list_pages_and_the_csv_escapes_formulas(world, client_for):
    from tests.resources.conftest import entry

    for i in range(55):
        entry(world, world.m1, date(2025, 1 + i % 12, 1), Kind.GUARDS, i)
    evil = ResourceEntry.objects.first()
    evil.note = '=HYPERLINK("http://x","klicka")'
    evil.save()
    client = client_for(world.users["coordinator"])
    first = client.get(reverse("resources-list"))
    assert len(first.context["entries"]) == 50
    assert 'rel="next"' in first.content.decode()
    second = client.get(reverse("resources-list") + f"?partnership={world.p1.pk}&page=2")
    assert len(second.context["entries"]) == 5
    response = client.get(reverse("resources-export") + f"?partnership={world.p1.pk}")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert len(text.strip().splitlines()) == 56
    assert "'=HYPERLINK" in text
    assert AuditEvent.objects.get(action="resource_entry.export").details["rows"] == 55
