"""The lägesbild's resources section as a table: one row per area and the whole area.

The Word document and the Excel workbook write the same rows (the page and the PDF show
them through ``resources/_section.html``), so every export of a lägesbild carries the
figures its page shows. The cells are the frozen figures' own values: a hidden count
stays its text (``<3``), and a rate that cannot be computed is ``None``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.resources.templatetags.resources_tags import flag_text

# What the section says for a period without a whole month, in every export.
NO_WHOLE_MONTH = gettext_lazy(
    "Resurser registreras per månad och perioden omfattar ingen hel månad, så inga resurser visas."
)


def header() -> list[str]:
    """The column names, in the active language."""
    return [
        _("Område"),
        _("Händelser"),
        _("Händelser per 1 000"),
        _("Timmar"),
        _("Timmar per 1 000"),
        _("Kr per invånare"),
        _("Obalans"),
    ]


def section(figures: dict) -> dict | None:
    """The frozen resources section of ``figures``, or ``None`` when it has none."""
    return (figures or {}).get("resources") or None


def rows(figures: dict) -> list[dict]:
    """One row per area, then the whole area (``total`` True), each with the cells of
    :func:`header` under ``cells`` and whether its population is known.

    Empty when the section is missing or covers no whole month (resources are recorded
    per month, so such a period shows none).
    """
    resources = section(figures)
    if not resources or not resources.get("whole_months"):
        return []

    def row(r: dict, total: bool) -> dict:
        return {
            "total": total,
            "population_known": bool(r.get("population_known")),
            "cells": [
                r.get("name"),
                r.get("count"),
                r.get("incidents_per_1000"),
                r.get("hours"),
                r.get("hours_per_1000"),
                r.get("money_per_inhabitant"),
                "" if total else flag_text(r.get("flag")),
            ],
        }

    return [row(r, False) for r in resources.get("rows") or []] + [row(resources["area"], True)]
