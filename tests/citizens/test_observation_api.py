"""Residents' observations through the REST API: the moderating coordinators' reach, what a
resident's personal data looks like there, and decisions taken as on the page."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from samverkan.citizens.models import ContactAddress, Observation
from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from tests.api_client import token_client as api
from tests.citizens.test_safety_walk import _jpeg_with_exif, centrum

pytestmark = pytest.mark.django_db

LIST = reverse("api-observation-list")


def detail(obs, action=None):
    name = f"api-observation-{action}" if action else "api-observation-detail"
    return reverse(name, args=[obs.pk])


def _observation(post_observation, **kw):
    assert post_observation(**kw).status_code == 302
    return Observation.objects.order_by("-id").first()


def _incident(world, organisation):
    row = IncidentRow(
        source="rapport",
        occurred_from=datetime(2026, 1, 1, tzinfo=UTC),
        category_id=Category.objects.get(code="vandalism").pk,
        organisation_id=organisation.pk,
        lon=15.5,
        lat=59.5,
    )
    return Incident.objects.get(pk=ingest([row]).incident_ids[0])


def test_coordinators_read_what_the_page_shows_and_no_more(world, post_observation):
    obs = _observation(
        post_observation,
        text="Kalle Svensson 070-123 45 67 står här varje kväll",
        email="boende@example.se",
        photo=SimpleUploadedFile("a.jpg", _jpeg_with_exif(), "image/jpeg"),
    )
    for who in ("coordinator", "police_coordinator"):
        client = api(world.users[who])
        listed = client.get(LIST).json()
        assert [o["id"] for o in listed["results"]] == [obs.pk], who
        body = client.get(detail(obs)).json()
        assert body["municipality"] == "9901" and body["district"] is None
        assert body["status"] == "pending" and body["has_contact"] is True
        assert body["concerns"] == [c.label for c in obs.concerns.all()]
        assert body["text"] == obs.text and "varje kväll" in body["text"]
        assert body["photo"].endswith(detail(obs, "photo"))
    raw = api(world.users["coordinator"]).get(LIST).content.decode()
    # The resident's name and number were masked at submission; the address, the keyed
    # hashes and the proof-of-work answer are never given out.
    for secret in ("Kalle", "070", "boende@example.se", obs.ip_key, obs.device_key, obs.challenge):
        assert secret not in raw


def test_the_photo_is_served_cleaned_and_never_cached(world, post_observation):
    obs = _observation(
        post_observation, photo=SimpleUploadedFile("a.jpg", _jpeg_with_exif(), "image/jpeg")
    )
    r = api(world.users["coordinator"]).get(detail(obs, "photo"))
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert r["Cache-Control"] == "private, no-store" and r["X-Content-Type-Options"] == "nosniff"
    assert b"Kameratillverkare" not in r.content
    assert Image.open(io.BytesIO(r.content)).getexif() == {}
    plain = _observation(post_observation)
    assert api(world.users["coordinator"]).get(detail(plain)).json()["photo"] is None
    assert api(world.users["coordinator"]).get(detail(plain, "photo")).status_code == 404


def test_others_are_refused_or_find_nothing(world, post_observation):
    obs = _observation(post_observation, email="boende@example.se")
    other = api(world.users["other_coordinator"])
    assert other.get(LIST).json()["results"] == []
    for path in (detail(obs), detail(obs, "photo")):
        assert other.get(path).status_code == 404
    assert other.post(detail(obs, "decision"), {"action": "reject"}).status_code == 404
    for who in ("reporter", "steering", "regional"):
        assert api(world.users[who]).get(LIST).status_code == 403, who
        assert api(world.users[who]).get(detail(obs)).status_code == 404, who
        r = api(world.users[who]).post(detail(obs, "decision"), {"action": "reject"})
        assert r.status_code == 404, who
    assert APIClient().get(LIST).status_code in (401, 403)
    obs.refresh_from_db()
    assert obs.status == "pending"
    assert ContactAddress.objects.filter(observation=obs).exists()
    assert not AuditEvent.objects.filter(action__startswith="citizen_observation.r").exists()
    # The system administrator sees every municipality's observations.
    assert [o["id"] for o in api(world.users["sysadmin"]).get(LIST).json()["results"]] == [obs.pk]


def test_a_coordinator_limited_to_a_district_reads_only_its_observations(
    world, post_observation, django_user_model
):
    district = centrum(world)
    in_district = _observation(post_observation, code="990101")
    elsewhere = _observation(post_observation)
    user = django_user_model.objects.create_user("centrum")
    Membership.objects.create(
        user=user, organisation=world.kommun, role=Role.COORDINATOR
    ).areas.set([district])
    client = api(user)
    assert [o["id"] for o in client.get(LIST).json()["results"]] == [in_district.pk]
    assert client.get(detail(in_district)).json()["district"] == "990101"
    assert client.get(detail(elsewhere)).status_code == 404
    both = api(world.users["coordinator"]).get(LIST, {"area": "990101"}).json()["results"]
    assert [o["id"] for o in both] == [in_district.pk]


def test_filters(world, post_observation):
    first = _observation(post_observation)
    second = _observation(post_observation)
    Observation.objects.filter(pk=first.pk).update(
        submitted_at=datetime(2026, 3, 1, 12, tzinfo=UTC), status="rejected"
    )
    client = api(world.users["coordinator"])

    def ids(**params):
        r = client.get(LIST, params)
        assert r.status_code == 200, r.content
        return [o["id"] for o in r.json()["results"]]

    assert ids(status="pending") == [second.pk]
    assert ids(status="rejected") == [first.pk]
    assert ids(submitted_before="2026-03-02") == [first.pk]
    assert ids(submitted_from="2026-03-02") == [second.pk]
    assert ids(area="9901") == [second.pk, first.pk]
    assert ids(area="9902") == []
    for bad in ({"status": "godkand"}, {"submitted_from": "1 mars"}):
        r = client.get(LIST, bad)
        assert r.status_code == 400 and set(bad) <= set(r.json()), bad


def test_accept_through_the_api_is_the_pages_decision(world, post_observation):
    obs = _observation(post_observation, text="Mörkt vid gångtunneln")
    client = api(world.users["coordinator"])
    r = client.post(
        detail(obs, "decision"),
        {"action": "accept", "note": "Ny belysning beställd, ring Kalle Svensson"},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    obs.refresh_from_db()
    assert body["status"] == obs.status == "accepted"
    assert body["incident"] == obs.incident_id and obs.incident.source == "allmänheten"
    # The public note is masked as on the page: it is shown on the public map.
    assert "Kalle" not in body["public_note"] and "belysning" in body["public_note"]
    event = AuditEvent.objects.get(action="citizen_observation.accept")
    assert event.actor == world.users["coordinator"] and event.object_id == str(obs.pk)
    # A second decision is refused with the page's words; nothing changes.
    r = client.post(detail(obs, "decision"), {"action": "reject"}, format="json")
    assert r.status_code == 400 and "redan granskad" in r.json()["detail"]
    obs.refresh_from_db()
    assert obs.status == "accepted" and Incident.objects.count() == 1


def test_merge_only_with_a_report_the_coordinator_sees(world, post_observation):
    obs = _observation(post_observation)
    theirs = _incident(world, world.other)
    ours = _incident(world, world.kommun)
    client = api(world.users["coordinator"])
    for body in ({"action": "merge", "incident": theirs.pk}, {"action": "merge"}):
        r = client.post(detail(obs, "decision"), body, format="json")
        assert r.status_code == 400 and "tillgång till" in r.json()["detail"], body
    obs.refresh_from_db()
    assert obs.status == "pending"
    r = client.post(detail(obs, "decision"), {"action": "merge", "incident": ours.pk})
    assert r.status_code == 200 and r.json()["incident"] == ours.pk
    assert AuditEvent.objects.get(action="citizen_observation.merge").details == {
        "incident": ours.pk
    }


def test_reject_removes_text_and_photo(world, post_observation):
    obs = _observation(
        post_observation,
        text="skräp",
        photo=SimpleUploadedFile("a.jpg", _jpeg_with_exif(), "image/jpeg"),
    )
    client = api(world.users["coordinator"])
    body = client.post(detail(obs, "decision"), {"action": "reject"}).json()
    assert (body["status"], body["text"], body["photo"]) == ("rejected", "", None)
    assert client.get(detail(obs, "photo")).status_code == 404


def test_answer_mails_the_resident_and_deletes_the_address(world, post_observation):
    obs = _observation(post_observation, email="boende@example.se")
    client = api(world.users["coordinator"])
    r = client.post(detail(obs, "decision"), {"action": "answer", "text": " "})
    assert r.status_code == 400 and "Skriv ett svar" in r.json()["detail"]
    r = client.post(detail(obs, "decision"), {"action": "answer", "text": "Lampan är bytt."})
    assert r.status_code == 200 and r.json()["has_contact"] is False
    assert mail.outbox[0].to == ["boende@example.se"] and "Lampan" in mail.outbox[0].body
    assert not ContactAddress.objects.exists()
    r = client.post(detail(obs, "decision"), {"action": "answer", "text": "Igen"})
    assert r.status_code == 400 and len(mail.outbox) == 1


def test_an_unknown_action_is_a_400_naming_the_field(world, post_observation):
    obs = _observation(post_observation)
    r = api(world.users["coordinator"]).post(detail(obs, "decision"), {"action": "delete"})
    assert r.status_code == 400 and "action" in r.json()
    r = api(world.users["coordinator"]).post(
        detail(obs, "decision"), {"action": "merge", "incident": "nio"}
    )
    assert r.status_code == 400 and "incident" in r.json()
