"""The network digest through the REST API: a sent digest's frozen content to the members
of its county's network; drafts and other counties' digests are not found."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from tests.api_client import token_client as api
from tests.county import test_digest
from tests.county.test_digest import make_digest, picture, send

network_world = test_digest.network_world  # the fixture: Testlän's network and another county

LIST = reverse("api-county-digest-list")


def detail(digest):
    return reverse("api-county-digest-detail", args=[digest.pk])


def test_members_read_the_sent_digest_as_frozen(
    network_world, client_for, django_capture_on_commit_callbacks
):
    w = network_world
    digest = send(client_for(w.board), w, make_digest(w), django_capture_on_commit_callbacks)
    # Shared after sending: the frozen digest does not take it.
    picture(w.m1, w.p1, {"count": 333}, version=2)
    for who in ("coordinator", "reporter", "regional"):
        client = api(w.users[who])
        listed = client.get(LIST).json()["results"]
        assert [d["id"] for d in listed] == [digest.pk], who
        assert "content" not in listed[0]
        body = client.get(detail(digest)).json()
        assert body["content"] == digest.content
        assert body["status"] == "sent" and body["county"]["code"] == w.county.code
        assert body["intro"] == "Hej nätverket!"
    assert "333" not in api(w.users["coordinator"]).get(detail(digest)).content.decode()
    assert api(w.users["coordinator"]).get(LIST, {"county": w.county2.code}).json()["results"] == []


def test_drafts_and_other_networks_are_not_found(network_world, django_user_model):
    w = network_world
    draft = make_digest(w)
    # Drafts are the board's work on the pages: not in the API for anyone.
    for who in ("coordinator", "regional"):
        client = api(w.users[who])
        assert client.get(LIST).json()["results"] == []
        assert client.get(detail(draft)).status_code == 404
    # Another county's network member and a user in no network.
    assert api(w.outsider).get(LIST).json()["results"] == []
    draft.status = "sent"
    draft.content = {"county": w.county.name, "pictures": []}
    draft.save()
    assert api(w.outsider).get(detail(draft)).status_code == 404
    assert api(w.users["coordinator"]).get(detail(draft)).status_code == 200
    from samverkan.core.models import Membership, Organisation
    from samverkan.core.roles import Role

    stranger = django_user_model.objects.create_user("fristaende")
    lone = Organisation.objects.create(name="Fristående förening", kind="other")
    Membership.objects.create(user=stranger, organisation=lone, role=Role.COORDINATOR)
    assert api(stranger).get(LIST).status_code == 403
    assert api(stranger).get(detail(draft)).status_code == 404
    assert APIClient().get(LIST).status_code == 403
    # Read only: digests are composed and sent on the pages.
    assert api(w.board).delete(detail(draft)).status_code == 405
