"""The lägesbild's charts draw labels from data literally, never as mathtext (issue 13)."""

from __future__ import annotations

import html
import re

import pytest

from samverkan.situation.exports.charts import categories_svg, trend_svg

NAMES = [r"$\foo$", r"$x^2$ och $\frac{1}{2}$", "Kostnad $5 per $10", "$"]


def drawn_texts(svg: str) -> list[str]:
    """The text of each <text> element: what a reader sees (comments hold the source)."""
    found = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in found]


@pytest.mark.parametrize("name", NAMES)
def test_category_and_period_labels_are_drawn_literally(name):
    figures = {
        "by_category": [
            {"label": name, "labels": {"sv": name}, "count": 5, "last_year": 3, "flag": None},
            {"label": "Skadegörelse", "count": 2, "last_year": 4, "flag": "increase"},
        ],
        "trend": [{"label": name, "count": 4}, {"label": "2025-02", "count": 6}],
    }
    for svg in (categories_svg(figures), trend_svg(figures)):
        assert svg.startswith("<svg")
        assert name in drawn_texts(svg)
