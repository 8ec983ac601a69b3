"""The lägesbild as a Word document (DOCX) that the partnership edits and forwards.

It mirrors the PDF (``situation/report.html``) section by section and takes its texts and
rows from the same context (:func:`samverkan.situation.exports.html.context`), so both
show the same figures: the report's frozen snapshot, already cut to its audience. A shared
or public picture's snapshot holds only published values ("<3" and ".." where the
suppression hid a count), so nothing hidden in the PDF can reach the DOCX either.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.utils import translation

from samverkan.core.docx import WordDocument, partnership_organisation
from samverkan.core.models import Partnership
from samverkan.core.templatetags.numbers import number_text
from samverkan.resources import docx as resources_docx
from samverkan.situation.exports import charts
from samverkan.situation.exports.geo import area_geometry, area_of, child_geometries
from samverkan.situation.exports.html import context


def _v(value) -> str:
    """A count or rate as the PDF prints it (None as empty): "12 400", "12,5" in Swedish."""
    return number_text(value)


def _assessment(doc: WordDocument, assessments: dict, key: str) -> None:
    if assessments.get(key):
        doc.paragraph(assessments[key])


def _organisation(figures: dict):
    p = figures.get("partnership") or {}
    partnership = Partnership.objects.filter(pk=p.get("id")).first() if p.get("id") else None
    return partnership_organisation(partnership)


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    """The DOCX bytes of a lägesbild (same arguments as every exporter)."""
    ctx = context(figures, assessments=assessments, language=language, meta=meta)
    # Numbers are written as the document's language writes them, whatever the request's.
    with translation.override(ctx["lang"]):
        return _render(figures, ctx)


def _render(figures: dict, ctx: dict) -> bytes:
    t, f, lang, a = ctx["t"], figures, ctx["lang"], ctx["assessments"]
    subtitle = [f"{f['period']['name']} ({f['period']['first_day']} – {f['period']['last_day']})"]
    if f.get("partnership"):
        subtitle.append(f"{t['partnership']}: {f['partnership']['name']}")
    subtitle.append(ctx["audience_label"])
    if ctx["meta"].get("status"):
        subtitle.append(f"{ctx['status_label']}, {t['version']} {ctx['meta'].get('version')}")
    subtitle.append(f"{t['generated']} {ctx['generated_text']}")
    doc = WordDocument(
        f"{t['title']}: {f['area']['name']}",
        organisation=_organisation(f),
        language=lang,
        subtitle=" · ".join(str(s) for s in subtitle),
    )

    doc.heading(t["summary"], 1)
    doc.paragraph(ctx["summary"])
    if a.get("overall"):
        doc.heading(t["assessment"], 1)
        doc.paragraph(a["overall"])

    totals = f["totals"]
    doc.heading(t["totals"], 1)
    header = [t["this_period"], t["previous"], t["last_year"], t["change"]]
    row = [_v(totals.get("count")), _v(totals.get("previous")), _v(totals.get("last_year"))]
    row.append(ctx["total_flag_text"] if totals.get("flag") else "")
    if totals.get("rate_per_100k") is not None:
        header.append(t["rate"])
        row.append(_v(totals["rate_per_100k"]))
    doc.table(header, [row], numeric={0, 1, 2, 4})
    _assessment(doc, a, "totals")
    doc.heading(t["trend"], 1)
    doc.chart(charts.trend_svg, f, lang, alt=t["trend"])
    _assessment(doc, a, "trend")

    doc.heading(t["categories"], 1)
    if f.get("by_category"):
        doc.chart(charts.categories_svg, f, lang, alt=t["categories"])
    rows = [
        [
            r["display_label"],
            _v(r.get("count")),
            _v(r.get("previous")),
            _v(r.get("last_year")),
            floatformat(r["z"], 1) if r.get("z") is not None else "",
            r["flag_text"] if r.get("flag") else "",
        ]
        for r in ctx["categories"]
    ] or [[t["none"], "", "", "", "", ""]]
    doc.table(
        [t["category"], t["this_period"], t["previous"], t["last_year"], "z", t["change"]],
        rows,
        numeric={1, 2, 3, 4},
    )
    _assessment(doc, a, "by_category")

    area = area_of(f)
    geometry = area_geometry(f, area)
    children = child_geometries(f, area)
    has_map = bool(geometry or children)
    if f.get("by_child_area") or has_map:
        if has_map:
            title = t["map"] + (f" – {t['children'].lower()}" if f.get("by_child_area") else "")
        else:
            title = t["children"]
        doc.heading(title, 1)
        if has_map:
            doc.chart(charts.map_svg, f, geometry, children, lang, alt=title, width_cm=14)
        if f.get("by_child_area"):
            doc.table(
                [t["area"], t["this_period"], t["previous"], t["rate"]],
                [
                    [
                        r.get("name"),
                        _v(r.get("count")),
                        _v(r.get("previous")),
                        _v(r.get("rate_per_100k")),
                    ]
                    for r in f["by_child_area"]
                ],
                numeric={1, 2, 3},
            )
        _assessment(doc, a, "by_child_area")

    resources_docx.add_section(doc, f, lang)

    doc.heading(t["weekday_hour"], 1)
    doc.chart(charts.weekday_hour_svg, f, lang, alt=t["weekday_hour"])
    _assessment(doc, a, "weekday_hour")

    if ctx["hot_cells"]:
        doc.heading(t["hotspots"], 1)
        doc.table(
            [t["cell"], t["count"], "z", "p"],
            [
                [
                    f"{c['cell']} ({c.get('hot')})",
                    _v(c.get("count")),
                    floatformat(c.get("z"), 1),
                    floatformat(c.get("p"), 3),
                ]
                for c in ctx["hot_cells"]
            ],
            numeric={1, 2, 3},
        )
        _assessment(doc, a, "hotspots")

    zones = (f.get("near_repeat") or {}).get("zones") or []
    if zones:
        doc.heading(t["near_repeat"], 1)
        doc.table(
            [t["place"], t["count"], t["radius"], t["expires"]],
            [
                [
                    f"{floatformat(z.get('lat'), 4)}, {floatformat(z.get('lon'), 4)}",
                    _v(z.get("n_incidents")),
                    floatformat(z.get("radius_m"), 0),
                    _v(z.get("expires_at")),
                ]
                for z in zones
            ],
            numeric={1, 2},
        )

    if f.get("repeat_places"):
        doc.heading(t["repeat_places"], 1)
        doc.table(
            [t["place"], t["count"], t["categories"]],
            [
                [
                    (
                        f"{r.get('place') or ''} ({floatformat(r.get('lat'), 4)}, "
                        f"{floatformat(r.get('lon'), 4)})"
                    ),
                    _v(r.get("count")),
                    ", ".join(f"{c['label']} ({c['count']})" for c in r.get("categories") or []),
                ]
                for r in f["repeat_places"]
            ],
            numeric={1},
        )

    if f.get("notable"):
        doc.heading(t["notable"], 1)
        doc.table(
            [t["date"], t["category"], t["place"]],
            [[n["when"], n.get("label"), n.get("place")] for n in ctx["notable_rows"]],
        )

    doc.heading(t["coverage"], 1)
    doc.table(
        [t["organisation"], t["kind"], t["count"]],
        [
            [r.get("organisation") or r.get("source"), r["kind_label"], _v(r.get("count"))]
            for r in ctx["coverage_rows"]
        ],
        numeric={2},
    )
    coverage = f.get("coverage") or {}
    doc.paragraph(f"{t['reporters']}: {_v(coverage.get('reporters'))}")
    sources = coverage.get("sources") or []
    if sources:
        doc.bullets(
            f"{s['source']}: {t['data_through']} {s['data_through']}"
            + ("" if s.get("complete") else f" ({t['incomplete']})")
            for s in sources
        )
    _assessment(doc, a, "coverage")

    if f.get("audience") != "internal":
        doc.heading(t["suppressed"], 1)
        doc.paragraph(t["suppressed_text"], note=True)
    doc.heading(t["method"], 1)
    doc.paragraph(t["method_text"], note=True)
    return doc.to_bytes()
