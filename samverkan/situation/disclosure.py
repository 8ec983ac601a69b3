"""Protect every count of a shared or public lägesbild, and everything derived from one.

The figures of a picture are linked tables: the per-category counts, the child areas, the
weekday x hour grid, the coverage by organisation and kind all sum to (or are bounded by)
the same total, and the total appears again as the last point of the trend. A reader can
combine all of them, so they are protected as one system of linear equations by
:func:`samverkan.analysis.suppression.protect`: small counts are shown as ``"<3"``, further
counts are hidden as ``".."`` until a linear-programming attack over *all* published
figures narrows no hidden count (``docs/methods/suppression.md``).

A figure computed from a hidden count would give it back (``z = 2(sqrt(n) - sqrt(b))``
gives ``n`` from the published ``b``; a rate per 100,000 gives it from the published
population), so z, p, flag and rate go with their count.
"""

from __future__ import annotations

import numpy as np

from samverkan.analysis.suppression import protect

# Hiding a headline total costs more than hiding a cell: totals are hidden last.
TOTAL_COST = 8.0
MARGIN_COST = 2.0


class _System:
    """Variables (published figures and unpublished slacks) and the equations between them."""

    def __init__(self):
        self.values: list[int] = []
        self.cost: list[float] = []
        self.free: list[bool] = []
        self.exempt: list[bool] = []
        self.refs: list[list[tuple[dict | list, object]]] = []
        self.meta: list[tuple | None] = []
        self.eqs: list[dict[int, float]] = []

    def add(self, container, key, *, cost=1.0, meta=None, exempt=False) -> int:
        self.values.append(int(container[key]))
        self.cost.append(cost)
        self.free.append(False)
        self.exempt.append(exempt)
        self.refs.append([(container, key)])
        self.meta.append(meta)
        return len(self.values) - 1

    def _slack(self, value: int) -> int:
        self.values.append(int(value))
        self.cost.append(0.0)
        self.free.append(True)
        self.exempt.append(False)
        self.refs.append([])
        self.meta.append(None)
        return len(self.values) - 1

    def constant(self, value: int) -> int:
        """A number the reader knows without it being a figure: never hidden."""
        self.values.append(int(value))
        self.cost.append(0.0)
        self.free.append(False)
        self.exempt.append(True)
        self.refs.append([])
        self.meta.append(None)
        return len(self.values) - 1

    def at_least(self, parts: list[int], bound: int) -> None:
        """The reader knows ``sum(parts) >= bound`` (an unpublished slack takes the rest)."""
        eq = {bound: -1.0}
        for p in parts:
            eq[p] = eq.get(p, 0.0) + 1.0
        eq[self._slack(sum(self.values[p] for p in parts) - self.values[bound])] = -1.0
        self.eqs.append(eq)

    def close(self, total: int, parts: list[int]) -> None:
        """``total`` is the sum of ``parts``, or bounds it (then an unpublished slack).

        Parts that do not add up exactly (incidents outside every child area, an incident
        in two children, incidents without a place) still bound the total; the reader
        knows the inequality, so it is kept with a slack >= 0.
        """
        if not parts:
            return
        eq = {total: 1.0}
        for p in parts:
            eq[p] = eq.get(p, 0.0) - 1.0
        gap = self.values[total] - sum(self.values[p] for p in parts)
        if gap:
            eq[self._slack(abs(gap))] = -1.0 if gap > 0 else 1.0
        self.eqs.append(eq)


def _int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def protect_figures(figures: dict, k: int) -> list[dict]:
    """Suppress the counts of ``figures`` in place; returns the list of hidden figures.

    Parameters
    ----------
    figures : dict
        The figures of a shared or public picture as :mod:`samverkan.situation.build`
        assembles them (before the summary is written).
    k : int
        Counts ``1 .. k - 1`` are shown as ``"<k"``.

    Returns
    -------
    list of dict
        One entry per hidden figure (``section``, ``key``, ``field``, ``reason``); the
        weekday x hour grid and the trend get one entry each.
    """
    s = _System()
    totals = figures["totals"]
    # Pictures frozen before the pooled baseline was published have no baseline_total.
    fields = [f for f in totals_fields() if f in totals]
    t = {f: s.add(totals, f, cost=TOTAL_COST, meta=("totals", None, f)) for f in fields}

    period_vars = {}
    for field, period_key in (
        ("count", "period"),
        ("previous", "previous_period"),
        ("last_year", "last_year_period"),
    ):
        label = (figures.get(period_key) or {}).get("label")
        if label is not None:
            period_vars.setdefault(label, (t[field], totals[field]))
    by_label = {label: var for label, (var, _) in period_vars.items()}
    for point in figures.get("trend") or []:
        if point.get("count") is None:  # a gap: no data, nothing to protect
            continue
        linked = period_vars.get(point.get("label"))
        if linked is not None and linked[1] == point["count"]:
            s.refs[linked[0]].append((point, "count"))
        else:
            var = s.add(point, "count", meta=("trend", point.get("label"), "count"))
            by_label.setdefault(point.get("label"), var)

    rows = figures.get("by_category") or []
    columns = []
    for field in fields:
        cells = [s.add(r, field, meta=("by_category", r["code"], field)) for r in rows]
        s.close(t[field], cells)
        columns.append(cells)
    if "baseline_total" in t:
        # The pooled baseline holds whole published periods (last year, the previous
        # period, trend months): it is at least their sum, equal when they are all of it.
        base_labels = {p["label"] for p in (figures.get("baseline") or {}).get("periods") or []}
        s.close(t["baseline_total"], [v for lab, v in by_label.items() if lab in base_labels])
        in_base = [
            fields.index(field)
            for field, period_key in (
                ("previous", "previous_period"),
                ("last_year", "last_year_period"),
            )
            if (figures.get(period_key) or {}).get("label") in base_labels
        ]
        base_col = columns[fields.index("baseline_total")]
        for i, cell in enumerate(base_col):
            s.close(cell, [columns[j][i] for j in in_base])
    # A category is listed only if it had an incident in one of its periods (or baseline):
    # the reader knows its counts sum to at least 1.
    one = s.constant(1)
    for row_cells in zip(*columns):
        s.at_least(list(row_cells), one)

    children = figures.get("by_child_area") or []
    for field in ("count", "previous"):
        cells = [s.add(r, field, meta=("by_child_area", r["code"], field)) for r in children]
        s.close(t[field], cells)

    grid = figures.get("weekday_hour") or []
    cells = [s.add(row, h, meta=("weekday_hour",)) for row in grid for h in range(len(row))]
    s.close(t["count"], cells)

    cov = figures.get("coverage") or {}
    kinds = {}
    for r in cov.get("by_kind") or []:
        kinds[r["kind"]] = s.add(
            r, "count", cost=MARGIN_COST, meta=("coverage", r["kind"], "count")
        )
    by_kind_parts: dict[str, list[int]] = {}
    for r in cov.get("by_organisation") or []:
        key = r.get("organisation") or r.get("source")
        v = s.add(r, "count", meta=("coverage", key, "count"))
        by_kind_parts.setdefault(r["kind"], []).append(v)
    for kind, parts in by_kind_parts.items():
        if kind in kinds:
            s.close(kinds[kind], parts)
    s.close(t["count"], list(kinds.values()))
    if _int(cov.get("reporters")):
        s.close(t["count"], [s.add(cov, "reporters", meta=("coverage", None, "reporters"))])

    hot = figures.get("hotspots") or {}
    if _int(hot.get("n_points")):
        n_points = s.add(hot, "n_points", cost=MARGIN_COST, meta=("hotspots", None, "n_points"))
        s.close(t["count"], [n_points])
        listed = [s.add(c, "count", exempt=True) for c in hot.get("cells") or []]
        s.close(n_points, listed)
        if _int(hot.get("n_cells")):
            n_cells = s.add(hot, "n_cells", cost=MARGIN_COST, meta=("hotspots", None, "n_cells"))
            s.close(n_points, [n_cells])

    result = protect(
        np.array(s.values, dtype=np.int64),
        s.eqs,
        k=k,
        free=np.array(s.free),
        cost=np.array(s.cost),
        exempt=np.array(s.exempt),
    )
    hidden = []
    grid_reasons = {"primary": 0, "secondary": 0}
    trend_hidden = False
    for i, refs in enumerate(s.refs):
        if s.free[i]:
            continue
        for container, key in refs:
            container[key] = result.estimate[i]
        if not result.mask[i]:
            continue
        reason = "primary" if result.small_label[i] else "secondary"
        meta = s.meta[i]
        if meta is None:
            continue
        if meta[0] == "weekday_hour":
            grid_reasons[reason] += 1
        elif meta[0] == "trend":
            trend_hidden = True
        else:
            hidden.append({"section": meta[0], "key": meta[1], "field": meta[2], "reason": reason})
    if any(isinstance(p.get("count"), str) for p in figures.get("trend") or []):
        trend_hidden = True
    if trend_hidden:
        hidden.append({"section": "trend", "reason": "primary or secondary"})
    if any(grid_reasons.values()):
        hidden.append(
            {
                "section": "weekday_hour",
                "reason": f"{grid_reasons['primary']} primära och "
                f"{grid_reasons['secondary']} sekundära celler",
            }
        )
    _drop_derived(figures)
    return hidden


def totals_fields() -> tuple[str, ...]:
    return ("count", "previous", "last_year", "baseline_total")


def _drop_derived(figures: dict) -> None:
    """Withdraw every figure computed from a hidden count."""
    baseline = figures.get("comparison", "previous")
    totals = figures["totals"]
    # The baseline mean is the pooled count over a published number of periods.
    for r in [totals, *(figures.get("by_category") or [])]:
        if isinstance(r.get("baseline_total"), str):
            r["baseline_mean"] = None
    if isinstance(totals.get("baseline_total"), str) and figures.get("baseline"):
        figures["baseline"]["mean"] = None
    hidden_base = (totals.get(baseline), totals.get("baseline_total"))
    if isinstance(totals["count"], str) or any(isinstance(v, str) for v in hidden_base):
        totals["z"] = totals["p"] = totals["flag"] = None
    if isinstance(totals["count"], str):
        totals["rate_per_100k"] = None
    for r in figures.get("by_category") or []:
        hidden_base = (r.get(baseline), r.get("baseline_total"))
        if isinstance(r["count"], str) or any(isinstance(v, str) for v in hidden_base):
            r["z"] = r["p"] = r["flag"] = None
    for r in figures.get("by_child_area") or []:
        if isinstance(r["count"], str):
            r["rate_per_100k"] = None
