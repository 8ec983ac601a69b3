"""The action plan as a spreadsheet: one row per measure, formula cells escaped."""

from __future__ import annotations

from collections.abc import Callable

from samverkan.core.exports import to_xlsx

HEADER = [
    "åtgärd",
    "beskrivning",
    "problem",
    "riktas_mot",
    "ansvarig_organisation",
    "ansvarig_person",
    "samarbetspartner",
    "start",
    "slut",
    "resurser",
    "status",
    "indikatorer",
]


def measure_rows(measures):
    for m in measures:
        yield [
            m.title,
            m.description,
            "; ".join(p.title for p in m.problems.all()),
            str(m.get_target_side_display()),
            m.owner.name,
            m.responsible_person,
            "; ".join(o.name for o in m.partners.all()),
            m.start,
            m.end,
            m.resources,
            str(m.get_status_display()),
            "; ".join(i.name for i in m.indicators.all()),
        ]


def plan_xlsx(plan) -> bytes:
    measures = plan.measures.select_related("owner").prefetch_related(
        "problems", "partners", "indicators"
    )
    more = [fn(plan) for fn in _SHEETS]
    return to_xlsx(HEADER, measure_rows(measures), title="Åtgärdsplan", sheets=more)


# Sheets that apps above plans add to the plan's workbook (registered in their ready()).
_SHEETS: list[Callable] = []


def register_sheet(fn: Callable) -> None:
    """Add ``fn(plan) -> (title, header, rows)`` as a sheet of every plan's XLSX."""
    if fn not in _SHEETS:
        _SHEETS.append(fn)
