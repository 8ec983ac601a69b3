"""The experience bank with many hits: filtered, ranked and paged in the database.

A national bank, or a municipality that imports its archive, can hold tens of thousands of
entries that share a common word. The search used to fetch every matching id and send them
back as an ``IN`` list (and, in the API, a ``CASE`` with one ``WHEN`` per hit): on SQLite,
whose statements take at most 32,766 parameters, ``/api/experience-entries/?q=`` failed
with a 500 at about 11,000 hits and the bank page at about 32,000, and the page listed every
hit at once. Runs on SQLite and PostgreSQL (``tools/run_tests.py``).
"""

from __future__ import annotations

import re

from django.db import connection
from django.urls import reverse

from samverkan.followup import search, services
from samverkan.followup.models import ExperienceEntry
from samverkan.followup.views.bank import ENTRIES_PER_PAGE
from tests.api_client import token_client as api

# More than SQLite's 32,766 bound parameters, which is what the old IN list passed.
MANY = 33_000


def _bulk_bank(n: int) -> None:
    """``n`` shared entries that all mention "inbrott", indexed as save_entry would."""
    ExperienceEntry.objects.bulk_create(
        ExperienceEntry(
            title=f"Erfarenhet {i}",
            shared=True,
            search_text=f"Erfarenhet {i} trapphus inbrott nummer{i}",
        )
        for i in range(n)
    )
    if search.is_sqlite():
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {search.TABLE} (rowid, sv, nb) VALUES (%s, %s, %s)",
                [
                    (pk, " ".join(search.stem(t, "swedish")), " ".join(search.stem(t, "norwegian")))
                    for pk, t in ExperienceEntry.objects.values_list("pk", "search_text")
                ],
            )


def test_tens_of_thousands_of_hits_are_paged_on_the_page_and_in_the_api(
    world, client, django_assert_max_num_queries
):
    _bulk_bank(MANY)
    best = services.save_entry(
        ExperienceEntry(
            title="Inbrott, inbrott och åter inbrott",
            description="Inbrotten i trapphusen minskade.",
            shared=True,
        ),
        world.users["coordinator"],
    )
    client.force_login(world.users["coordinator"])

    # A fixed number of queries, whatever the number of hits.
    with django_assert_max_num_queries(25):
        response = client.get(reverse("followup-bank"), {"q": "inbrotten"})
    assert response.status_code == 200
    html = response.content.decode()
    # Grouped as Swedish writes it: "33 001 träffar", with a no-break space.
    assert f"{MANY + 1:,} träffar".replace(",", "\xa0") in html
    assert len(re.findall(r'<article class="card">', html)) == ENTRIES_PER_PAGE
    # The best match first: the word three times in the title, against once.
    assert html.index(best.title) < html.index("Erfarenhet ")
    last = -(-(MANY + 1) // ENTRIES_PER_PAGE)
    assert f"Sida 1 av {last}" in html
    assert 'rel="next" href="?q=inbrotten&amp;page=2"' in html

    page2 = client.get(reverse("followup-bank"), {"q": "inbrotten", "page": 2})
    assert page2.status_code == 200 and best.title not in page2.content.decode()
    assert "Sida 2 av" in page2.content.decode()

    token = api(world.users["coordinator"])
    body = token.get(reverse("api-experience-entry-list"), {"q": "inbrotten"}).json()
    assert body["count"] == MANY + 1
    assert body["results"][0]["title"] == best.title


def test_the_page_and_the_api_give_the_same_order(world, client):
    _bulk_bank(60)
    client.force_login(world.users["coordinator"])
    html = client.get(reverse("followup-bank"), {"q": "trapphus"}).content.decode()
    on_page = re.findall(r">(Erfarenhet \d+)</a></h2>", html)
    token = api(world.users["coordinator"])
    body = token.get(reverse("api-experience-entry-list"), {"q": "trapphus"}).json()
    assert on_page == [e["title"] for e in body["results"]][:ENTRIES_PER_PAGE]
    assert len(on_page) == ENTRIES_PER_PAGE


def test_facets_count_every_hit_not_only_the_page(world, client):
    _bulk_bank(40)
    ExperienceEntry.objects.filter(title__in=["Erfarenhet 1", "Erfarenhet 2"]).update(
        method="Grannsamverkan"
    )
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("followup-bank"), {"q": "trapphus"})
    assert response.context["facets"]["method"][0][:2] == ("Grannsamverkan", 2)
    # Following a facet starts again at the first page.
    response = client.get(reverse("followup-bank"), {"q": "trapphus", "page": "2"})
    link = response.context["facets"]["method"][0][2]
    assert "page=" not in link and "method=Grannsamverkan" in link


def test_a_page_beyond_the_last_shows_the_last(world, client):
    _bulk_bank(30)
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("followup-bank"), {"q": "trapphus", "page": "99"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
