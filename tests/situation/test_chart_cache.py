"""The lägesbild page draws its charts once per report version, language and link set.

Under load the page spent most of its time redrawing three matplotlib charts on every
view (issue 15, item 8). The drawn SVG is kept in the ``charts`` cache under a hash of
what it shows; these tests count the drawings.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from samverkan.core import chart_cache, charts, periods
from samverkan.situation import services
from samverkan.situation.exports import charts as situation_charts
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


@pytest.fixture(autouse=True)
def chart_store(settings, tmp_path):
    # A file cache of its own per test, like the one the web workers share.
    settings.CACHES = {
        **settings.CACHES,
        chart_cache.CACHE_ALIAS: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "charts"),
        },
    }


@pytest.fixture
def draft(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=6, organisation_id=world.kommun.pk)
    make("theft.burglary", local(2025, 3, 9, 22), n=3, organisation_id=world.kommun.pk)
    return services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])


@pytest.fixture
def drawn(monkeypatch):
    titles = []
    real = charts.to_svg

    def counting(fig, title, **kwargs):
        titles.append(title)
        return real(fig, title, **kwargs)

    monkeypatch.setattr(charts, "to_svg", counting)
    return titles


def _page(client, report, lang="sv"):
    response = client.get(reverse("situation-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.content.decode()


def _svgs(page):
    return re.findall(r"<svg role=\"img\".*?</svg>", page, flags=re.DOTALL)


def _ids(page):
    return re.findall(r'\bid="([^"]+)"', page)


def test_an_unchanged_report_is_not_redrawn(world, draft, client_for, drawn):
    client = client_for(world.users["coordinator"])
    first = _page(client, draft)
    assert Counter(drawn) == {"trend": 1, "categories": 1, "weekday x hour": 1}
    second = _page(client, draft)
    assert len(drawn) == 3, "the second view drew again"
    # The same pictures, each with ids of its own: no id repeats on the page.
    strip = re.compile(r'(id="|url\(#|href="#)[ck]\d+-')
    assert [strip.sub(r"\1", s) for s in _svgs(first)] == [
        strip.sub(r"\1", s) for s in _svgs(second)
    ]
    assert len(_svgs(second)) == 3
    ids = _ids(second)
    assert len(ids) == len(set(ids))
    assert not set(_ids(first)) & {i for i in ids if re.match(r"[ck]\d+-", i)}


def test_a_changed_report_is_redrawn(world, draft, client_for, drawn, make):
    client = client_for(world.users["coordinator"])
    _page(client, draft)
    assert len(drawn) == 3
    make("vandalism", local(2025, 3, 20, 3), n=4, organisation_id=world.kommun.pk)
    new = services.recompute(draft, world.users["coordinator"])
    page = _page(client, new)
    # Trend, categories and weekday x hour all changed with four more events at 03 h.
    assert Counter(drawn) == {"trend": 2, "categories": 2, "weekday x hour": 2}
    assert "<svg" in page
    # The old version is still kept: opening it draws nothing.
    _page(client, draft)
    assert len(drawn) == 6


def test_language_and_links_are_part_of_the_key(world, draft, client_for, drawn):
    _page(client_for(world.users["coordinator"]), draft)
    assert len(drawn) == 3
    _page(client_for(world.users["coordinator"]), draft, lang="en")
    assert len(drawn) == 6
    figures = draft.snapshot
    situation_charts.trend_svg(figures, "sv", links=None)
    n = len(drawn)
    situation_charts.trend_svg(figures, "sv", links=None)
    assert len(drawn) == n
    situation_charts.trend_svg(figures, "sv", links=["/x"] * len(figures.get("trend") or []))
    assert len(drawn) == n + 1


def test_no_chart_cache_configured_draws_every_time(world, draft, settings, drawn):
    settings.CACHES = {"default": settings.CACHES["default"]}
    situation_charts.weekday_hour_svg(draft.snapshot, "sv")
    situation_charts.weekday_hour_svg(draft.snapshot, "sv")
    assert len(drawn) == 2


def test_png_for_documents_is_always_drawn(world, draft, drawn):
    situation_charts.trend_svg(draft.snapshot, "sv")
    assert len(drawn) == 1
    png, title = charts.png_of(situation_charts.trend_svg, draft.snapshot, "sv")
    assert png.startswith(b"\x89PNG") and title == "trend"


def test_the_active_language_is_part_of_every_key(drawn):
    # Charts that translate their own labels (county map, resources) take no language
    # argument; the key must still tell Swedish from English.
    from django.utils import translation

    from samverkan.resources.charts import burden_svg

    rows = [{"name": "Centrum", "incidents_per_1000": 2.5, "hours_per_1000": 4.0}]
    for lang in ("sv", "en", "sv", "en"):
        with translation.override(lang):
            burden_svg(rows, "Resurser", ("Händelser", "Timmar"))
    assert len(drawn) == 2


def test_every_chart_drawn_for_a_page_is_kept():
    # The resources chart of the lägesbild was once drawn on every view (0.26 s of 0.32 s).
    import ast
    from pathlib import Path

    import samverkan

    root = Path(samverkan.__file__).parent
    uncached = []
    for path in root.rglob("charts.py"):
        if path.parent.name == "core":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            draws = any(isinstance(n, ast.Attribute) and n.attr == "to_svg" for n in ast.walk(node))
            kept = any(
                (isinstance(d, ast.Name) and d.id == "cached_chart") for d in node.decorator_list
            )
            if draws and not kept:
                uncached.append(f"{path.relative_to(root)}:{node.name}")
    assert uncached == []
