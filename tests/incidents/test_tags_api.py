"""Tags in the incident API: coordinators read their own partnership's tags on each incident
and filter by them; another partnership's tags and the reporters' view stay without them."""

from __future__ import annotations

from django.urls import reverse

from samverkan.incidents.triage import set_tags
from samverkan.incidents.triage_models import Tag
from tests.api_client import token_client as api
from tests.incidents.test_triage import cat, make  # noqa: F401 (fixture)

LIST = reverse("api-incident-list")


def tagged(world, cat):  # noqa: F811
    first = make(world, cat)
    second = make(world, cat, external_id="x2", lon=15.6)
    set_tags(first, ["Klotter", "skolan"], world.users["coordinator"])
    # Another partnership's word on the same incident (as if it were shared with them).
    first.tags.add(Tag.objects.create(partnership=world.p2, name="hemligt"))
    return first, second


def test_a_coordinator_reads_and_filters_by_their_partnerships_tags(world, cat):  # noqa: F811
    first, second = tagged(world, cat)
    client = api(world.users["coordinator"])
    body = client.get(reverse("api-incident-detail", args=[first.pk])).json()
    assert sorted(body["tags"]) == ["Klotter", "skolan"]
    listed = {i["id"]: i["tags"] for i in client.get(LIST).json()["results"]}
    assert sorted(listed[first.pk]) == ["Klotter", "skolan"] and listed[second.pk] == []

    found = client.get(LIST, {"tag": "klotter"}).json()
    assert [i["id"] for i in found["results"]] == [first.pk] and found["count"] == 1
    assert client.get(LIST, {"tag": "hemligt"}).json()["results"] == []
    assert client.get(LIST, {"tag": "x" * 61}).status_code == 400


def test_reporters_see_no_tags_and_cannot_search_by_them(world, cat):  # noqa: F811
    first, _second = tagged(world, cat)
    reporter = api(world.users["reporter"])
    body = reporter.get(reverse("api-incident-detail", args=[first.pk])).json()
    assert body["tags"] == []
    assert reporter.get(LIST, {"tag": "Klotter"}).json()["results"] == []
