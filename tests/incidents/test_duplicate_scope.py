"""The duplicate check never reveals another organisation's incident.

Keys (external id, content hash) are unique per register: a source of one organisation.
Reports of all organisations share the source "rapport"; an id or a content another
organisation already used must neither be refused as "already registered" (which tells
the user that it exists, and loses the report) nor be suggested as a duplicate.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from samverkan.incidents.duplicates import suggest_duplicates
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident


def _body(**kw):
    when = (timezone.now() - timedelta(hours=2)).replace(microsecond=0).isoformat()
    return {
        "occurred_from": when,
        "category": "vandalism",
        "place_type": "park",
        "visibility": "partnership",
        **kw,
    }


def _post(client, user, body):
    client.force_login(user)
    return client.post("/api/incidents/", body, content_type="application/json")


def test_an_external_id_of_another_organisation_is_neither_refused_nor_revealed(world, client):
    first = _post(client, world.users["reporter"], _body(external_id="R-1", lon=15.4, lat=59.4))
    assert first.status_code == 201, first.content
    # Another organisation (another partnership) numbers its reports the same way.
    other = _post(
        client, world.users["other_coordinator"], _body(external_id="R-1", lon=16.4, lat=59.4)
    )
    assert other.status_code == 201, other.content
    assert "finns redan" not in other.content.decode()
    assert Incident.objects.filter(source="rapport", external_id="R-1").count() == 2
    # Within one organisation the id is still a key.
    again = _post(
        client, world.users["other_coordinator"], _body(external_id="R-1", lon=16.5, lat=59.5)
    )
    assert again.status_code == 400
    assert Incident.objects.filter(source="rapport", external_id="R-1").count() == 2


def test_identical_content_from_another_organisation_is_stored(world, client):
    body = _body(lon=15.4, lat=59.4, description="Krossad ruta")
    assert _post(client, world.users["reporter"], body).status_code == 201
    # The police of the same partnership report the very same thing: its own register.
    response = _post(client, world.users["police_coordinator"], body)
    assert response.status_code == 201, response.content
    assert set(Incident.objects.values_list("organisation__name", flat=True)) == {
        world.bostad.name,
        world.polis.name,
    }
    # The same organisation twice: that one is already registered.
    assert _post(client, world.users["reporter"], body).status_code == 400
    assert Incident.objects.count() == 2


def test_import_keys_are_per_organisation(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "id,time,lon,lat\nA-1,2024-03-05 14:30,15.5,59.5\n,2024-03-05 14:31,15.5,59.5\n"
    )

    def run(*extra):
        out = io.StringIO()
        call_command("import_incidents", str(path), "--source", "s", *extra, stdout=out)
        return out.getvalue()

    assert "2 importerade, 0 dubbletter" in run("--organisation", world.kommun.name)
    assert "2 importerade, 0 dubbletter" in run("--organisation", world.other.name)
    assert "2 importerade, 0 dubbletter" in run()  # no organisation: a register of its own
    assert "0 importerade, 2 dubbletter" in run("--organisation", world.kommun.name)
    assert "0 importerade, 2 dubbletter" in run()
    assert Incident.objects.filter(source="s").count() == 6


def _incident(world, source, external_id, organisation, lon):
    cat = Category.objects.get(code="vandalism").pk
    row = IncidentRow(
        source,
        datetime(2024, 3, 5, 12, tzinfo=UTC),
        cat,
        external_id=external_id,
        lon=lon,
        lat=59.5,
        organisation_id=organisation.pk if organisation else None,
    )
    (pk,) = ingest([row]).incident_ids
    return Incident.objects.get(pk=pk)


def test_suggestions_by_external_id_stay_within_the_organisation(world):
    mine = _incident(world, "register-2024", "K-7", world.kommun, 15.2)
    same_org = _incident(world, "register-2023", "K-7", world.kommun, 15.8)
    other_org = _incident(world, "polisens-register", "K-7", world.polis, 15.9)
    no_org = _incident(world, "open-data", "K-7", None, 15.6)
    everything = Incident.objects.all()
    assert suggest_duplicates(mine, everything) == [same_org]
    assert other_org not in suggest_duplicates(same_org, everything)
    assert suggest_duplicates(no_org, everything) == []
    # Near in place and time still counts, whoever reported it (if the user may see it).
    near = _incident(world, "polisens-register", "P-1", world.polis, 15.2)
    assert near in suggest_duplicates(mine, everything)


def test_suggest_duplicates_needs_the_users_scope():
    with pytest.raises(TypeError):
        suggest_duplicates(Incident())  # no default of "all incidents"


def test_the_detail_page_suggests_no_other_organisations_incident_by_id(world, client):
    mine = _incident(world, "register-2024", "K-7", world.kommun, 15.2)
    same_org = _incident(world, "register-2023", "K-7", world.kommun, 15.8)
    other_org = _incident(world, "polisens-register", "K-7", world.polis, 15.9)
    for incident in (mine, same_org, other_org):
        incident.visibility = "partnership"
        incident.save(update_fields=["visibility"])
    client.force_login(world.users["coordinator"])
    page = client.get(f"/handelser/{mine.pk}/").content.decode()
    assert f"#{same_org.pk} " in page
    assert f"#{other_org.pk} " not in page


def test_duplicate_of_link_only_to_an_incident_the_user_may_see(world, client):
    from samverkan.incidents import services

    reporter = world.users["reporter"]
    client.force_login(reporter)
    body = _body(lon=15.4, lat=59.4, description="Krossad ruta")
    assert _post(client, reporter, body).status_code == 201
    mine = Incident.objects.get(reporter=reporter)
    police = _post(client, world.users["police_coordinator"], _body(lon=15.4001, lat=59.4))
    assert police.status_code == 201
    original = Incident.objects.exclude(pk=mine.pk).get()
    coordinator = world.users["coordinator"]
    services.mark_duplicate(mine, original, coordinator)

    client.force_login(reporter)
    assert client.get(f"/handelser/{original.pk}/").status_code == 404  # not the reporter's
    page = client.get(f"/handelser/{mine.pk}/").content.decode()
    assert f"/handelser/{original.pk}/" not in page and f"#{original.pk}<" not in page
    client.force_login(coordinator)
    page = client.get(f"/handelser/{mine.pk}/").content.decode()
    assert f'href="/handelser/{original.pk}/">#{original.pk}<' in page
