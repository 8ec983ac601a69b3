"""One chart helper: every chart of every app becomes SVG through samverkan.core.charts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from matplotlib import rc_context
from matplotlib.figure import Figure

import samverkan
from samverkan.core import charts
from samverkan.followup.charts import small_multiples
from samverkan.situation.exports.charts import categories_svg, trend_svg


def ids(svg: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', svg)


def drawn(title: str, **kwargs) -> str:
    with rc_context(charts.style()):
        fig = Figure(figsize=(2, 1))
        ax = fig.subplots()
        ax.plot([0, 1], [1, 2])
        ax.set_title(r"$\foo$ & <b>")
        return charts.to_svg(fig, title, **kwargs)


def test_svg_is_inline_accessible_and_keeps_text_as_text():
    svg = drawn('Inbrott "per" <månad> & år')
    assert svg.startswith('<svg role="img" aria-label="Inbrott &quot;per&quot; ')
    assert "&lt;månad&gt; &amp; år" in svg.split(">", 1)[0]
    assert 'width="100%"' in svg.split(">", 1)[0]
    # Text drawn as <text> (no glyph paths, no font to fetch), and literally, not as TeX.
    assert "<text" in svg and r"$\foo$ &amp; &lt;b&gt;" in svg
    assert "<?xml" not in svg and "DOCTYPE" not in svg
    fixed = drawn("x", fluid=False)
    assert 'width="100%"' not in fixed.split(">", 1)[0] and 'aria-label="x"' in fixed


def test_charts_of_every_app_on_one_page_never_share_an_id():
    figures = {
        "by_category": [{"label": "Skadegörelse", "count": 2, "last_year": 4, "flag": None}],
        "trend": [{"label": "2025-01", "count": 4}, {"label": "2025-02", "count": 6}],
    }
    indicators = [{"id": 1, "name": "Inbrott", "values": [{"label": "T1", "value": 3}]}]
    page = [
        trend_svg(figures),
        categories_svg(figures),
        small_multiples(indicators, [], "Indikatorer"),
        small_multiples(indicators, [], "Indikatorer"),
        drawn("a"),
        drawn("a"),
    ]
    every = Counter(i for svg in page for i in ids(svg))
    assert every and not [i for i, n in every.items() if n > 1]
    for svg in page:
        # Every internal reference points at an id of the same chart.
        own = set(ids(svg))
        refs = re.findall(r"url\(#([^)]+)\)", svg) + re.findall(r'href="#([^"]+)"', svg)
        assert set(refs) <= own


def test_only_the_core_helper_writes_svg():
    root = Path(samverkan.__file__).parent
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"savefig\([^)]*format=\"svg\"", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["core/charts.py"]


def test_outer_rings_of_every_geometry_kind_the_maps_draw():
    square = [[0, 0], [1, 0], [1, 1], [0, 0]]
    hole = [[0.2, 0.2], [0.3, 0.2], [0.3, 0.3], [0.2, 0.2]]
    other = [[5, 5], [6, 5], [6, 6], [5, 5]]
    polygon = {"type": "Polygon", "coordinates": [square, hole]}
    multi = {"type": "MultiPolygon", "coordinates": [[square, hole], [other]]}
    assert charts.outer_rings(polygon) == [square]
    assert charts.outer_rings(multi) == [square, other]
    collection = {"type": "GeometryCollection", "geometries": [polygon, {"type": "Point"}]}
    assert charts.outer_rings(collection) == [square]
    assert charts.outer_rings({"type": "Feature", "geometry": multi}) == [square, other]
    assert charts.outer_rings(None) == []
    assert charts.outer_rings({"type": "Polygon", "coordinates": []}) == []


def test_only_the_core_helper_reads_polygon_rings():
    # The county map and the lägesbild map once carried their own copies.
    root = Path(samverkan.__file__).parent
    copies = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if re.search(r"^def _?\w*rings\(", p.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert copies == ["core/charts.py"]
