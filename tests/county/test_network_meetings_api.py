"""The regional network's meetings through the REST API: read by the members of the
county's network (the board included), as the digest announces them; another county's
meetings are not found; only web links are given out."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.county.models import NetworkMeeting
from tests.api_client import token_client as api
from tests.county import test_digest

network_world = test_digest.network_world  # the fixture: Testlän's network and another county

LIST = reverse("api-county-network-meeting-list")


def detail(meeting):
    return reverse("api-county-network-meeting-detail", args=[meeting.pk])


def _meetings(w):
    # The fixture's own meetings are relative to today; these have fixed dates.
    NetworkMeeting.objects.all().delete()
    early = NetworkMeeting.objects.create(
        county=w.county,
        starts_at=datetime(2027, 1, 20, 9, tzinfo=UTC),
        topic="Nätverksträff: trygghetsvandringar",
        place="Länsstyrelsen, sal 2",
        link="https://meet.example.se/abc",
    )
    late = NetworkMeeting.objects.create(
        county=w.county,
        starts_at=datetime(2027, 3, 10, 13, tzinfo=UTC),
        topic="Vårens träff",
        link="javascript:alert(1)",
    )
    elsewhere = NetworkMeeting.objects.create(
        county=w.county2, starts_at=datetime(2027, 2, 1, 9, tzinfo=UTC), topic="Annatläns möte"
    )
    return early, late, elsewhere


def test_members_read_their_networks_meetings(network_world):
    w = network_world
    early, late, elsewhere = _meetings(w)
    for who in ("coordinator", "reporter", "steering", "regional"):
        listed = api(w.users[who]).get(LIST).json()["results"]
        assert [m["id"] for m in listed] == [early.pk, late.pk], who
    body = api(w.users["reporter"]).get(detail(early)).json()
    assert body["topic"] == "Nätverksträff: trygghetsvandringar"
    assert body["place"] == "Länsstyrelsen, sal 2" and body["county"]["code"] == w.county.code
    assert body["link"] == "https://meet.example.se/abc"
    # A stored address that is not a web link is never given out, as in the digest.
    assert api(w.users["reporter"]).get(detail(late)).json()["link"] == ""
    assert "javascript" not in api(w.users["coordinator"]).get(LIST).content.decode()
    assert api(w.users["coordinator"]).get(detail(elsewhere)).status_code == 404


def test_another_countys_member_and_strangers(network_world, django_user_model):
    w = network_world
    early, _late, elsewhere = _meetings(w)
    outsider = api(w.outsider)
    assert [m["id"] for m in outsider.get(LIST).json()["results"]] == [elsewhere.pk]
    assert outsider.get(detail(early)).status_code == 404
    stranger = django_user_model.objects.create_user("fristaende")
    assert api(stranger).get(LIST).status_code == 403
    assert api(stranger).get(detail(early)).status_code == 404
    assert APIClient().get(LIST).status_code in (401, 403)


def test_filters(network_world):
    w = network_world
    early, late, _elsewhere = _meetings(w)
    client = api(w.users["coordinator"])

    def ids(**params):
        r = client.get(LIST, params)
        assert r.status_code == 200, r.content
        return [m["id"] for m in r.json()["results"]]

    assert ids(starts_from="2027-02-01") == [late.pk]
    assert ids(starts_before="2027-02-01") == [early.pk]
    assert ids(county=w.county.code) == [early.pk, late.pk]
    assert ids(county=w.county2.code) == []
    r = client.get(LIST, {"starts_from": "i vår"})
    assert r.status_code == 400 and "starts_from" in r.json()


def test_writes_stay_on_the_boards_pages(network_world):
    w = network_world
    early, _late, _elsewhere = _meetings(w)
    board = api(w.board)
    assert board.post(LIST, {"topic": "x"}, format="json").status_code == 405
    assert board.delete(detail(early)).status_code == 405
    assert NetworkMeeting.objects.filter(pk=early.pk).exists()
