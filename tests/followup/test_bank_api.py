"""The experience bank through the REST API: what the bank's pages show the caller,
searchable with the pages' full-text search (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.followup import services
from samverkan.followup.models import ExperienceEntry
from tests.api_client import token_client as api
from tests.followup.test_search import bank  # noqa: F401 (fixture)

LIST = reverse("api-experience-entry-list")


def titles(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [e["title"] for e in response.json()["results"]]


def test_search_finds_the_pages_hits_best_first(world, bank):  # noqa: F811
    client = api(world.users["reporter"])
    hits = titles(client, q="inbrott")
    assert hits[0] == "Grannsamverkan mot inbrott i villaområde"
    assert "Snabb sanering av klotter" not in hits
    assert titles(client, q="gångtunnlarna") == ["Bättre belysning i gångtunnlar"]
    assert titles(client, q="ordsomintefinns") == []
    assert titles(client, category="theft.burglary", language="nb") == ["Nabohjelp mot innbrudd"]
    assert set(titles(client, method="Situationell prevention")) == {
        "Snabb sanering av klotter",
        "Bättre belysning i gångtunnlar",
    }
    body = client.get(reverse("api-experience-entry-detail", args=[bank["inbrott"].pk])).json()
    assert body["categories"] == ["theft.burglary"] and body["origin"] == "manual"
    assert client.get(LIST, {"language": "de"}).status_code == 400


def test_an_entry_kept_to_its_partnership_is_hidden_from_others(world):
    kept = services.save_entry(
        ExperienceEntry(title="Norrbys interna erfarenhet", shared=False, partnership=world.p1),
        world.users["coordinator"],
    )
    url = reverse("api-experience-entry-detail", args=[kept.pk])
    assert api(world.users["coordinator"]).get(url).status_code == 200
    other = api(world.users["other_coordinator"])
    assert other.get(url).status_code == 404
    assert "Norrbys interna erfarenhet" not in titles(other)
    assert "Norrbys interna erfarenhet" not in titles(other, q="interna")
    assert APIClient().get(LIST).status_code == 403
    assert api(world.users["coordinator"]).delete(url).status_code == 405
