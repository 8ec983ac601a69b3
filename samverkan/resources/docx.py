"""The lägesbild's section on resources against burden, in the Word document.

The same data and texts as the page and PDF section (``resources/_section.html``, prepared
by :func:`samverkan.resources.templatetags.resources_tags.resources_section`), so the DOCX
keeps mirroring the PDF section by section.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from samverkan.core.templatetags.numbers import number_text
from samverkan.resources import table
from samverkan.resources.charts import burden_svg
from samverkan.resources.templatetags.resources_tags import resources_section


def _v(value) -> str:
    return number_text(value)


def _as_text(row: dict) -> list[str]:
    """A row of :func:`samverkan.resources.table.rows` as the document writes it."""
    name, count, rate, hours, hours_per_1000, money, flag = row["cells"]
    return [
        name,
        _v(count),
        _rate(row["population_known"], rate),
        _v(hours),
        _dash(hours_per_1000),
        _dash(money),
        flag,
    ]


def _rate(population_known: bool, value) -> str:
    if not population_known:
        return _("folkmängd saknas")
    return number_text(value, "–")


def _dash(value) -> str:
    return number_text(value, "–")


def add_section(doc, figures: dict, language: str) -> None:
    """Add the section to ``doc`` (a :class:`samverkan.core.docx.WordDocument`), if any."""
    with translation.override(language):
        ctx = resources_section(figures)
        section = ctx["section"]
        if not section:
            return
        doc.heading(_("Resurser mot belastning"), 1)
        if not section.get("whole_months"):
            doc.paragraph(str(table.NO_WHOLE_MONTH))
            return
        months = ctx["months"]
        doc.paragraph(
            _(
                "Registrerade resurser %(first)s – %(last)s bredvid periodens händelser, båda "
                "per 1 000 invånare (folkmängd enligt områdets uppgift). Timmar är summan av "
                "kommunpolis, fältassistenter, ordningsvakter och bovärdar."
            )
            % {"first": months[0] if months else "", "last": months[-1] if months else ""}
        )
        rows = ctx["rows"]
        if ctx["no_rates"]:
            doc.paragraph(str(ctx["no_rates_text"]))
        elif ctx["chart"]:
            title = _("Händelser och resurstimmar per 1 000 invånare")
            doc.chart(
                burden_svg,
                rows,
                title,
                (_("Händelser per 1 000 inv."), _("Timmar per 1 000 inv.")),
                alt=title,
            )
        table_rows = [_as_text(row) for row in table.rows(figures)]
        doc.table(table.header(), table_rows, numeric={1, 2, 3, 4, 5})
        if ctx["flagged"]:
            doc.paragraph(
                _(
                    "Obalans: området ligger i den översta tredjedelen efter händelser per "
                    "1 000 invånare men i den nedersta efter timmar per 1 000 (eller tvärtom)."
                )
            )
        doc.paragraph(
            _(
                "En dold händelsesiffra (<3 eller ..) döljer också sin takt, och området "
                "rangordnas inte. Utan känd folkmängd räknas ingen takt."
            ),
            note=True,
        )
