"""Resources against problem burden per area: incidents and hours per 1,000 inhabitants.

Local crime prevention is under-resourced (Brå 2022:6, *Kommunernas arbete med
brottsförebyggande åtgärder*), and resources are seldom where the problems are. This module
sets what the partners recorded (:class:`~samverkan.resources.models.ResourceEntry`)
beside the incident count of each area, both per 1,000 inhabitants (``Area.population``),
and flags areas where the two disagree.

Rules, each a guard against a figure that is not there:

* A period counts the months that lie wholly inside it (a tertial is the sum of its four
  months); a week covers no whole month and gets no resource figures. Nothing is spread
  over days.
* An area without a known population gets no rate ("folkmängd saknas"); nothing is
  divided by zero and no population is guessed.
* An incident count hidden by the lägesbild's suppression (``"<3"``, ``".."``) hides its
  rate and keeps the area out of the ranking: a rank next to a known population would
  narrow the hidden count.
* A mismatch needs at least three ranked areas. An area is in the *top third* of a measure
  when at least ``n - floor(n/3)`` of the ``n`` ranked areas lie strictly below it, in the
  *bottom third* when as many lie strictly above it; ties at a border are not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from samverkan.core.models import Area, Partnership
from samverkan.core.periods import Period
from samverkan.core.permissions import descendant_ids
from samverkan.incidents.counting import row_filter
from samverkan.incidents.models import IncidentArea
from samverkan.resources.models import HOUR_KINDS, Kind, ResourceEntry

HIGH_BURDEN_LOW_HOURS = "high_burden_low_hours"
LOW_BURDEN_HIGH_HOURS = "low_burden_high_hours"
FLAG_TEXT = {
    HIGH_BURDEN_LOW_HOURS: "Hög belastning, få timmar",
    LOW_BURDEN_HIGH_HOURS: "Låg belastning, många timmar",
}
NO_POPULATION = "folkmängd saknas"


def months_in(period: Period) -> list[date]:
    """First days of the months that lie wholly inside ``period``."""
    day = date(period.first_day.year, period.first_day.month, 1)
    if day < period.first_day:
        day = _next_month(day)
    months = []
    while _next_month(day) <= period.end_day:
        months.append(day)
        day = _next_month(day)
    return months


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _number(value: Decimal | float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else round(value, 1)


def resource_sums(
    subtrees: Mapping[object, Iterable[int]],
    months: list[date],
    partnership: Partnership | None,
) -> dict[str, dict]:
    """Per key: hours, money and each kind's amount recorded in its areas and months.

    ``subtrees`` maps a key to the ids of the area and every area below it:
    hours recorded for a district count for its municipality too.
    """
    if not months:
        # No whole month in the period: no resource figure, rather than a zero.
        return {key: {"hours": None, "money": None, "by_kind": {}} for key in subtrees}
    out = {key: {"hours": 0, "money": 0, "by_kind": {}} for key in subtrees}
    if not subtrees:
        return out
    every = set().union(*(set(ids) for ids in subtrees.values()))
    qs = ResourceEntry.objects.filter(month__in=months, area_id__in=sorted(every))
    if partnership is not None:
        qs = qs.filter(partnership=partnership)
    sums = list(qs.values("area_id", "kind").annotate(total=Sum("amount")))
    for key, ids in subtrees.items():
        ids = set(ids)
        row = out[key]
        for s in sums:
            if s["area_id"] not in ids:
                continue
            row["by_kind"][s["kind"]] = row["by_kind"].get(s["kind"], 0) + s["total"]
        for kind, total in row["by_kind"].items():
            if kind in HOUR_KINDS:
                row["hours"] += total
            elif kind == Kind.MONEY:
                row["money"] += total
        row["hours"] = _number(row["hours"])
        row["money"] = _number(row["money"])
        row["by_kind"] = {k: _number(v) for k, v in sorted(row["by_kind"].items())}
    return out


def subtrees_of(areas: list[Area]) -> list[set[int]]:
    """For each area, its id and the ids of every area below it.

    One walk down from all of them, level by level (a country picture has hundreds of
    children; a walk per child would cost a few queries each).
    """
    children: dict[int, list[int]] = {}
    frontier = {a.pk for a in areas}
    seen = set(frontier)
    while frontier:
        links = Area.objects.filter(parent_id__in=frontier).values_list("id", "parent_id")
        frontier = set()
        for pk, parent in links:
            children.setdefault(parent, []).append(pk)
            if pk not in seen:
                seen.add(pk)
                frontier.add(pk)
    out = []
    for a in areas:
        ids, todo = set(), [a.pk]
        while todo:
            node = todo.pop()
            if node not in ids:
                ids.add(node)
                todo.extend(children.get(node, []))
        out.append(ids)
    return out


def _per(value, population: int | None, per: int, digits: int = 1) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not population:
        return None
    return round(value / population * per, digits)


def rates(row: dict) -> dict:
    """``row`` (population, count, hours, money) with its rates, or why they are missing."""
    pop = row.get("population") or None
    count = row.get("count")
    row["population_known"] = pop is not None
    row["incidents_per_1000"] = _per(count, pop, 1000, 2)
    row["hours_per_1000"] = _per(row.get("hours"), pop, 1000, 1)
    row["money_per_inhabitant"] = _per(row.get("money"), pop, 1, 2)
    row["missing"] = NO_POPULATION if pop is None else ""
    return row


@dataclass(frozen=True)
class Thirds:
    top: frozenset
    bottom: frozenset


def thirds(values: Mapping[object, float]) -> Thirds:
    """Keys in the top and bottom third of ``values`` (ties at a border stay out)."""
    n = len(values)
    if n < 3:
        return Thirds(frozenset(), frozenset())
    need = n - n // 3
    top = {k for k, v in values.items() if sum(1 for w in values.values() if w < v) >= need}
    bottom = {k for k, v in values.items() if sum(1 for w in values.values() if w > v) >= need}
    return Thirds(frozenset(top), frozenset(bottom))


def flag_mismatches(rows: list[dict]) -> list[dict]:
    """Set ``flag`` on each row: burden and hours in opposite thirds, else None.

    Only rows with both rates ranked; the rest get None.
    """
    ranked = [
        i
        for i, r in enumerate(rows)
        if r.get("incidents_per_1000") is not None and r.get("hours_per_1000") is not None
    ]
    burden = thirds({i: rows[i]["incidents_per_1000"] for i in ranked})
    hours = thirds({i: rows[i]["hours_per_1000"] for i in ranked})
    for i, r in enumerate(rows):
        r["flag"] = None
        if i in burden.top and i in hours.bottom:
            r["flag"] = HIGH_BURDEN_LOW_HOURS
        elif i in burden.bottom and i in hours.top:
            r["flag"] = LOW_BURDEN_HIGH_HOURS
    return rows


def compare(
    areas: list[dict], months: list[date], partnership: Partnership | None, subtrees: list
) -> list[dict]:
    """Resources and rates for ``areas`` (dicts with code, name, population and count).

    ``subtrees[i]`` holds the ids of ``areas[i]`` and every area below it.
    """
    sums = resource_sums(dict(enumerate(subtrees)), months, partnership)
    rows = [rates({**a, **sums[i]}) for i, a in enumerate(areas)]
    return flag_mismatches(rows)


def section(
    area: Area,
    period: Period,
    partnership: Partnership | None,
    total_count,
    children: list[dict],
    child_areas: list[Area],
) -> dict:
    """The lägesbild's section, from counts the picture has already counted and protected.

    Parameters
    ----------
    area : Area
        The picture's area (its own line: the county overview reads it).
    period : Period
    partnership : Partnership or None
        Only that partnership's rows; without one, every partnership's rows in the area.
    total_count : int or str
        The picture's total for the period, as published (``"<3"`` when hidden).
    children : list of dict
        The picture's ``by_child_area`` rows as published (``code``, ``name``,
        ``population``, ``count``), in the order of ``child_areas``.
    child_areas : list of Area
        The areas those rows count.
    """
    months = months_in(period)
    subtrees = subtrees_of([area, *child_areas])
    own = {
        "code": area.code,
        "name": area.name,
        "population": area.population,
        "count": total_count,
    }
    child_rows = [{k: c.get(k) for k in ("code", "name", "population", "count")} for c in children]
    rows = compare([own, *child_rows], months, partnership, subtrees)
    whole = rows[0]
    whole["flag"] = None
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "whole_months": bool(months),
        "partnership": partnership.pk if partnership else None,
        "area": whole,
        # Flags compare the child areas with each other, never with their parent.
        "rows": flag_mismatches(rows[1:]),
        "kinds": sorted({k for r in rows for k in r["by_kind"]}),
    }


def against_burden(
    partnership: Partnership, period: Period, level: str, counts: Mapping[str, object] | None = None
) -> list[dict]:
    """Per area of ``level`` within the partnership: burden and resources per 1,000.

    Parameters
    ----------
    partnership : Partnership
    period : Period
    level : str
        An :class:`~samverkan.core.models.Area` level (``"district"``, ``"municipality"`` …).
    counts : mapping of area code to int or str, optional
        Incident counts as the caller publishes them (the lägesbild passes its protected
        counts). Without it, the partnership's incidents are counted live with the
        lägesbild's own rule (:func:`samverkan.incidents.counting.row_filter`),
        unsuppressed: for internal use only.

    Returns
    -------
    list of dict
        One row per area: code, name, population, count, hours, money, by_kind,
        incidents_per_1000, hours_per_1000, money_per_inhabitant, missing and flag.
    """
    roots = list(partnership.areas.values_list("id", flat=True))
    reach = descendant_ids(roots)
    areas = list(Area.objects.filter(pk__in=reach, level=level).order_by("name"))
    if counts is None:
        counts = {}
        for a in areas:
            counts[a.code] = IncidentArea.objects.filter(
                row_filter(a, partnership),
                area_id=a.pk,
                occurred_from__gte=period.start,
                occurred_from__lt=period.end,
            ).count()
    rows = [
        {"code": a.code, "name": a.name, "population": a.population, "count": counts.get(a.code)}
        for a in areas
    ]
    subtrees = subtrees_of(areas)
    return compare(rows, months_in(period), partnership, subtrees)
