"""Resource rows through the REST API: a machine client enters, reads, changes and removes
rows under the pages' rules, and each change leaves the form's audit event."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from samverkan.resources.models import Kind, ResourceEntry
from tests.api_client import token_client as api

LIST = reverse("api-resource-entry-list")


def detail(entry) -> str:
    return reverse("api-resource-entry-detail", args=[entry.pk])


def row(world, **values):
    data = {
        "partnership": world.p1.pk,
        "organisation": world.polis.pk,
        "area": world.m1.pk,
        "month": "2026-03",
        "kind": Kind.COMMUNITY_POLICE,
        "amount": "12.5",
        "note": "",
    }
    data.update(values)
    return data


def entry(world, **values):
    fields = {
        "partnership": world.p1,
        "organisation": world.polis,
        "area": world.m1,
        "month": date(2026, 1, 1),
        "kind": Kind.COMMUNITY_POLICE,
        "amount": 40,
    }
    fields.update(values)
    return ResourceEntry.objects.create(**fields)


def test_a_machine_client_enters_reads_changes_and_removes_a_row(world):
    client = api(world.users["coordinator"])
    created = client.post(LIST, row(world), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["month"], body["amount"], body["unit"]) == ("2026-03", "12.5", "h")
    assert (body["area_code"], body["area_name"]) == (world.m1.code, world.m1.name)
    stored = ResourceEntry.objects.get(pk=body["id"])
    assert (stored.month, stored.organisation, stored.created_by) == (
        date(2026, 3, 1),
        world.polis,
        world.users["coordinator"],
    )
    event = AuditEvent.objects.get(action="resource_entry.create")
    assert event.object_id == str(stored.pk) and event.actor == world.users["coordinator"]
    assert event.details["amount"] == "12.5" and event.details["month"] == "2026-03"

    listed = client.get(LIST).json()
    assert [r["id"] for r in listed["results"]] == [stored.pk] and listed["count"] == 1

    changed = client.patch(detail(stored), {"amount": "20", "month": "2026-04-17"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["amount"], changed.json()["month"]) == ("20.0", "2026-04")
    event = AuditEvent.objects.get(action="resource_entry.update")
    assert event.details["before"]["amount"] == "12.5"
    assert event.details["after"] == {
        **event.details["before"],
        "amount": "20.0",
        "month": "2026-04",
    }

    assert client.delete(detail(stored)).status_code == 204
    assert not ResourceEntry.objects.exists()
    assert AuditEvent.objects.filter(action="resource_entry.delete").count() == 1


def test_reporters_and_the_county_board_are_refused(world):
    norrby = entry(world)
    for name in ("reporter", "regional"):
        client = api(world.users[name])
        assert client.get(LIST).status_code == 403
        assert client.post(LIST, row(world), format="json").status_code == 403
        assert client.get(detail(norrby)).status_code == 404
        assert client.delete(detail(norrby)).status_code == 404
    assert ResourceEntry.objects.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="resource_entry.").exists()


def test_another_partnership_neither_sees_nor_writes_its_rows(world):
    norrby = entry(world)
    soderby = entry(world, partnership=world.p2, organisation=world.other, area=world.m2)
    client = api(world.users["other_coordinator"])
    assert [r["id"] for r in client.get(LIST).json()["results"]] == [soderby.pk]
    assert client.get(detail(norrby)).status_code == 404
    assert client.patch(detail(norrby), {"amount": "1"}, format="json").status_code == 404
    assert client.delete(detail(norrby)).status_code == 404
    # Naming Norrby's partnership or area is naming what does not exist for this caller.
    refused = client.post(LIST, row(world), format="json")
    assert refused.status_code == 400 and "partnership" in refused.json()
    refused = client.post(
        LIST,
        row(world, partnership=world.p2.pk, organisation=world.other.pk),
        format="json",
    )
    assert refused.status_code == 403  # Norrby is not one of Söderby's areas
    assert ResourceEntry.objects.count() == 2


def test_a_partner_writes_only_its_own_organisations_rows(world):
    police = entry(world)
    steering = world.users["steering"]  # Norrby kommun's steering group
    client = api(steering)
    assert client.get(LIST).json()["count"] == 0  # the police's row is not the kommun's
    assert client.get(detail(police)).status_code == 404
    refused = client.post(LIST, row(world), format="json")
    assert refused.status_code == 403
    own = client.post(LIST, row(world, organisation=world.kommun.pk), format="json")
    assert own.status_code == 201
    assert client.get(LIST).json()["count"] == 1


def test_a_membership_limited_to_one_district_writes_only_there(world):
    from tests.resources.conftest import QUARTERS, quarter

    d1 = quarter(world, "D1", *QUARTERS["D1"])
    limited = world.users["coordinator"]
    Membership.objects.filter(user=limited).update(role=Role.COORDINATOR)
    membership = Membership.objects.get(user=limited)
    membership.areas.set([d1])
    client = api(limited)
    assert client.post(LIST, row(world), format="json").status_code == 403
    assert client.post(LIST, row(world, area=d1.pk), format="json").status_code == 201
    assert list(ResourceEntry.objects.values_list("area", flat=True)) == [d1.pk]


@pytest.mark.parametrize(
    "values, field",
    [
        ({"month": "mars"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "12.55"}, "amount"),
        ({"kind": "timmar"}, "kind"),
        ({"area": 10**30}, "area"),
    ],
)
def test_values_that_cannot_be_stored_are_400_naming_the_field(world, values, field):
    response = api(world.users["coordinator"]).post(LIST, row(world, **values), format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ResourceEntry.objects.exists()


def test_filters(world):
    a = entry(world, month=date(2026, 1, 1))
    b = entry(world, month=date(2026, 2, 1), kind=Kind.MONEY, organisation=world.kommun)
    client = api(world.users["coordinator"])

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return sorted(r["id"] for r in response.json()["results"])

    assert ids() == [a.pk, b.pk]
    assert ids(kind=Kind.MONEY) == [b.pk]
    assert ids(organisation=world.polis.pk) == [a.pk]
    assert ids(month_from="2026-02-01") == [b.pk]
    assert ids(month_before="2026-02-01") == [a.pk]
    assert ids(area=world.m1.pk, area_code=world.m1.code) == [a.pk, b.pk]
    assert ids(area=world.m2.pk) == []
    for bad in ({"month_from": "januari"}, {"kind": "timmar"}, {"area": "x"}):
        response = client.get(LIST, bad)
        assert response.status_code == 400 and next(iter(bad)) in response.json()
