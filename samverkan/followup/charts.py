"""Small multiples of indicators, drawn with matplotlib as inline SVG
(:mod:`samverkan.core.charts`).

One small panel per indicator on a shared layout (Tufte's small multiples): the series,
each goal's baseline and target as lines, the goal status in the title, and the values
that the change test flagged as increases or decreases marked in colour. No network, no
fonts fetched: the SVG keeps text as text (``svg.fonttype = none``).
"""

from __future__ import annotations

import math

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from samverkan.core import charts
from samverkan.core.chart_cache import cached_chart

BLUE = "#1f5f99"
GREY = "#57606a"
RED = "#b42318"
GREEN = "#1a7f37"
STATUS_COLOURS = {"reached": GREEN, "on_track": BLUE, "off_track": RED, "no_data": GREY}
_STYLE = charts.style(**{"font.size": 8})


@cached_chart
def small_multiples(indicators: list[dict], goals: list[dict], title: str = "") -> str:
    """An SVG with one panel per indicator of a snapshot (see ``services.tertial_snapshot``).

    ``indicators`` items need ``id``, ``name``, ``values`` (``label``, ``value``, optionally
    ``flag``); ``goals`` items ``indicator_id``, ``baseline_value``, ``target_value``,
    ``status``, ``details`` (``span_months``, ``window_values``).
    """
    if not indicators:
        return ""
    n = len(indicators)
    cols = min(3, n)
    rows = math.ceil(n / cols)
    with rc_context(_STYLE):
        # A Figure of its own, not pyplot's global one: requests render charts concurrently.
        fig = Figure(figsize=(3.1 * cols, 2.1 * rows))
        axes = fig.subplots(rows, cols, squeeze=False)
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        for ax, ind in zip(axes.flat, indicators, strict=False):
            values = ind.get("values") or []
            ys = [v["value"] for v in values]
            xs = list(range(len(ys)))
            ax.plot(xs, ys, color=BLUE, linewidth=1.4, marker="o", markersize=2)
            for x, v in zip(xs, values, strict=True):
                if v.get("flag") == "increase":
                    ax.plot([x], [v["value"]], "^", color=RED, markersize=6)
                elif v.get("flag") == "decrease":
                    ax.plot([x], [v["value"]], "v", color=GREEN, markersize=6)
            status = None
            for g in goals:
                if g.get("indicator_id") != ind["id"]:
                    continue
                status = g.get("status")
                per_value = _per_value(g, ind)
                if g.get("target_value") is not None and per_value:
                    ax.axhline(
                        g["target_value"] / per_value, color=GREEN, linestyle="--", linewidth=1
                    )
                if g.get("baseline_value") is not None and per_value:
                    ax.axhline(
                        g["baseline_value"] / per_value, color=GREY, linestyle=":", linewidth=1
                    )
            name = ind["name"] if len(ind["name"]) <= 38 else ind["name"][:36] + "…"
            ax.set_title(name, fontsize=8, loc="left", color=STATUS_COLOURS.get(status, "#1b1f24"))
            if values:
                ticks = [0, len(values) - 1] if len(values) > 1 else [0]
                ax.set_xticks(ticks, [values[i]["label"] for i in ticks])
            ax.set_ylim(bottom=0)
            if ind.get("value_type", "count") == "count":
                # Counts are whole numbers: no 0.01 steps on an axis of zeros and ones.
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                if ax.get_ylim()[1] < 1:
                    ax.set_ylim(0, 1)
        fig.tight_layout()
        return charts.to_svg(fig, title or "Indikatorer", fluid=False)


def _per_value(goal: dict, indicator: dict) -> float:
    """How many values one goal level spans (a yearly goal on a monthly count: 12)."""
    if indicator.get("value_type") == "share":
        return 1.0
    details = goal.get("details") or {}
    n = details.get("baseline_values") or 0
    return float(n) if n else 1.0
