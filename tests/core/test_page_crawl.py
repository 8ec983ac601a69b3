"""What the pages read and offer, checked by crawling the demo as every user.

- No page reads an area's border it does not draw (a municipality's border imported at
  full resolution is megabytes of GeoJSON, parsed for every row that joins its area), and
  none reads a lägesbild's, a tertial report's or a meeting's frozen content it does not
  show (kilobytes a row).
- No page offers a link its reader is refused (403) or that leads nowhere (404).

The start page has its own test (tests/core/test_start_page.py). For the list pages with
an area chosen, the SELECT is the same with or without rows, so an empty partnership is
enough to see which columns a page reads.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from tests.columns import FROZEN, border_reads, column_reads
from tests.core.test_demo import small_events  # noqa: F401 (fixture)


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


# Pages that draw a border or compute with one, each reading it from the area itself
# (never through a join): the county's map, an evaluation's areas, the municipalities an
# own area is drawn in, the municipalities a shared problem touches, a lägesbild's map.
MAP_PAGES = {
    "county-overview",
    "followup-evaluation",
    "own-area-create",
    "own-area-edit",
    "problem-share",
    "situation-detail",
    "situation-export",
}
# Pages that show a lägesbild's, a tertial report's or a meeting's frozen content, or
# compute with it (the county's figures, the findings that become problems), reading it
# from the row itself; every other page names such rows without it.
CONTENT_PAGES = {
    "county-digest",
    "county-digest-pdf",
    "county-export",
    "county-overview",
    "followup-partnership",
    "followup-tertial",
    "followup-tertial-docx",
    "followup-tertial-json",
    "followup-tertial-pdf",
    "meeting-create",
    "meeting-detail",
    "meeting-minutes",
    "meeting-minutes-docx",
    "meeting-minutes-pdf",
    "meetings-places",
    "plans-home",
    "problem-create",
    "situation-detail",
    "situation-export",
}
HREF = re.compile(r'href="(/[^"#]*)"')
# The per-kind limit keeps the crawl to a few minutes: pages of one kind share their queries.
PER_KIND = 3


def _crawl(client) -> tuple[Counter, dict[str, list[str]], dict[str, str]]:
    """Follow every internal link from the start page: the kinds of page reached, the
    border reads by page, and the links that were refused (url -> the page linking it)."""
    seen, queue, per_kind, found, refused = set(), deque([("/", "")]), Counter(), {}, {}
    while queue:
        url, parent = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        match = _resolve(url)
        if match is None or per_kind[match.url_name] >= PER_KIND:
            continue
        per_kind[match.url_name] += 1
        # The log keeps 9,000 queries; a full one would give each page an empty capture.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code in (403, 404):
            refused[url] = parent
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for q in ctx.captured_queries:
            anywhere, joined = border_reads(q["sql"])
            if joined or (anywhere and match.url_name not in MAP_PAGES):
                found.setdefault(url, []).append(q["sql"][:300])
            for column in FROZEN:
                anywhere, joined = column_reads(q["sql"], column)
                if joined or (anywhere and match.url_name not in CONTENT_PAGES):
                    found.setdefault(url, []).append(f"{column}: {q['sql'][:300]}")
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href not in seen and not href.startswith(("/static/", "/media/", "/api/")):
                queue.append((href, url))
    return per_kind, found, refused


def _resolve(url: str):
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    # Signing out would end the crawl; the admin is Django's own.
    if match.url_name in {"logout", None} or match.namespace == "admin":
        return None
    return match


@pytest.mark.django_db
def test_no_page_reads_a_border_it_does_not_draw(small_events, client):  # noqa: F811
    """Crawl the demo as every demo user: no page reads a border it does not draw, and no
    page reads one through a join (``select_related`` of an area). Fails on a page that
    names an area and selects its border with it, on a page that names a lägesbild, a
    tertial report or a meeting and reads its frozen content (the same rule), and on a
    link its reader is refused."""
    call_command("load_demo")
    kinds = set()
    offenders, refused = {}, {}
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        client.force_login(user)
        per_kind, found, dead = _crawl(client)
        kinds |= set(per_kind)
        offenders.update({f"{user.username} {url}": sql for url, sql in found.items()})
        refused.update({f"{user.username} {url}": parent for url, parent in dead.items()})
        client.logout()
    # The crawl reached the pages it guards (a broken link list would pass it empty).
    assert {"situation-detail", "plan-detail", "problem-detail", "meeting-detail"} <= kinds
    assert {"incident-detail", "area-detail", "resources-list", "county-digest"} <= kinds
    assert not offenders, "\n".join(f"{k}:\n  {v[0]}" for k, v in sorted(offenders.items()))
    # The same crawl: a page offers no link its reader is refused (403) or that leads nowhere.
    assert not refused, "\n".join(f"{k} (linked from {v})" for k, v in sorted(refused.items()))
