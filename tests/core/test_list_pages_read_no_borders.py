"""Pages that list things by area name never select the areas' borders (the start page:
tests/core/test_start_page.py).

A municipality's border imported at full resolution is megabytes of GeoJSON, parsed for
every row that joins its area. The SELECT is the same with or without rows, so an empty
partnership is enough to see which columns a page reads.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def _border_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        q["sql"] for q in ctx.captured_queries if '"geometry"' in q["sql"].split(" FROM ", 1)[0]
    ]


def test_problems_and_plans_and_follow_up(world, client_for):
    client = client_for(world.users["coordinator"])
    for url in (
        reverse("plans-home"),
        f"{reverse('plans-home')}?omrade={world.m1.pk}",
        reverse("followup-partnership", args=[world.p1.pk]),
        f"{reverse('followup-partnership', args=[world.p1.pk])}?omrade={world.m1.pk}",
    ):
        assert _border_queries(client, url) == [], url
