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


def tags_url(incident):
    return reverse("api-incident-tags", args=[incident.pk])


def test_a_coordinator_sets_their_partnerships_tags_as_on_the_page(world, cat):  # noqa: F811
    from samverkan.core.models import AuditEvent

    first, _second = tagged(world, cat)
    client = api(world.users["coordinator"])
    r = client.put(
        tags_url(first), {"tags": ["  trygghet  i  parken", "Skolan", "TRYGGHET I PARKEN"]}
    )
    assert r.status_code == 200, r.content
    # The page's rule: trimmed, spaces collapsed, one of each regardless of case; the
    # existing "skolan" is reused, "Klotter" is gone, the other partnership's tag stays.
    assert sorted(r.json()["tags"]) == ["skolan", "trygghet i parken"]
    assert sorted(first.tags.values_list("name", flat=True)) == [
        "hemligt",
        "skolan",
        "trygghet i parken",
    ]
    event = AuditEvent.objects.filter(action="incident.set_tags").latest("id")
    assert event.actor == world.users["coordinator"]
    assert event.details["from"] == ["Klotter", "skolan"]
    assert event.details["to"] == ["skolan", "trygghet i parken"]
    assert client.get(LIST, {"tag": "trygghet i parken"}).json()["count"] == 1
    # An empty list removes the partnership's own tags only.
    assert client.put(tags_url(first), {"tags": []}, format="json").json()["tags"] == []
    assert list(first.tags.values_list("name", flat=True)) == ["hemligt"]


def test_too_many_tags_or_a_malformed_body_is_a_400(world, cat):  # noqa: F811
    first, _second = tagged(world, cat)
    client = api(world.users["coordinator"])
    r = client.put(tags_url(first), {"tags": [f"t{n}" for n in range(11)]}, format="json")
    assert r.status_code == 400 and "Högst 10" in r.json()["tags"][0]
    assert client.put(tags_url(first), {"tags": "klotter"}, format="json").status_code == 400
    assert client.put(tags_url(first), {}, format="json").status_code == 400
    assert sorted(first.tags.values_list("name", flat=True)) == ["Klotter", "hemligt", "skolan"]


def test_only_coordinators_who_see_the_incident_set_tags(world, cat):  # noqa: F811
    first, _second = tagged(world, cat)
    body = {"tags": ["nytt"]}
    # The reporter sees the report but may not tag it; Söderby's coordinator does not see it.
    assert api(world.users["reporter"]).put(tags_url(first), body).status_code == 403
    assert api(world.users["other_coordinator"]).put(tags_url(first), body).status_code == 404
    assert api(world.users["coordinator"]).get(tags_url(first)).status_code == 405
    assert sorted(first.tags.values_list("name", flat=True)) == ["Klotter", "hemligt", "skolan"]
