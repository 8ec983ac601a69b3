"""The lägesbild as an Excel workbook: one sheet per section.

Text cells that a spreadsheet would read as a formula (starting with = + - @, or a tab or
carriage return before one) are prefixed with an apostrophe, so a place name or an
assessment can never run as a formula on the reader's machine (OWASP "CSV injection").
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from samverkan.core.exports import escape_cell
from samverkan.resources import table as resources_table
from samverkan.situation.exports.html import TEXTS
from samverkan.situation.summary import summarise

WEEKDAYS = {
    "sv": ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"],
    "nb": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def safe(value):
    """A cell value that cannot be read as a formula (lists and dicts written as text)."""
    if isinstance(value, (list, dict)):
        value = str(value)
    return escape_cell(value)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append([safe(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe(v) for v in row])
    for i in range(1, len(header) + 1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 18


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    lang = language if language in TEXTS else "sv"
    t = TEXTS[lang]
    f = figures
    wb = Workbook()
    wb.remove(wb.active)
    overview = [
        [t["area"], f"{f['area']['name']} ({f['area']['code']})"],
        [t["this_period"], f["period"]["label"]],
        ["start", f["period"]["start"]],
        ["end", f["period"]["end"]],
        [t["partnership"], (f.get("partnership") or {}).get("name", "")],
        ["audience", f.get("audience")],
        [t["totals"], f["totals"]["count"]],
        [t["previous"], f["totals"]["previous"]],
        [t["last_year"], f["totals"]["last_year"]],
        ["z", f["totals"].get("z")],
        ["flag", f["totals"].get("flag")],
        ["data_through", (f.get("coverage") or {}).get("data_through")],
        ["complete", (f.get("coverage") or {}).get("complete")],
        [t["summary"], summarise(f, lang)],
        [t["generated"], f.get("generated_at")],
    ]
    if meta:
        overview += [[k, v] for k, v in meta.items()]
    for section, text in (assessments or {}).items():
        overview.append([f"{t['assessment']}: {section}", text])
    _sheet(wb, t["summary"], ["", ""], overview)
    _sheet(
        wb,
        t["categories"],
        ["code", t["category"], t["this_period"], t["previous"], t["last_year"], "z", "p", "flag"],
        [
            [
                r["code"],
                (r.get("labels") or {}).get(lang) or r["label"],
                r["count"],
                r["previous"],
                r["last_year"],
                r.get("z"),
                r.get("p"),
                r.get("flag"),
            ]
            for r in f.get("by_category") or []
        ],
    )
    _sheet(
        wb,
        "Trend",
        ["period", t["count"]],
        # A period without complete data is an empty cell, never a zero.
        [[p["label"], p["count"]] for p in f.get("trend") or []],
    )
    _sheet(
        wb,
        "Data",
        ["source", "data_through", "complete"],
        [
            [r["source"], r["data_through"], r["complete"]]
            for r in (f.get("coverage") or {}).get("sources") or []
        ],
    )
    _sheet(
        wb,
        t["children"],
        ["code", t["area"], t["this_period"], t["previous"], t["rate"]],
        [
            [r["code"], r["name"], r["count"], r["previous"], r.get("rate_per_100k")]
            for r in f.get("by_child_area") or []
        ],
    )
    _sheet(
        wb,
        t["weekday_hour"],
        [""] + [f"{h:02d}" for h in range(24)],
        [[day, *row] for day, row in zip(WEEKDAYS[lang], f.get("weekday_hour") or [])],
    )
    _sheet(
        wb,
        "Hot spots",
        ["h3", "lon", "lat", t["count"], "z", "p", "q", "hot"],
        [
            [
                c["cell"],
                c["lon"],
                c["lat"],
                c["count"],
                c.get("z"),
                c.get("p"),
                c.get("q"),
                c.get("hot"),
            ]
            for c in (f.get("hotspots") or {}).get("cells", [])
        ],
    )
    _sheet(
        wb,
        "Near repeat",
        ["lon", "lat", t["radius"], t["expires"], t["count"]],
        [
            [z["lon"], z["lat"], z["radius_m"], z["expires_at"], z["n_incidents"]]
            for z in (f.get("near_repeat") or {}).get("zones", [])
        ],
    )
    _sheet(
        wb,
        t["repeat_places"],
        [t["place"], "lon", "lat", t["count"], t["categories"]],
        [
            [
                r["place"],
                r["lon"],
                r["lat"],
                r["count"],
                ", ".join(f"{c['label']} ({c['count']})" for c in r["categories"]),
            ]
            for r in f.get("repeat_places") or []
        ],
    )
    _sheet(
        wb,
        t["notable"],
        [t["date"], t["category"], t["place"], "source", "url"],
        [
            [n["date"], n["label"], n["place"], n["source"], n["url"]]
            for n in f.get("notable") or []
        ],
    )
    cov = f.get("coverage") or {}
    _sheet(
        wb,
        t["coverage"],
        [t["organisation"], t["kind"], t["count"]],
        [
            [r.get("organisation") or r.get("source"), r["kind"], r["count"]]
            for r in cov.get("by_organisation", [])
        ]
        + [[t["reporters"], "", cov.get("reporters")]],
    )
    _sheet(
        wb,
        t["suppressed"],
        ["section", "key", "field", "reason"],
        [
            [s.get("section"), s.get("key"), s.get("field"), s.get("reason")]
            for s in f.get("suppressed") or []
        ],
    )
    _resources_sheet(wb, f, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _resources_sheet(wb: Workbook, figures: dict, language: str) -> None:
    """The resources section (another app's), as the page, the PDF and the DOCX show it."""
    if not resources_table.section(figures):
        return
    with translation.override(language):
        rows = [r["cells"] for r in resources_table.rows(figures)] or [
            [str(resources_table.NO_WHOLE_MONTH)]
        ]
        _sheet(wb, _("Resurser mot belastning"), resources_table.header(), rows)
