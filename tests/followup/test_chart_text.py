"""Text from data is drawn as it is written, never parsed as mathtext (issue 13).

An indicator named ``$\\foo$`` made matplotlib parse its title as TeX-like mathtext and
fail, taking the partnership's follow-up page down with it.
"""

from __future__ import annotations

import html
import re

import pytest

from samverkan.followup.charts import small_multiples

NAMES = [r"$\foo$", r"$x^2$ och $\frac{1}{2}$", "Kostnad $5 per $10", "$", r"a_b \n $"]


def drawn_texts(svg: str) -> list[str]:
    """The text of each <text> element: what a reader sees (comments hold the source)."""
    found = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in found]


@pytest.mark.parametrize("name", NAMES)
def test_indicator_names_are_drawn_literally(name):
    svg = small_multiples(
        [
            {
                "id": 1,
                "name": name,
                "values": [{"label": name, "value": 3}, {"label": "2025-02", "value": 4}],
            }
        ],
        [],
        title=name,
    )
    assert svg.startswith("<svg")
    assert name in drawn_texts(svg)
