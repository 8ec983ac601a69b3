"""A reader's attack on published figures by linear programming, written apart from the app.

The attacker knows every published number, the labels (``"<3"``: 1 or 2; ``".."``: some
count >= 0), the relations between figures (cells sum to their totals, the same total in
two places is one number) and the formulas of derived figures (a rate with the published
population, Wheeler's z with a published baseline). For each hidden figure it computes the
least and greatest value consistent with all of that (scipy's ``linprog``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog

K = 3


class Attack:
    def __init__(self, k: int = K):
        self.k = k
        self.known: dict[str, float] = {}
        self.hidden: dict[str, str] = {}  # name -> label
        self.lower: dict[str, float] = {}
        self.upper: dict[str, float] = {}
        self.eq: list[tuple[dict[str, float], float]] = []
        self.ub: list[tuple[dict[str, float], float]] = []
        self._slacks = 0

    def figure(self, name: str, value) -> str:
        """Record a published figure (a number, a label, or None for withdrawn)."""
        if isinstance(value, str):
            assert value in (f"<{self.k}", ".."), f"{name}: unknown label {value!r}"
            self.hidden[name] = value
        elif value is None:
            self.hidden.setdefault(name, "none")
        else:
            self.known[name] = float(value)
        return name

    def same(self, a: str, b: str) -> None:
        self.eq.append(({a: 1.0, b: -1.0}, 0.0))

    def total(self, total: str, parts: list[str]) -> None:
        terms = {total: 1.0}
        for p in parts:
            terms[p] = terms.get(p, 0.0) - 1.0
        self.eq.append((terms, 0.0))

    def at_most(self, parts: list[str], bound: str) -> None:
        terms = {bound: -1.0}
        for p in parts:
            terms[p] = terms.get(p, 0.0) + 1.0
        self.ub.append((terms, 0.0))

    def at_least(self, parts: list[str], bound: float) -> None:
        self.ub.append(({p: -1.0 for p in parts}, -bound))

    def between(self, name: str, low: float, high: float) -> None:
        self.lower[name] = max(self.lower.get(name, -math.inf), low)
        self.upper[name] = min(self.upper.get(name, math.inf), high)

    def rate(self, count: str, rate, population, digits: int = 1) -> None:
        """A published rate per 100,000 bounds its count (rounded to ``digits``)."""
        if rate is None or not population:
            return
        half = 0.5 * 10**-digits
        self.between(
            count, (rate - half) * population / 1e5 - 1e-9, (rate + half) * population / 1e5 + 1e-9
        )

    def wheeler_z(self, count: str, base: str, z, digits: int = 3) -> None:
        """A published ``z = 2 (sqrt(count) - sqrt(base))`` bounds the hidden one of the two."""
        if z is None:
            return
        half = 0.5 * 10**-digits
        if count in self.known and base in self.hidden:
            c = math.sqrt(self.known[count])
            lo, hi = c - (z + half) / 2, c - (z - half) / 2
            self.between(base, max(lo, 0) ** 2 - 1e-9, max(hi, 0) ** 2 + 1e-9)
        elif base in self.known and count in self.hidden:
            b = math.sqrt(self.known[base])
            lo, hi = b + (z - half) / 2, b + (z + half) / 2
            self.between(count, max(lo, 0) ** 2 - 1e-9, max(hi, 0) ** 2 + 1e-9)
        else:
            assert not (count in self.hidden and base in self.hidden), (
                f"z published for two hidden counts {count}, {base}"
            )

    def intervals(self) -> dict[str, tuple[float, float]]:
        names = sorted(self.hidden)
        pos = {n: i for i, n in enumerate(names)}
        bounds = []
        for n in names:
            lo, hi = 0.0, math.inf
            if self.hidden[n] == f"<{self.k}":
                lo, hi = 1.0, float(self.k - 1)
            lo = max(lo, self.lower.get(n, lo))
            hi = min(hi, self.upper.get(n, hi))
            bounds.append((lo, None if math.isinf(hi) else hi))

        def rows(items):
            a, b = [], []
            for terms, rhs in items:
                row = np.zeros(len(names))
                const = rhs
                for n, c in terms.items():
                    if n in pos:
                        row[pos[n]] += c
                    else:
                        assert n in self.known, f"{n} is neither published nor hidden"
                        const -= c * self.known[n]
                if row.any():
                    a.append(row)
                    b.append(const)
                else:
                    assert const >= -1e-6 if items is self.ub else abs(const) < 1e-6, (
                        f"published figures contradict {terms}"
                    )
            return (np.array(a), np.array(b)) if a else (None, None)

        a_eq, b_eq = rows(self.eq)
        a_ub, b_ub = rows(self.ub)
        out = {}
        for n in names:
            if self.hidden[n] == "none":
                continue
            c = np.zeros(len(names))
            ends = []
            for sign in (1.0, -1.0):
                c[pos[n]] = sign
                res = linprog(
                    c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
                )
                assert res.status in (0, 3), f"attack infeasible for {n}: {res.message}"
                ends.append(-sign * math.inf if res.status == 3 else sign * res.fun)
            out[n] = (ends[0], ends[1])
        return out

    def breaches(self) -> list[str]:
        """Hidden figures narrowed below the rule: ``"<k"`` must keep ``[1, k-1]``,
        ``".."`` a width of at least ``k - 1``."""
        out = []
        for n, (lo, hi) in self.intervals().items():
            if self.hidden[n] == f"<{self.k}":
                if lo > 1 + 1e-6 or hi < self.k - 1 - 1e-6:
                    out.append(f"{n} ({self.hidden[n]}) in [{lo:.3f}, {hi:.3f}]")
            elif hi - lo < self.k - 1 - 1e-6:
                out.append(f"{n} ({self.hidden[n]}) in [{lo:.3f}, {hi:.3f}]")
        return out
