"""Charts and the static map of a lägesbild, drawn with matplotlib as inline SVG
(:mod:`samverkan.core.charts`).

No tiles and no network: the map draws the area outline, the child areas as a choropleth
and the hot-spot cells from the stored GeoJSON geometries and H3 cell boundaries. Values
hidden as "<3" or ".." are drawn hatched, never with a number or a height.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle

from samverkan.core import charts
from samverkan.core.chart_cache import cached_chart

_STYLE = charts.style()
BLUE = "#1f5f99"
GREY = "#9aa5b1"
HOT = "#c0392b"
COLD = "#2e86c1"
WEEKDAYS = {
    "sv": ["mån", "tis", "ons", "tor", "fre", "lör", "sön"],
    "nb": ["man", "tir", "ons", "tor", "fre", "lør", "søn"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
WORDS = {
    "sv": {
        "count": "Antal",
        "last_year": "Samma period förra året",
        "now": "Perioden",
        "hour": "Timme",
        "hot": "Hot spot",
        "cold": "Cold spot",
        "few": "färre än 3",
        "hidden": "färre än 3 eller dolt (..)",
    },
    "nb": {
        "count": "Antall",
        "last_year": "Samme periode i fjor",
        "now": "Perioden",
        "hour": "Time",
        "hot": "Hot spot",
        "cold": "Cold spot",
        "few": "færre enn 3",
        "hidden": "færre enn 3 eller skjult (..)",
    },
    "en": {
        "count": "Count",
        "last_year": "Same period last year",
        "now": "This period",
        "hour": "Hour",
        "hot": "Hot spot",
        "cold": "Cold spot",
        "few": "fewer than 3",
        "hidden": "fewer than 3 or hidden (..)",
    },
}


def _num(value) -> float:
    return float("nan") if isinstance(value, str) or value is None else float(value)


def _link(artists, urls) -> None:
    """Make each artist a link (matplotlib's SVG writer wraps it in ``<a>``)."""
    for artist, url in zip(artists, urls):
        if url:
            artist.set_url(url)


@cached_chart
def trend_svg(figures: dict, language: str = "sv", links: list | None = None) -> str:
    """The trend bar chart; ``links`` (one URL or None per period) makes bars and labels links.

    Links are for the HTML page of an internal picture only; exports pass none.
    """
    w = WORDS.get(language, WORDS["sv"])
    points = figures.get("trend") or []
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 2.4))
        ax = fig.subplots()
        values = np.array([_num(p["count"]) for p in points])
        x = np.arange(len(points))
        colours = [BLUE if i == len(points) - 1 else GREY for i in x]
        bars = ax.bar(x, np.nan_to_num(values), color=colours)
        for i in np.flatnonzero(np.isnan(values)):
            if points[i]["count"] is None:
                # No complete data for the period: a gap, neither a zero nor a hidden count.
                ax.text(i, 0, "–", ha="center", va="bottom", color=GREY)
            else:
                ax.bar(i, 1, color="white", edgecolor=GREY, hatch="///")
        ax.set_xticks(x, [p["label"] for p in points], rotation=45, ha="right")
        if links:
            # The label too: a period with no events has no bar to click.
            _link(bars.patches, links)
            _link(ax.get_xticklabels(), links)
        ax.set_ylabel(w["count"])
        ax.yaxis.get_major_locator().set_params(integer=True)
        return charts.to_svg(fig, "trend")


@cached_chart
def categories_svg(figures: dict, language: str = "sv", links: dict | None = None) -> str:
    """Category bars, this period against last year; ``links`` maps a category code to a URL
    for its bar and label (HTML page of an internal picture only)."""
    w = WORDS.get(language, WORDS["sv"])
    rows = (figures.get("by_category") or [])[:12]
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 0.35 * max(len(rows), 2) + 0.8))
        ax = fig.subplots()
        labels = [(r.get("labels") or {}).get(language) or r["label"] for r in rows][::-1]
        now = np.array([_num(r["count"]) for r in rows][::-1])
        before = np.array([_num(r["last_year"]) for r in rows][::-1])
        y = np.arange(len(rows))
        bars = ax.barh(y + 0.2, np.nan_to_num(now), height=0.4, color=BLUE, label=w["now"])
        ax.barh(y - 0.2, np.nan_to_num(before), height=0.4, color=GREY, label=w["last_year"])
        for i, r in enumerate(rows[::-1]):
            if r.get("flag"):
                ax.text(
                    np.nan_to_num(now[i]),
                    i + 0.2,
                    " ▲" if r["flag"] == "increase" else " ▼",
                    va="center",
                    color=HOT if r["flag"] == "increase" else COLD,
                )
        ax.set_yticks(y, labels)
        if links:
            urls = [links.get(r["code"]) for r in rows[::-1]]
            _link(bars.patches, urls)
            _link(ax.get_yticklabels(), urls)
        ax.set_xlabel(w["count"])
        ax.legend(loc="lower right", frameon=False)
        return charts.to_svg(fig, "categories")


@cached_chart
def weekday_hour_svg(figures: dict, language: str = "sv") -> str:
    w = WORDS.get(language, WORDS["sv"])
    grid = np.array([[_num(v) for v in row] for row in figures.get("weekday_hour") or []])
    if grid.size == 0:
        grid = np.zeros((7, 24))
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 2.6))
        ax = fig.subplots()
        # pcolormesh draws vector cells (imshow would embed a raster image in the SVG).
        masked = np.ma.masked_invalid(grid)
        image = ax.pcolormesh(
            np.arange(25) - 0.5, np.arange(8) - 0.5, masked, cmap="Blues", shading="flat"
        )
        for r, c in zip(*np.nonzero(np.isnan(grid))):
            ax.add_patch(
                Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", edgecolor=GREY, lw=0)
            )
        ax.set_xlim(-0.5, 23.5)
        ax.set_ylim(6.5, -0.5)
        ax.set_yticks(range(7), WEEKDAYS.get(language, WEEKDAYS["sv"]))
        ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
        ax.set_xlabel(w["hour"])
        bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
        # Colorbars with many steps are rasterised by default; WeasyPrint cannot draw the
        # embedded raster, and vectors stay sharp in print.
        if bar.solids is not None:
            bar.solids.set_rasterized(False)
        return charts.to_svg(fig, "weekday x hour")


@cached_chart
def map_svg(
    figures: dict,
    area_geometry: dict | None,
    child_geometries: dict[str, dict],
    language: str = "sv",
) -> str:
    """Area outline, child areas shaded by count, hot spot cells (H3) on top."""
    import h3

    w = WORDS.get(language, WORDS["sv"])
    counts = {r["code"]: r["count"] for r in figures.get("by_child_area") or []}
    numeric = [v for v in counts.values() if not isinstance(v, str)]
    top = max(numeric) if numeric else 0
    cmap = matplotlib.colormaps["Blues"]
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(6.5, 6.5))
        ax = fig.subplots()
        lats = []
        for code, geom in child_geometries.items():
            value = counts.get(code)
            hatched = isinstance(value, str)
            colour = "white" if hatched or not top else cmap(0.15 + 0.8 * (value or 0) / top)
            for ring in charts.outer_rings(geom):
                ax.add_patch(
                    PolygonPatch(
                        ring,
                        closed=True,
                        facecolor=colour,
                        edgecolor="#555",
                        lw=0.4,
                        hatch="///" if hatched else None,
                    )
                )
                lats.extend(p[1] for p in ring)
        for ring in charts.outer_rings(area_geometry):
            ax.add_patch(PolygonPatch(ring, closed=True, fill=False, edgecolor="black", lw=1.2))
            lats.extend(p[1] for p in ring)
        cells = (figures.get("hotspots") or {}).get("cells") or []
        for cell in cells:
            boundary = [(lng, lat) for lat, lng in h3.cell_to_boundary(cell["cell"])]
            colour = {"hot": HOT, "cold": COLD}.get(cell.get("hot"), "#f5b041")
            ax.add_patch(
                PolygonPatch(
                    boundary, closed=True, facecolor=colour, edgecolor=colour, lw=0.3, alpha=0.85
                )
            )
            lats.extend(p[1] for p in boundary)
        ax.autoscale_view()
        ax.relim()
        if lats:
            mid = float(np.mean(lats))
            ax.set_aspect(1.0 / max(math.cos(math.radians(mid)), 0.1))
        ax.set_axis_off()
        handles = []
        kinds = {c.get("hot") for c in cells}
        if "hot" in kinds:
            handles.append(PolygonPatch([[0, 0]], facecolor=HOT, label=w["hot"]))
        if "cold" in kinds:
            handles.append(PolygonPatch([[0, 0]], facecolor=COLD, label=w["cold"]))
        if any(isinstance(v, str) for v in counts.values()):
            # A ".." area may hold many incidents: "fewer than 3" would be false for it.
            dots = any(v == ".." for v in counts.values())
            handles.append(
                PolygonPatch(
                    [[0, 0]],
                    facecolor="white",
                    hatch="///",
                    edgecolor="#555",
                    label=w["hidden" if dots else "few"],
                )
            )
        if handles:
            ax.legend(handles=handles, loc="lower left", frameon=False, fontsize=8)
        _fit(ax)
        return charts.to_svg(fig, "map")


def _fit(ax) -> None:
    xs, ys = [], []
    for patch in ax.patches:
        verts = patch.get_xy()
        if len(verts) > 1:
            xs.extend(verts[:, 0])
            ys.extend(verts[:, 1])
    if xs:
        pad_x = (max(xs) - min(xs)) * 0.03 or 0.01
        pad_y = (max(ys) - min(ys)) * 0.03 or 0.01
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
