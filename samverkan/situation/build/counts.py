"""Counts of a lägesbild: by category group for the period, its baselines and the trend;
by child area; and the data currency of the sources counted in.
"""

from __future__ import annotations

from itertools import chain

from django.db.models import Count, Q

from samverkan.core.models import Organisation
from samverkan.core.periods import Period
from samverkan.incidents import currency
from samverkan.incidents.models import (
    IncidentArea,
)
from samverkan.situation.build.common import TREND_PERIODS, _count_expr, _float, _span


class CountsMixin:
    """Counts in SQL on the covering index of IncidentArea, and the sources' currency."""

    def rows(self, area_ids=None):
        ids = self.source_ids if area_ids is None else area_ids
        return IncidentArea.objects.filter(self.filter, area_id__in=ids)

    # ------------------------------------------------------------------ counts
    def period_counts(self) -> tuple[dict[int, dict[str, int]], dict, list[dict]]:
        """Counts by category group for the period and its baselines, totals and trend.

        One grouped scan of the (area, occurred_from) index over the trend's span and the
        same period last year. Each incident has one category, so summing the per-category
        counts (distinct per incident when composed) gives the totals.
        """
        trend_periods = self.period.last(TREND_PERIODS)
        ranges = {f"p{i}": p for i, p in enumerate(trend_periods)}
        ranges["previous_period"] = self.previous
        ranges["last_year"] = self.last_year
        # Every candidate baseline period gets its own FILTER aggregate in the same grouped
        # scan (a trend period already counted is reused).
        self.base_names = {p.label: name for name, p in ranges.items() if name.startswith("p")}
        span = _span(trend_periods[0].start, self.period.end) | _span(
            self.last_year.start, self.last_year.end
        )
        for p in chain.from_iterable(self.base_candidates.values()):
            if p.label not in self.base_names:
                name = f"b{len(self.base_names)}"
                self.base_names[p.label] = name
                ranges[name] = p
                span |= _span(p.start, p.end)
        agg = {
            name: _count_expr(self.distinct, _span(p.start, p.end)) for name, p in ranges.items()
        }
        sums = dict.fromkeys(ranges, 0)
        by_group: dict[int, dict[str, int]] = {}
        self.group_sums: dict[int, dict[str, int]] = {}
        current = f"p{TREND_PERIODS - 1}"
        for row in self.rows().filter(span).values("category_id").annotate(**agg):
            for name in ranges:
                sums[name] += row[name]
            # by_category lists only the groups with a count in a published column or in
            # the chosen baseline; the rest are dropped there.
            if not any(row[name] for name in ranges):
                continue
            group = self.cats.group_of[row["category_id"]]
            slot = by_group.setdefault(group, {"count": 0, "previous": 0, "last_year": 0})
            slot["count"] += row[current]
            slot["previous"] += row["previous_period"]
            slot["last_year"] += row["last_year"]
            per = self.group_sums.setdefault(group, dict.fromkeys(ranges, 0))
            for name in ranges:
                per[name] += row[name]
        self.period_sums = sums
        # A period some source has not reported through yet is a gap, not a low count.
        trend = [
            {
                "label": p.label,
                "name": p.human(self.language),
                "count": None if self.lagging(p) else sums[f"p{i}"],
            }
            for i, p in enumerate(trend_periods)
        ]
        totals = {
            "count": sums[current],
            "previous": sums["previous_period"],
            "last_year": sums["last_year"],
        }
        return by_group, totals, trend

    def by_child_area(self) -> list[dict]:
        if not self.children:
            return []
        ids = [c.pk for c in self.children]
        agg = {
            "count": Count("id", filter=_span(self.period.start, self.period.end)),
            "previous": Count("id", filter=_span(self.previous.start, self.previous.end)),
        }
        span = _span(self.previous.start, self.previous.end) | _span(
            self.period.start, self.period.end
        )
        found = {
            r["area_id"]: r for r in self.rows(ids).filter(span).values("area_id").annotate(**agg)
        }
        out = []
        for child in self.children:
            r = found.get(child.pk, {"count": 0, "previous": 0})
            rate = _float(r["count"] / child.population * 100_000, 1) if child.population else None
            out.append(
                {
                    "code": child.code,
                    "name": child.name,
                    "level": child.level,
                    "population": child.population,
                    "count": r["count"],
                    "previous": r["previous"],
                    "rate_per_100k": rate,
                }
            )
        return out

    def current_rows(self):
        return self.rows().filter(_span(self.period.start, self.period.end))

    # ------------------------------------------------------------------ data currency
    def sources(self) -> list[currency.Source]:
        """The sources behind the picture's rows over the trend and last year, with currency."""
        if self._sources is None:
            span = _span(self.period.last(TREND_PERIODS)[0].start, self.period.end) | _span(
                self.last_year.start, self.last_year.end
            )
            keys = (
                self.rows()
                .filter(span)
                .values_list("organisation_id", "incident__source")
                .distinct()
            )
            self._sources = currency.sources(keys, self.now)
        return self._sources

    def lagging(self, period: Period) -> list[currency.Source]:
        """Sources that had begun by ``period``'s end but do not reach it; all if it is not over."""
        if period.end > self.now:
            return list(self.sources()) or [None]
        return [
            s
            for s in self.sources()
            if s.began_by(period.last_day) and not s.reaches(period.last_day)
        ]

    def source_label(self, source: currency.Source | None, names: dict[int, str]) -> str:
        if source is None:
            return ""
        if source.organisation_id is None:
            return source.source
        name = names.get(source.organisation_id, "")
        return name if source.source == currency.REPORT_SOURCE else f"{name} ({source.source})"

    def new_sources(self, base_period: Period) -> list[currency.Source]:
        """Sources with no data before the baseline period ended: left out of the change test."""
        return [s for s in self.sources() if not s.began_by(base_period.last_day)]

    def counts_of(self, sources, base_periods: list[Period]) -> dict[int, dict[str, int]]:
        """Counts by category group of ``sources`` in the period and in ``base_periods`` (pooled)."""
        if not sources:
            return {}
        # A new source has few rows: they are read and counted here, which keeps the
        # counting queries on the covering index (a source is known only through a join).
        which = Q(pk__in=[])
        for s in sources:
            which |= Q(organisation_id=s.organisation_id, incident__source=s.source)
        spans = [("count", self.period.start, self.period.end)] + [
            ("base", p.start, p.end) for p in base_periods
        ]
        out: dict[int, dict[str, int]] = {}
        seen: set[tuple[int, int]] = set()
        within = Q(pk__in=[])
        for _, lo, hi in spans:
            within |= _span(lo, hi)
        rows = self.rows().filter(which, within)
        for pk, cat, when in rows.values_list("incident_id", "category_id", "occurred_from"):
            slot = out.setdefault(self.cats.group_of[cat], {"count": 0, "base": 0})
            for i, (name, lo, hi) in enumerate(spans):
                if lo <= when < hi and (i, pk) not in seen:
                    seen.add((i, pk))
                    slot[name] += 1
        return out

    def change_test(self, base_periods: list[Period]) -> dict:
        """Whether change is tested, and which sources' counts it leaves out (and why).

        Never on a period or baseline that a source does not fully cover; a source that
        began after the baseline started is left out of both sides (like with like).
        """
        # Like with like: a source must have begun by the earliest baseline period.
        base_period = min(base_periods, key=lambda p: p.first_day)
        names = dict(
            Organisation.objects.filter(
                pk__in={s.organisation_id for s in self.sources()} - {None}
            ).values_list("pk", "name")
        )
        out = {"tested": True, "reason": None, "excluded_sources": [], "excluded": {}}
        for p in (self.period, *base_periods):
            lagging = self.lagging(p)
            if lagging:
                through = [s for s in lagging if s is not None]
                detail = (
                    ": "
                    + ", ".join(
                        f"{self.source_label(s, names)} har data t.o.m. {s.data_through.isoformat()}"
                        for s in through
                    )
                    if through
                    else ""
                )
                out["tested"] = False
                out["reason"] = f"Förändring prövas inte: {p.human('sv')} är inte komplett{detail}."
                return out
        new = self.new_sources(base_period)
        if new:
            out["excluded_sources"] = [self.source_label(s, names) for s in new]
            out["excluded"] = self.counts_of(new, base_periods)
            if len(new) == len(self.sources()):
                out["tested"] = False
                out["reason"] = (
                    "Förändring prövas inte: ingen källa fanns under hela jämförelseperioden."
                )
            else:
                out["reason"] = (
                    "Förändringen prövas bara på källor som fanns under båda perioderna; "
                    f"nya källor lämnas utanför: {', '.join(out['excluded_sources'])}."
                )
        return out
