"""``{% resources_section f %}``: the lägesbild's section on resources against burden.

Drawn from the picture's frozen figures alone, so the section of a stored lägesbild shows
what was decided then, whatever is recorded later.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.resources.burden import HIGH_BURDEN_LOW_HOURS, LOW_BURDEN_HIGH_HOURS
from samverkan.resources.charts import burden_svg
from samverkan.resources.models import Kind

register = template.Library()

NO_RATES_TEXT = gettext_lazy(
    "Inget av områdena har en känd folkmängd, så inga tal per 1 000 invånare kan räknas och "
    "inget diagram ritas. Folkmängden läggs in med områdena (områdesimporten eller "
    "administrationen)."
)


def flag_text(flag) -> str:
    return {
        HIGH_BURDEN_LOW_HOURS: _("Hög belastning, få timmar"),
        LOW_BURDEN_HIGH_HOURS: _("Låg belastning, många timmar"),
    }.get(flag, "")


@register.inclusion_tag("resources/_section.html")
def resources_section(figures: dict, heading: str = "h2"):
    section = (figures or {}).get("resources")
    if not section:
        return {"section": None}
    rows = [dict(r, flag_text=flag_text(r.get("flag"))) for r in section.get("rows") or []]
    area = dict(section["area"])
    chart = ""
    # Without any known population there is no rate to draw: an empty chart would look
    # like a fault, so the section says why instead.
    has_rate = any(
        r.get("incidents_per_1000") is not None or r.get("hours_per_1000") is not None for r in rows
    )
    if section.get("whole_months") and has_rate:
        chart = burden_svg(
            rows,
            _("Händelser och resurstimmar per 1 000 invånare"),
            (_("Händelser per 1 000 inv."), _("Timmar per 1 000 inv.")),
        )
    kinds = dict(Kind.choices)
    return {
        "section": section,
        "area": area,
        "rows": rows,
        "chart": mark_safe(chart),
        "no_rates": bool(section.get("whole_months") and rows and not has_rate),
        "no_rates_text": NO_RATES_TEXT,
        "kinds": [str(kinds.get(k, k)) for k in section.get("kinds") or []],
        "months": section.get("months") or [],
        "heading": heading,
        "flagged": [r for r in rows if r["flag"]],
    }
