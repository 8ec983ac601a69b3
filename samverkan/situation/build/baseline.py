"""The baseline of the change test and the changes by category.

The baseline is the same period in up to three earlier years the data covers, else the
mean of the previous periods (docs/methods/change-temporal-hotspots-suppression.md).
"""

from __future__ import annotations

import numpy as np

from samverkan.analysis import change
from samverkan.core import periods
from samverkan.core.periods import Period
from samverkan.incidents import currency
from samverkan.situation.build.common import (
    BASELINE_YEARS,
    ROLLING_DEFAULT,
    ROLLING_PERIODS,
    SEASONAL_TYPES,
    _float,
)


class BaselineMixin:
    """Chooses the baseline and tests each category's change against it."""

    # ------------------------------------------------------------------ baseline
    def _base_candidates(self) -> dict[str, list[Period]]:
        window = ROLLING_PERIODS.get(self.period.type, ROLLING_DEFAULT)
        out = {"rolling": [self.period.shifted(-k) for k in range(1, window + 1)]}
        if self.period.type in SEASONAL_TYPES:
            back, seasonal = self.period, []
            for _ in range(BASELINE_YEARS):
                back = back.same_last_year()
                seasonal.append(back)
            out["seasonal"] = seasonal
        return out

    def _usable(self, p: Period) -> bool:
        # The data must reach back to the period (a source of the picture had begun by its
        # end, the rule new_sources uses) and the period must be complete: an empty year
        # before the data began is missing, not zero.
        # A feed or register whose first incident falls inside the period began partway
        # through it (the archive starts there): that period is partly missing, not low.
        began = [s for s in self.sources() if s.began_by(p.last_day)]
        partial = any(
            s.first_day > p.first_day for s in began if s.source != currency.REPORT_SOURCE
        )
        return bool(began) and not partial and not self.lagging(p)

    def choose_baseline(self) -> tuple[str, list[Period]]:
        """The baseline kind and periods: seasonal if any year is usable, else rolling.

        ``"seasonal"``: the same period in each of the last ``BASELINE_YEARS`` years that
        the data covers completely. ``"rolling"``: the previous periods that it covers
        (12 months or weeks, 3 tertials or years), their mean scaled to one period.
        ``"previous"``: nothing usable; the change test then says why it is not run.
        """
        seasonal = [p for p in self.base_candidates.get("seasonal", []) if self._usable(p)]
        if seasonal:
            return "seasonal", seasonal
        rolling = [p for p in self.base_candidates["rolling"] if self._usable(p)]
        if rolling:
            return "rolling", rolling
        return "previous", [self.previous]

    def comparison_key(self, kind: str, base_periods: list[Period]) -> str:
        """``"last_year"``/``"previous"`` when the baseline is that one period, else the kind."""
        if base_periods == [self.last_year]:
            return "last_year"
        if base_periods == [self.previous]:
            return "previous"
        return kind

    def base_total(self, sums: dict[str, int], base_periods: list[Period]) -> int:
        return int(sum(sums.get(self.base_names[p.label], 0) for p in base_periods))

    def baseline_info(self, kind: str, base_periods: list[Period], mean) -> dict:
        return {
            "kind": kind,
            "n_periods": len(base_periods),
            "periods": [p.to_dict(self.language) for p in base_periods],
            "mean": mean,
            "text": baseline_text(kind, len(base_periods), self.period.type),
        }

    # ------------------------------------------------------------------ changes
    def by_category(
        self,
        counts: dict[int, dict[str, int]],
        base_periods: list[Period],
        test: dict | None = None,
    ) -> list[dict]:
        m = len(base_periods)
        for g, c in counts.items():
            c["baseline_total"] = self.base_total(self.group_sums.get(g, {}), base_periods)
        groups = sorted(
            (g for g, c in counts.items() if any(c.values())),
            key=lambda g: (-counts[g]["count"], self.cats.by_id[g]["sort_order"]),
        )
        test = test or {"tested": True, "excluded": {}}
        excluded = test["excluded"]
        nothing = {"count": 0, "base": 0}
        rows = []
        result = None
        if groups and test["tested"]:
            current = np.array(
                [counts[g]["count"] - excluded.get(g, nothing)["count"] for g in groups],
                dtype=float,
            )
            base = np.array(
                [counts[g]["baseline_total"] - excluded.get(g, nothing)["base"] for g in groups],
                dtype=float,
            )
            result = change.compare_many(
                current,
                base,
                labels=[self.cats.by_id[g]["code"] for g in groups],
                baseline_periods=m,
            )
            threshold = float(result.threshold)
        else:
            threshold = change.flag_threshold(max(1, len(groups)))
        for i, g in enumerate(groups):
            labels = self.cats.labels(g)
            rows.append(
                {
                    "code": self.cats.by_id[g]["code"],
                    "label": labels["sv"],
                    "labels": labels,
                    "count": counts[g]["count"],
                    "previous": counts[g]["previous"],
                    "last_year": counts[g]["last_year"],
                    "baseline_total": counts[g]["baseline_total"],
                    "baseline_mean": _float(counts[g]["baseline_total"] / m, 2),
                    "z": _float(result.z[i], 3) if result else None,
                    "p": _float(result.p[i], 5) if result else None,
                    "flag": result.flags[i] if result else None,
                }
            )
        self.threshold = threshold
        self.n_tested = len(groups)
        return rows


_UNITS = {
    periods.WEEK: ("vecka", "veckorna"),
    periods.MONTH: ("månad", "månaderna"),
    periods.TERTIAL: ("tertial", "tertialen"),
    periods.YEAR: ("år", "åren"),
}
_NUMBERS = {2: "två", 3: "tre", 4: "fyra", 12: "tolv"}


def baseline_text(kind: str, n: int, period_type: str) -> str:
    """Swedish phrase for the baseline, e.g. "snittet för samma månad de tre senaste åren"."""
    one, many = _UNITS.get(period_type, ("period", "perioderna"))
    number = _NUMBERS.get(n, str(n))
    if kind == "seasonal":
        if n == 1:
            return f"samma {one} förra året"
        return f"snittet för samma {one} de {number} senaste åren"
    if kind == "rolling" and n > 1:
        return f"snittet för de {number} föregående {many}"
    return "föregående period" if one == "period" else f"föregående {one}"
