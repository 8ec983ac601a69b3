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

from typing import NamedTuple

import numpy as np

from samverkan.analysis.suppression import protect

# The rule the stored figures were protected by; a picture without it (or with an older
# one) is audited again by ``samverkan reprotect_pictures``, run by ``migrate``.
PROTECTION = 2

# Hiding a headline total costs more than hiding a cell: totals are hidden last.
TOTAL_COST = 8.0
MARGIN_COST = 2.0


class _System:
    """Variables (published figures and unpublished slacks) and the relations between them.

    A figure stored as a label (``"<3"``, ``".."``: a picture protected before) enters as
    a hidden variable of unknown value; :meth:`equations` then settles the relations from
    a point the published figures allow (:meth:`_reader_point`).
    """

    def __init__(self, k: int):
        self.k = k
        self.values: list[int] = []
        self.labels: list[str | None] = []
        self.cost: list[float] = []
        self.free: list[bool] = []
        self.exempt: list[bool] = []
        self.refs: list[list[tuple[dict | list, object]]] = []
        self.meta: list[tuple | None] = []
        # (kind, bound or total, parts): equations are written once every figure is in.
        self.relations: list[tuple[str, int, list[int]]] = []

    def _append(self, value, label, cost, free, exempt, refs, meta) -> int:
        self.values.append(value)
        self.labels.append(label)
        self.cost.append(cost)
        self.free.append(free)
        self.exempt.append(exempt)
        self.refs.append(refs)
        self.meta.append(meta)
        return len(self.values) - 1

    def add(self, container, key, *, cost=1.0, meta=None, exempt=False) -> int:
        value = container.get(key) if isinstance(container, dict) else container[key]
        if value is None:
            # Missing from an older or hand-edited snapshot: the reader knows nothing of it,
            # and it stays missing.
            return self._append(0, "..", cost, False, exempt, [], None)
        label = value if isinstance(value, str) else None
        return self._append(
            0 if label else int(value), label, cost, False, exempt, [(container, key)], meta
        )

    def constant(self, value: int) -> int:
        """A number the reader knows without it being a figure: never hidden."""
        return self._append(int(value), None, 0.0, False, True, [], None)

    def at_least(self, parts: list[int], bound: int) -> None:
        """The reader knows ``sum(parts) >= bound`` (an unpublished slack takes the rest)."""
        self.relations.append(("at_least", bound, parts))

    def close(self, total: int, parts: list[int]) -> None:
        """``total`` is the sum of ``parts``, or bounds it (then an unpublished slack).

        Parts that do not add up exactly (incidents outside every child area, an incident
        in two children, incidents without a place) still bound the total; the reader
        knows the inequality, so it is kept with a slack >= 0.
        """
        if parts:
            self.relations.append(("close", total, parts))

    def equations(self) -> list[dict[int, float]]:
        """The relations as equations ``sum(coefficient * variable) = 0``."""
        point = self._reader_point() if any(self.labels) else [float(v) for v in self.values]
        eqs = []
        for kind, total, parts in self.relations:
            eq = {total: -1.0 if kind == "at_least" else 1.0}
            sign = 1.0 if kind == "at_least" else -1.0
            for p in parts:
                eq[p] = eq.get(p, 0.0) + sign
            gap = sum(c * point[i] for i, c in eq.items())
            if kind == "at_least":
                eq[self._append(0, None, 0.0, True, False, [], None)] = -1.0
            elif abs(gap) > 1e-6:
                eq[self._append(0, None, 0.0, True, False, [], None)] = -1.0 if gap > 0 else 1.0
            eqs.append(eq)
        return eqs

    def _reader_point(self) -> list[float]:
        """Values of the hidden figures that fit the published ones most tightly.

        A figure protected earlier has no stored value. Relations that may not add up
        exactly (see :meth:`close`) are taken as exact wherever the published figures
        allow, and otherwise with the least gap: the reader is assumed to know the
        tightest relations the figures permit, so the audit errs towards hiding more.
        """
        from scipy.optimize import linprog

        unknown = [i for i, lab in enumerate(self.labels) if lab]
        col = {v: j for j, v in enumerate(unknown)}
        n_gaps = sum(1 for kind, *_ in self.relations if kind == "close")
        n = len(unknown) + 2 * n_gaps
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        g = len(unknown)
        for kind, total, parts in self.relations:
            row = np.zeros(n)
            rhs = 0.0
            terms = [(total, 1.0)] + [(p, -1.0) for p in parts]
            for i, c in terms:
                if i in col:
                    row[col[i]] += c
                else:
                    rhs -= c * self.values[i]
            if kind == "at_least":  # sum(parts) - bound >= 0
                a_ub.append(row)
                b_ub.append(rhs)
            else:  # total - sum(parts) = over - under
                row[g], row[g + 1] = -1.0, 1.0
                g += 2
                a_eq.append(row)
                b_eq.append(rhs)
        cost = np.r_[np.zeros(len(unknown)), np.ones(2 * n_gaps)]
        bounds = [
            (1, self.k - 1) if self.labels[i] == f"<{self.k}" else (0, None) for i in unknown
        ] + [(0, None)] * (2 * n_gaps)
        res = linprog(
            cost,
            A_ub=np.array(a_ub) if a_ub else None,
            b_ub=np.array(b_ub) if b_ub else None,
            A_eq=np.array(a_eq) if a_eq else None,
            b_eq=np.array(b_eq) if b_eq else None,
            bounds=bounds,
            method="highs",
        )
        point = [float(v) for v in self.values]
        for i in unknown:
            # Contradictory figures (a hand-edited snapshot): take the labels' least values.
            point[i] = res.x[col[i]] if res.status == 0 else bounds[col[i]][0]
        return point


def _int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _figure(value) -> bool:
    """A count, or the label of one protected before."""
    return isinstance(value, (int, np.integer, str)) and not isinstance(value, bool)


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
    hidden, _added, _protected = _protect(figures, k)
    return hidden


class Reprotection(NamedTuple):
    """What :func:`reprotect` did: the figures it hid, and whether every hidden one passes."""

    added: list[dict]
    protected: bool


def reprotect(figures: dict, k: int) -> Reprotection:
    """Audit a picture protected before by what it publishes, and hide what it must.

    Pictures shared before the linear-programming audit (or before a later change of the
    rule, :data:`PROTECTION`) may publish figures from which a hidden count can be worked
    out. Their true counts are no longer stored with them, and need not be: the audit
    reads only what a reader reads, the published figures and their labels
    (:func:`samverkan.analysis.suppression.protect`, ``labels``), and hides further
    published figures until every hidden count passes the rule. Figures derived from a
    newly hidden count go with it (z, p, rates, the resources section's rate).

    A total of ``k`` or more stays published: readers may hold it already from a sent
    county digest or an earlier county overview, which print the pictures' totals; the
    audit hides other figures instead. When that leaves a hidden count pinned (no figure
    left to hide), ``protected`` is False and the caller reports it.

    Parameters
    ----------
    figures : dict
        A shared or public picture's snapshot; changed in place.
    k : int
        The threshold it was protected with.

    Returns
    -------
    Reprotection
        ``added``: the figures hidden now that were published before (``section``,
        ``key``, ``field``, ``reason``; the grid and the trend one entry each), empty when
        the picture already passed; ``protected``: whether every hidden count passes.
    """
    _hidden, added, protected = _protect(figures, k, keep_totals=True)
    _resources_follow(figures)
    return Reprotection(added, protected)


def _protect(figures: dict, k: int, *, keep_totals: bool = False):
    s = _System(k)
    totals = figures["totals"]
    # Pictures frozen before the pooled baseline was published have no baseline_total.
    fields = [f for f in totals_fields() if f in totals]
    t = {
        f: s.add(
            totals,
            f,
            cost=TOTAL_COST,
            meta=("totals", None, f),
            exempt=keep_totals and _int(totals[f]) and totals[f] >= k,
        )
        for f in fields
    }

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
    if _figure(cov.get("reporters")):
        s.close(t["count"], [s.add(cov, "reporters", meta=("coverage", None, "reporters"))])

    hot = figures.get("hotspots") or {}
    if _figure(hot.get("n_points")):
        n_points = s.add(hot, "n_points", cost=MARGIN_COST, meta=("hotspots", None, "n_points"))
        s.close(t["count"], [n_points])
        listed = [s.add(c, "count", exempt=True) for c in hot.get("cells") or []]
        s.close(n_points, listed)
        if _figure(hot.get("n_cells")):
            n_cells = s.add(hot, "n_cells", cost=MARGIN_COST, meta=("hotspots", None, "n_cells"))
            s.close(n_points, [n_cells])

    eqs = s.equations()
    result = protect(
        np.array(s.values, dtype=np.int64),
        eqs,
        k=k,
        free=np.array(s.free),
        cost=np.array(s.cost),
        exempt=np.array(s.exempt),
        labels=s.labels,
    )
    for i, refs in enumerate(s.refs):
        if not s.free[i]:
            for container, key in refs:
                container[key] = result.estimate[i]
    trend_labelled = any(isinstance(p.get("count"), str) for p in figures.get("trend") or [])
    hidden = _entries(s, result.mask, result.small_label, trend=trend_labelled)
    earlier = np.array([bool(label) for label in s.labels])
    added = _entries(s, result.mask & ~earlier, result.small_label)
    _drop_derived(figures)
    figures["protection"] = PROTECTION
    return hidden, added, result.protected


def _entries(s: _System, mask, small_label, *, trend: bool = False) -> list[dict]:
    """One entry per hidden figure of ``mask``; the grid and the trend one entry each."""
    hidden = []
    grid_reasons = {"primary": 0, "secondary": 0}
    trend_hidden = trend
    for i, meta in enumerate(s.meta):
        if s.free[i] or not mask[i] or meta is None:
            continue
        reason = "primary" if small_label[i] else "secondary"
        if meta[0] == "weekday_hour":
            grid_reasons[reason] += 1
        elif meta[0] == "trend":
            trend_hidden = True
        else:
            hidden.append({"section": meta[0], "key": meta[1], "field": meta[2], "reason": reason})
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
    return hidden


def _resources_follow(figures: dict) -> None:
    """The resources section copies the published counts: a newly hidden one takes its rate."""
    from samverkan.resources.burden import flag_mismatches

    section = figures.get("resources")
    if not section:
        return
    published = {figures["area"].get("code"): figures["totals"]["count"]}
    published.update({r["code"]: r["count"] for r in figures.get("by_child_area") or []})
    for row in [section.get("area") or {}, *(section.get("rows") or [])]:
        if row.get("code") in published and isinstance(published[row["code"]], str):
            row["count"] = published[row["code"]]
            row["incidents_per_1000"] = None
    if section.get("rows"):
        flag_mismatches(section["rows"])


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
