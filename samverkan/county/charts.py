"""The county map: municipalities shaded by their shared rate per 100,000 inhabitants.

Drawn like every chart of the product (:mod:`samverkan.core.charts`): matplotlib to an
inline SVG, no tiles and no network. Rates fall in five equal classes from the lowest to
the highest rate shown (one for a single rate); a withheld rate (its count hidden in the shared picture) is hatched
and a municipality without a shared picture is grey, so neither is mistaken for a low rate.
"""

from __future__ import annotations

import itertools
import math

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.patches import Polygon as PolygonPatch

from samverkan.core import charts
from samverkan.core.chart_cache import cached_chart

N_CLASSES = 5
NO_DATA = "#d9dde1"


def _ring_area(ring) -> float:
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring)) / 2
    )


def classes(rates) -> list[tuple[float, float]]:
    """Up to five equal classes from the lowest to the highest rate shown, on round steps.

    Starting at zero would crowd a county whose municipalities all lie between, say, 900 and
    1,400 into the top two classes; the classes span the rates actually shown instead. One
    rate alone (the first municipality to share its picture) is one class: five would show
    four colours that no area has.
    """
    shown = [r for r in rates if r is not None]
    if not shown or max(shown) <= 0:
        return []
    n = N_CLASSES if len(set(shown)) > 1 else 1
    low, top = min(shown), max(shown)
    span = (top - low) or top
    step = 10 ** math.floor(math.log10(span / n)) if span >= n else 1
    width = max(math.ceil(span / n / step), 1) * step
    while True:
        # Classes begin on a multiple of their width, so the legend reads 900–1 000, not 912–1 012.
        bottom = math.floor(low / width) * width
        if bottom + n * width >= top:
            break
        width += step
    return [(bottom + i * width, bottom + (i + 1) * width) for i in range(n)]


def _class_of(rate: float, bins) -> int:
    for i, (_lo, hi) in enumerate(bins):
        if rate < hi:
            return i
    return len(bins) - 1


@cached_chart
def map_svg(areas: list[dict], title: str) -> str:
    """``areas``: dicts with ``name``, ``geometry``, ``rate`` (None: withheld) and ``shared``."""
    bins = classes(a["rate"] for a in areas if a["shared"])
    cmap = matplotlib.colormaps["Blues"]
    colours = [cmap(0.2 + 0.7 * i / max(len(bins) - 1, 1)) for i in range(len(bins))]
    with matplotlib.rc_context(charts.style(**{"font.size": 7})):
        fig = Figure(figsize=(6.5, 6.5))
        ax = fig.subplots()
        lats = []
        for a in areas:
            rings = charts.outer_rings(a["geometry"])
            if not rings:
                continue
            withheld = a["shared"] and a["rate"] is None
            if not a["shared"]:
                face = NO_DATA
            elif withheld:
                face = "white"
            else:
                face = colours[_class_of(a["rate"], bins)] if bins else colours[0]
            for ring in rings:
                ax.add_patch(
                    PolygonPatch(
                        [p[:2] for p in ring],
                        closed=True,
                        facecolor=face,
                        edgecolor="#444",
                        lw=0.5,
                        hatch="///" if withheld else None,
                    )
                )
                lats.extend(p[1] for p in ring)
            biggest = max(rings, key=_ring_area)
            xs, ys = [p[0] for p in biggest], [p[1] for p in biggest]
            ax.annotate(
                a["name"],
                ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2),
                ha="center",
                va="center",
                fontsize=6.5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
        ax.autoscale_view()
        if lats:
            ax.set_aspect(1 / math.cos(math.radians(sum(lats) / len(lats))))
        ax.set_axis_off()
        handles = [
            Patch(facecolor=c, edgecolor="#444", label=f"{lo:g}–{hi:g}")
            for c, (lo, hi) in zip(colours, bins, strict=True)
        ]
        handles.append(
            Patch(facecolor="white", edgecolor="#444", hatch="///", label=_("Dold (färre än 3)"))
        )
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#444", label=_("Ingen delad lägesbild")))
        ax.legend(
            handles=handles,
            title=_("Händelser per 100 000 invånare"),
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
        )
        fig.tight_layout()
        return charts.to_svg(fig, title)
