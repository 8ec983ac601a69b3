"""Assembling the figures of a lägesbild from its sections, and the public entry points."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.utils import timezone

from samverkan.analysis import change
from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.core.periods import Period
from samverkan.incidents import currency
from samverkan.incidents.counting import row_filter
from samverkan.incidents.models import (
    POINT_PRECISIONS,
    IncidentArea,
)
from samverkan.resources.burden import section as resources_section
from samverkan.situation.build.baseline import BaselineMixin
from samverkan.situation.build.common import (
    AUDIENCES,
    INTERNAL,
    REGIONAL_LEVELS,
    SUPPRESS_K,
    Categories,
    _children,
    _float,
    _span,
)
from samverkan.situation.build.counts import CountsMixin
from samverkan.situation.build.coverage import CoverageMixin
from samverkan.situation.build.hot_spots import HotSpotsMixin
from samverkan.situation.build.points import PointsMixin
from samverkan.situation.build.repeats import RepeatsMixin
from samverkan.situation.disclosure import protect_figures


class _Builder(CountsMixin, BaselineMixin, PointsMixin, HotSpotsMixin, RepeatsMixin, CoverageMixin):
    def __init__(self, area, period, partnership, audience, now, language):
        if audience not in AUDIENCES:
            raise ValueError(f"Okänd mottagare '{audience}' (välj {', '.join(AUDIENCES)}).")
        self.area = area
        self.period = period
        self.partnership = partnership
        self.audience = audience
        self.internal = audience == INTERNAL
        self.now = now or timezone.now()
        self.language = language
        self.cats = Categories()
        self.children = _children(area, period)
        self.composed = area.level in REGIONAL_LEVELS and not self.internal
        self.source_ids = [c.pk for c in self.children] if self.composed else [area.pk]
        self.distinct = len(self.source_ids) > 1
        self.filter = row_filter(area, partnership)
        self.suppressed: list[dict] = []
        self.previous = period.previous()
        self.last_year = period.same_last_year()
        self.base_candidates = self._base_candidates()
        self._current: dict[str, np.ndarray] | None = None
        self._sources: list[currency.Source] | None = None

    # ------------------------------------------------------------------ suppression
    def suppress_all(self, figures: dict) -> None:
        # All counts at once: the tables share their totals, so a reader combines them.
        self.suppressed.extend(protect_figures(figures, SUPPRESS_K))
        for section in ("notable", "repeat_places", "points"):
            self.suppressed.append({"section": section, "reason": "omitted"})
        figures["near_repeat"]["zones"] = []
        self.suppressed.append({"section": "near_repeat", "reason": "omitted"})

    # ------------------------------------------------------------------ all
    def build(self) -> dict:
        counts, totals, trend = self.period_counts()
        kind, base_periods = self.choose_baseline()
        baseline = self.comparison_key(kind, base_periods)
        test = self.change_test(base_periods)
        by_cat = self.by_category(counts, base_periods, test)
        totals["baseline_total"] = self.base_total(self.period_sums, base_periods)
        totals["baseline_mean"] = _float(totals["baseline_total"] / len(base_periods), 2)
        if test["tested"]:
            left_out = test["excluded"].values()
            total_change = change.compare(
                totals["count"] - sum(c["count"] for c in left_out),
                [totals["baseline_total"] - sum(c["base"] for c in left_out)],
                baseline_periods=len(base_periods),
            )
            totals.update(
                {
                    "z": _float(total_change.z, 3),
                    "p": _float(total_change.p, 5),
                    # Z at the threshold and the exact p below 0.05 (analysis.change).
                    "flag": total_change.flag,
                }
            )
        else:
            totals.update({"z": None, "p": None, "flag": None})
        pop = self.area.population
        totals["rate_per_100k"] = _float(totals["count"] / pop * 100_000, 1) if pop else None
        wh, wh_method = self.weekday_hour()
        point_level = self.internal and not self.composed
        pts = self.point_rows() if not self.composed else {}
        figures = {
            "schema": 1,
            "area": {
                "code": self.area.code,
                "name": self.area.name,
                "level": self.area.level,
                "country": self.area.country,
                "population": pop,
                # The border counted in: a frozen lägesbild keeps it after a re-import.
                "border_id": self.area.current_border_id(),
            },
            "partnership": (
                {"id": self.partnership.pk, "name": self.partnership.name}
                if self.partnership
                else None
            ),
            "period": self.period.to_dict(self.language),
            "previous_period": self.previous.to_dict(self.language),
            "last_year_period": self.last_year.to_dict(self.language),
            "audience": self.audience,
            "composed_from_children": self.composed,
            "comparison": baseline,
            "baseline": self.baseline_info(kind, base_periods, totals["baseline_mean"]),
            "flag_threshold": self.threshold,
            "categories_tested": self.n_tested,
            "totals": totals,
            "by_category": by_cat,
            "trend": trend,
            "by_child_area": self.by_child_area(),
            "weekday_hour": wh,
            "weekday_hour_method": wh_method,
            "hotspots": self.hotspots(pts),
            "near_repeat": self.near_repeat(pts) if point_level else self.near_repeat({}),
            "repeat_places": self.repeat_places(pts) if point_level else [],
            "notable": self.notable() if point_level else [],
            "coverage": self.coverage(),
            "change_test": {
                "tested": test["tested"],
                "reason": test["reason"],
                "excluded_sources": test["excluded_sources"],
            },
            "generated_at": self.now.astimezone(UTC).replace(microsecond=0).isoformat(),
        }
        if not self.internal:
            self.suppress_all(figures)
        # After suppression: the section reads the counts as published, so a hidden count
        # hides its rate per 1,000 too.
        figures["resources"] = resources_section(
            self.area,
            self.period,
            self.partnership,
            totals["count"],
            figures["by_child_area"],
            self.children,
        )
        figures["suppressed"] = self.suppressed
        figures["suppression_k"] = SUPPRESS_K if not self.internal else None
        from samverkan.situation.summary import summarise

        figures["summary"] = summarise(figures, self.language)
        figures["summary_language"] = self.language
        return figures


def build_figures(
    area: Area,
    start: datetime,
    end: datetime,
    period_type: str,
    *,
    partnership: Partnership | None = None,
    audience: str = INTERNAL,
    now: datetime | None = None,
    language: str = "sv",
) -> dict:
    """All figures of a lägesbild for ``area`` and the period ``[start, end)``.

    Parameters
    ----------
    area : Area
    start, end : datetime
        Aware period bounds (local midnights, as :class:`~samverkan.core.periods.Period`
        gives them); ``end`` is exclusive.
    period_type : {"week", "month", "tertial", "year", "custom"}
        Sets the previous period, the same period last year and the trend's step.
    partnership : Partnership, optional
        Restrict to what belongs in this partnership's picture.
    audience : {"internal", "shared", "public"}
        ``shared``/``public`` suppress small counts and leave out incident-level sections.
    now : datetime, optional
        Time of generation (and the reference time of near-repeat alert zones).
    language : {"sv", "nb", "en"}
        Language of the summary and period names.

    Returns
    -------
    dict
        JSON-serialisable figures; see ``docs/situation.md`` for the shape.
    """
    period = periods.from_bounds(period_type, start, end)
    return _Builder(area, period, partnership, audience, now, language).build()


def build_for_period(area: Area, period: Period, **kwargs) -> dict:
    """:func:`build_figures` for a :class:`~samverkan.core.periods.Period`."""
    return build_figures(area, period.start, period.end, period.type, **kwargs)


def point_incidents(area: Area, period: Period, partnership: Partnership | None = None):
    """Point-precision incidents of an internal picture, for the GeoJSON export.

    Returns a list of dicts (id, lon, lat, category code, local time); never incidents
    placed at an area's centroid.
    """
    cats = Categories()
    rows = (
        IncidentArea.objects.filter(row_filter(area, partnership), area_id=area.pk)
        .filter(
            _span(period.start, period.end),
            incident__precision__in=POINT_PRECISIONS,
            incident__lon__isnull=False,
            incident__lat__isnull=False,
        )
        .values_list(
            "incident_id", "incident__lon", "incident__lat", "category_id", "occurred_from"
        )
    )
    zone = periods.local_zone()
    return [
        {
            "id": pk,
            "lon": lon,
            "lat": lat,
            "category": cats.by_id[cat]["code"],
            "group": cats.by_id[cats.group_of[cat]]["code"],
            "occurred_from": when.astimezone(zone).isoformat(),
        }
        for pk, lon, lat, cat, when in rows
    ]
