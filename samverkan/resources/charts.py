"""The chart of resources against burden: two bar panels sharing the areas' axis."""

from __future__ import annotations

import matplotlib
from matplotlib.figure import Figure

from samverkan.core import charts
from samverkan.core.chart_cache import cached_chart

BURDEN = "#1f4e79"
HOURS = "#2e7d32"
MISSING = "#9e9e9e"


@cached_chart
def burden_svg(rows: list[dict], title: str, labels: tuple[str, str]) -> str:
    """Incidents per 1,000 (left) and hours per 1,000 (right), one bar pair per area.

    An area without a rate gets no bar and its name is greyed, so a withheld or unknown
    rate is never drawn as a zero.
    """
    shown = rows[:20][::-1]
    if not shown:
        return ""
    with matplotlib.rc_context(charts.style()):
        fig = Figure(figsize=(7, 0.32 * max(len(shown), 2) + 0.9))
        left, right = fig.subplots(1, 2, sharey=True)
        y = range(len(shown))
        for ax, key, color, label in (
            (left, "incidents_per_1000", BURDEN, labels[0]),
            (right, "hours_per_1000", HOURS, labels[1]),
        ):
            values = [r.get(key) for r in shown]
            ax.barh(
                [i for i, v in zip(y, values, strict=True) if v is not None],
                [v for v in values if v is not None],
                color=color,
                height=0.6,
            )
            ax.set_title(label, fontsize=9)
            # Rates are never negative: the axis starts at zero even when every bar is zero.
            ax.set_xlim(0, max([v for v in values if v is not None] or [0]) * 1.1 or 1)
        left.set_yticks(list(y), [r["name"] for r in shown])
        for tick, r in zip(left.get_yticklabels(), shown, strict=True):
            if r.get("incidents_per_1000") is None or r.get("hours_per_1000") is None:
                tick.set_color(MISSING)
        return charts.to_svg(fig, title)
