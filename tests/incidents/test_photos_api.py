"""Photos through the REST API: a reporter's app adds photos to its own open report after
filing, with the page's checks (re-encoded without metadata, at most three, all or none);
whoever sees the report reads them, nobody else learns they exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.core.models import AuditEvent
from samverkan.incidents import services
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, ReportPhoto
from tests.api_client import token_client as api
from tests.incidents.test_report_photos import assert_clean_jpeg, heic, jpeg_with_gps, png, upload


def reported(world, external_id):
    """A report of the housing company's reporter, shared with Norrby (as in the matrix)."""
    row = IncidentRow(
        "rapport",
        datetime(2025, 3, 5, 12, tzinfo=UTC),
        Category.objects.get(code="vandalism").pk,
        external_id=external_id,
        lon=15.5,
        lat=59.5,
        organisation_id=world.bostad.pk,
        reporter_id=world.users["reporter"].pk,
    )
    return Incident.objects.get(pk=ingest([row]).incident_ids[0])


@pytest.fixture
def world(world):
    world.incident = reported(world, "m1")
    world.photo = ReportPhoto.objects.create(
        incident=world.incident, data=b"\xff\xd8\xff\xd9", width=1, height=1
    )
    return world


def photos_url(incident):
    return reverse("api-incident-photos", args=[incident.pk])


def photo_url(incident, photo_id):
    return reverse("api-incident-photo", args=[incident.pk, photo_id])


def post(client, incident, files):
    return client.post(photos_url(incident), {"photos": files}, format="multipart")


def test_the_reporter_adds_photos_and_reads_them_back_without_metadata(world):
    incident = world.incident
    client = api(world.users["reporter"])
    response = post(
        client,
        incident,
        [upload("a.jpg", jpeg_with_gps()), upload("b.heic", heic(), "image/heic")],
    )
    assert response.status_code == 201, response.content
    added = response.json()
    stored = list(incident.photos.exclude(pk=world.photo.pk).order_by("id"))
    assert [p["id"] for p in added] == [p.pk for p in stored]
    assert [(p["width"], p["height"]) for p in added] == [(64, 48), (64, 48)]
    events = AuditEvent.objects.filter(action="incident.add_photo")
    assert sorted(e.details["photo"] for e in events) == [p.pk for p in stored]
    assert {e.actor_id for e in events} == {world.users["reporter"].pk}

    listed = client.get(photos_url(incident)).json()
    assert [p["id"] for p in listed] == [world.photo.pk, *[p.pk for p in stored]]
    for who in ("reporter", "coordinator"):
        served = api(world.users[who]).get(added[0]["url"])
        assert served.status_code == 200
        assert served["Content-Type"] == "image/jpeg"
        assert served["Cache-Control"].startswith("private")
        assert_clean_jpeg(served.content)
    assert added[0]["url"] == "http://testserver" + photo_url(incident, added[0]["id"])


def test_at_most_three_photos_all_or_none(world):
    incident = world.incident  # already has one photo
    client = api(world.users["reporter"])

    def pngs(n):
        return [upload(f"{i}.png", png(), "image/png") for i in range(n)]

    response = post(client, incident, pngs(3))
    assert response.status_code == 400
    assert "Den har plats för 2 till." in response.json()["photos"][0]
    assert incident.photos.count() == 1
    assert post(client, incident, pngs(2)).status_code == 201
    assert incident.photos.count() == 3
    assert post(client, incident, [upload("d.jpg", jpeg_with_gps())]).status_code == 400
    assert incident.photos.count() == 3
    too_many = [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(4)]
    assert "Högst 3 foton." in post(client, incident, too_many).json()["photos"][0]


def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(world):
    client = api(world.users["reporter"])
    response = post(client, world.incident, [upload("x.jpg", b"%PDF-1.4 not an image")])
    assert response.status_code == 400
    assert response.json()["photos"][0].startswith("x.jpg: ")
    none = client.post(photos_url(world.incident), {}, format="multipart")
    assert none.status_code == 400 and none.json() == {"photos": ["Välj minst ett foto."]}
    as_json = client.post(photos_url(world.incident), {"photos": "aGVq"}, format="json")
    assert as_json.status_code == 400
    assert world.incident.photos.count() == 1
    assert not AuditEvent.objects.filter(action="incident.add_photo").exists()


def test_only_the_reporter_of_an_open_report_adds_photos(world):
    incident = world.incident
    one = [upload("a.jpg", jpeg_with_gps())]
    # Someone who cannot see the report learns nothing.
    for who in ("other_coordinator", "regional"):
        assert post(api(world.users[who]), incident, one).status_code == 404
        assert api(world.users[who]).get(photo_url(incident, world.photo.pk)).status_code == 404
    # A coordinator sees the report but did not file it.
    refused = post(api(world.users["coordinator"]), incident, one)
    assert refused.status_code == 403 and "Bara den som rapporterade" in refused.json()["detail"]
    # A closed report takes no more photos, from its reporter either.
    services.set_status(incident, "closed", world.users["coordinator"])
    assert post(api(world.users["reporter"]), incident, one).status_code == 403
    assert APIClient().post(photos_url(incident), {"photos": one}).status_code == 403
    assert incident.photos.count() == 1
    assert not AuditEvent.objects.filter(action="incident.add_photo").exists()


def test_a_photo_of_another_report_is_not_found_through_this_one(world):
    other = reported(world, "m2")
    photo = ReportPhoto.objects.create(incident=other, data=b"\xff\xd8\xff\xd9", width=1, height=1)
    client = api(world.users["coordinator"])
    assert client.get(photo_url(world.incident, photo.pk)).status_code == 404
    assert client.get(photo_url(world.incident, photo.pk + 1000)).status_code == 404
    assert client.get(photo_url(world.incident, world.photo.pk)).status_code == 200
    assert client.get(photo_url(other, photo.pk)).status_code == 200
