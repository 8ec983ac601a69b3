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


def test_a_count_axis_has_whole_steps_even_when_every_value_is_zero():
    """A district's count that stayed at 0 was drawn on an axis of 0.00, 0.01 … 0.05."""
    zeros = [{"label": f"2025-{m:02d}", "value": 0} for m in range(1, 5)]
    few = [{"label": f"2025-{m:02d}", "value": m % 2} for m in range(1, 5)]
    for values in (zeros, few):
        svg = small_multiples(
            [{"id": 1, "name": "Inbrott", "value_type": "count", "values": values}], []
        )
        labels = {v["label"] for v in values}
        ticks = [t for t in drawn_texts(svg) if re.fullmatch(r"[\d.,−-]+", t) and t not in labels]
        assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    # A share keeps its fractional steps.
    shares = [{"label": f"2025-{m:02d}", "value": m / 10} for m in range(1, 5)]
    svg = small_multiples([{"id": 2, "name": "Andel", "value_type": "share", "values": shares}], [])
    assert any("." in t or "," in t for t in drawn_texts(svg))
