"""Build the figures of a lägesbild: one plain, JSON-ready dict per area and period.

Counts are aggregated in SQL on :class:`~samverkan.incidents.models.IncidentArea`, whose
rows carry copies of the incident's counting columns and whose covering index turns every
count into a range scan of the index alone; the period's rows are read once into numpy for
the point-level sections (hot spots, near repeat, repeat places), the weekday x hour
profile and the coverage. The statistics themselves come from
:mod:`samverkan.analysis` (see ``docs/methods/`` and ``docs/situation.md``).

Which incidents count: those linked to the area, minus summaries/notices (``is_summary``)
and incidents marked as duplicates. With a partnership, only what belongs in that
partnership's picture (:func:`samverkan.incidents.permissions.partnership_filter`); without
one, nothing that an organisation kept to itself.

Audiences ``shared`` and ``public`` get aggregates only: counts of 1-2 become ``"<3"``, with
secondary suppression (``".."``) checked by an LP attack over all linked tables and every
figure derived from a hidden count withdrawn (:mod:`samverkan.situation.disclosure`), and
nothing at the level of single incidents or places. For a county, police region or the whole country the
shared picture is composed from the child areas' aggregates alone.
"""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import UTC, datetime
from itertools import chain

import numpy as np
from django.db import connection
from django.db.models import Count, FloatField, Func, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from samverkan.analysis import change, hotspots, nearrepeat, repeats, temporal
from samverkan.core import periods
from samverkan.core.geo import PROJECTED_CRS, to_wgs84
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.periods import Period
from samverkan.incidents.models import (
    POINT_PRECISIONS,
    Category,
    IncidentArea,
)
from samverkan.incidents.taxonomy import BURGLARY_LIKE, police_code
from samverkan.situation import currency
from samverkan.situation.counting import row_filter
from samverkan.situation.disclosure import protect_figures

INTERNAL, SHARED, PUBLIC = "internal", "shared", "public"
AUDIENCES = (INTERNAL, SHARED, PUBLIC)
# Levels whose shared picture is composed from the child areas' aggregates.
REGIONAL_LEVELS = {"country", "county", "police_region", "police_area"}
SUPPRESS_K = 3
TREND_PERIODS = 13
# The baseline of the change test (docs/methods/change-temporal-hotspots-suppression.md):
# the same period in up to three earlier years, else the mean of the previous periods.
BASELINE_YEARS = 3
SEASONAL_TYPES = (periods.WEEK, periods.MONTH, periods.TERTIAL)
ROLLING_PERIODS = {periods.WEEK: 12, periods.MONTH: 12, periods.TERTIAL: 3, periods.YEAR: 3}
ROLLING_DEFAULT = 3
HOTSPOT_RESOLUTION = 9
# Analytical z (normal p) with Benjamini-Hochberg, as ArcGIS's Hot Spot Analysis: the
# conditional permutations cost seconds for a municipality's few thousand cells, which a
# lägesbild built on request cannot afford. Set > 0 for pseudo p-values.
HOTSPOT_PERMUTATIONS = 0
# Cells kept besides the significant ones: the busiest, for the map and the table.
HOTSPOT_MAX_CELLS = 300
NEAR_REPEAT_DAYS = 14
NEAR_REPEAT_METRES = 200.0
TOP_REPEAT_PLACES = 10
MAX_NOTABLE = 10
AORISTIC_MAX_HOURS = 7 * 24
# Police event types that a local group needs to know about even when they are few:
# violence with weapons, shootings, explosions, killings.
NOTABLE_POLICE_TYPES = (
    "Skottlossning",
    "Skottlossning, misstänkt",
    "Explosion",
    "Detonation",
    "Mord/dråp",
    "Mord/dråp, försök",
    "Rån väpnat",
    "Bombhot",
)
PUBLIC_SOURCE_KIND = "public_source"


# --------------------------------------------------------------------------- helpers


class Categories:
    """The category tree, loaded once per build: group (top level) of every category."""

    def __init__(self):
        rows = list(
            Category.objects.values(
                "id", "code", "parent_id", "label_sv", "label_nb", "label_en", "sort_order"
            )
        )
        self.by_id = {r["id"]: r for r in rows}
        self.by_code = {r["code"]: r for r in rows}
        self.group_of: dict[int, int] = {}
        for r in rows:
            node = r
            seen = set()
            while node["parent_id"] is not None and node["id"] not in seen:
                seen.add(node["id"])
                node = self.by_id[node["parent_id"]]
            self.group_of[r["id"]] = node["id"]

    def labels(self, cat_id: int) -> dict:
        r = self.by_id[cat_id]
        return {
            "sv": r["label_sv"],
            "nb": r["label_nb"] or r["label_sv"],
            "en": r["label_en"] or r["label_sv"],
        }

    def descendants(self, codes) -> set[int]:
        """Ids of the categories with these codes and of all categories below them."""
        roots = {self.by_code[c]["id"] for c in codes if c in self.by_code}
        out = set()
        for cid in self.by_id:
            node = cid
            while node is not None:
                if node in roots:
                    out.add(cid)
                    break
                node = self.by_id[node]["parent_id"]
        return out


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


# A flag needs both the Z threshold (Wheeler) and the exact conditional test: the square
# root Z alone flags 3 against 0 (Z = 3.5) although such a difference arises by chance one
# time in four.
FLAG_ALPHA = 0.05


def _confirmed(flag, p):
    if flag is None or p is None or not np.isfinite(p) or p >= FLAG_ALPHA:
        return None
    return flag


def _float(value, digits: int = 4):
    if value is None:
        return None
    v = float(value)
    if not np.isfinite(v):
        return None
    return round(v, digits)


def _span(start: datetime, end: datetime) -> Q:
    return Q(occurred_from__gte=start, occurred_from__lt=end)


def _children(area: Area, period: Period) -> list[Area]:
    return list(
        area.children.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=period.last_day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=period.first_day),
        ).order_by("name")
    )


def _floats(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


class _RawTime(Func):
    """A datetime column in the form that loads fastest into numpy.

    Seconds since the epoch on PostgreSQL, the stored text on SQLite (parsed by numpy in
    one call), the datetime elsewhere: see :func:`_epoch_seconds`.
    """

    template = "%(expressions)s"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8"
        )


def _epoch_seconds(values) -> np.ndarray:
    """Seconds since the epoch (NaN for NULL) of datetimes as a raw cursor returns them.

    Numbers are taken as they are (PostgreSQL's ``EXTRACT(EPOCH ...)``); text (naive UTC,
    ``YYYY-MM-DD HH:MM:SS[.ffffff]``, as Django stores it in SQLite) is parsed by numpy in
    one call; datetimes may be aware or naive UTC (Django's SQLite converters).
    """
    values = list(values)
    if not values:
        return np.zeros(0)
    present = [v for v in values if v is not None]
    if not present or isinstance(present[0], (int, float)):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if isinstance(present[0], str):
        texts = [v if v is not None else "NaT" for v in values]
        try:
            with warnings.catch_warnings():
                # Text written with a UTC offset by other tools: numpy applies it (and warns).
                warnings.simplefilter("ignore", UserWarning)
                stamps = np.array(texts, dtype="datetime64[us]")
        except ValueError:
            values = [None if v is None else parse_datetime(v) for v in values]
        else:
            out = stamps.astype(np.int64) / 1e6
            out[np.isnat(stamps)] = np.nan
            return out
    # Django's SQLite converters give naive datetimes in UTC (the stored time zone).
    return np.array(
        [
            np.nan if v is None else (v if v.tzinfo else v.replace(tzinfo=UTC)).timestamp()
            for v in values
        ],
        dtype=float,
    )


def _count_expr(distinct: bool, flt: Q) -> Count:
    return Count("incident_id", distinct=True, filter=flt) if distinct else Count("id", filter=flt)


# --------------------------------------------------------------------------- builder


class _Builder:
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
                    "flag": _confirmed(result.flags[i], result.p[i]) if result else None,
                }
            )
        self.threshold = threshold
        self.n_tested = len(groups)
        return rows

    # ------------------------------------------------------------------ current rows
    _CURRENT_FIELDS = (
        "incident_id",
        "t_from",
        "t_to",
        "incident__precision",
        "incident__lon",
        "incident__lat",
        "incident__x",
        "incident__y",
        "incident__h3",
        "category_id",
        "incident__place_name",
        "organisation_id",
        "incident__source",
        "incident__reporter_id",
    )

    def current(self) -> dict[str, np.ndarray]:
        """The period's rows with the incident columns the sections need, as numpy columns.

        One query (the time profile, the point sections and the coverage all read the same
        rows), fetched through a plain cursor: Django's per-row converters cost more than
        the query for a county-year's tens of thousands of rows.
        """
        if self._current is None:
            qs = self.current_rows().annotate(
                t_from=_RawTime("occurred_from"), t_to=_RawTime("incident__occurred_to")
            )
            sql, params = qs.values_list(*self._CURRENT_FIELDS).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            cols = list(zip(*rows)) if rows else [()] * len(self._CURRENT_FIELDS)
            self._current = {
                "id": np.array(cols[0], dtype=np.int64),
                "t": _epoch_seconds(cols[1]),
                "t_to": _epoch_seconds(cols[2]),
                "precision": np.array(cols[3], dtype=object),
                "lon": _floats(cols[4]),
                "lat": _floats(cols[5]),
                "x": _floats(cols[6]),
                "y": _floats(cols[7]),
                "h3": np.array(cols[8], dtype=object),
                "category": np.array(cols[9], dtype=np.int64),
                "place": np.array(cols[10], dtype=object),
                "organisation": np.array(cols[11], dtype=object),
                "source": np.array(cols[12], dtype=object),
                "reporter": np.array(cols[13], dtype=object),
            }
        return self._current

    # ------------------------------------------------------------------ time of day
    def weekday_hour(self) -> tuple[list[list[float]], str]:
        cur = self.current()
        if not cur["id"].size:
            return np.zeros((7, 24)).tolist(), "weekday x hour counts, local time"
        start, end = cur["t"], cur["t_to"]
        tz = periods.local_zone().key
        if not self.internal:
            # Integer counts by start time, so that small cells can be suppressed.
            grid = temporal.weekday_hour(start, tz).estimate
            return grid.astype(int).tolist(), "weekday x hour counts, local time"
        windowed = ~np.isnan(end) & (end > start) & (end - start <= AORISTIC_MAX_HOURS * 3600.0)
        grid = temporal.weekday_hour(start[~windowed], tz).estimate
        method = "weekday x hour counts, local time"
        if windowed.any():
            grid = (
                grid + temporal.aoristic_weekday_hour(start[windowed], end[windowed], tz).estimate
            )
            method = "aoristic weekday x hour (Ratcliffe 2002), local time"
        return [[round(float(v), 3) for v in row] for row in grid], method

    # ------------------------------------------------------------------ points
    def point_rows(self) -> dict[str, np.ndarray]:
        cur = self.current()
        keep = (
            np.isin(cur["precision"], list(POINT_PRECISIONS))
            & ~np.isnan(cur["lon"])
            & ~np.isnan(cur["lat"])
        )
        if not keep.any():
            return {}
        names = ("id", "lon", "lat", "x", "y", "h3", "category", "t", "place")
        return {k: cur[k][keep] for k in names}

    def hotspots(self, pts) -> dict:
        import h3
        from h3.api import basic_int as h3_int
        from scipy import sparse

        empty = {"cells": [], "resolution": HOTSPOT_RESOLUTION, "method": None, "n_points": 0}
        if not pts:
            return empty
        cells_of = [
            c or h3.latlng_to_cell(la, lo, HOTSPOT_RESOLUTION)
            for c, lo, la in zip(pts["h3"].tolist(), pts["lon"].tolist(), pts["lat"].tolist())
        ]
        occupied = Counter(cells_of)
        n_points, n_cells = len(cells_of), len(occupied)
        min_count = 1 if self.internal else SUPPRESS_K
        if any(n < min_count for n in occupied.values()):
            # The number of hidden cells is not given: with n_points it would bound what
            # they hold.
            self.suppressed.append(
                {"section": "hotspots", "reason": f"celler med färre än {min_count}"}
            )
        if not self.internal:
            # Shared pictures compute Gi* from the published cells only (and their
            # neighbourhoods): a cell's z sums its neighbours and the mean and variance
            # run over every cell, so a hidden small cell would show through both.
            occupied = Counter({c: n for c, n in occupied.items() if n >= min_count})
            if not occupied:
                return {**empty, "n_points": n_points}
        # Neighbourhoods through h3's integer API: a county-year has ~90,000 cells, and the
        # string API spends most of its time converting cell names.
        disk_of = {}
        for name in occupied:
            cell = h3.str_to_int(name)
            disk_of[cell] = h3_int.grid_disk(cell, 1)
        cells_int = np.unique(np.fromiter(chain.from_iterable(disk_of.values()), dtype=np.uint64))
        disks = [disk_of[c] if c in disk_of else h3_int.grid_disk(c, 1) for c in cells_int.tolist()]
        sizes = np.fromiter(map(len, disks), dtype=np.int64, count=len(disks))
        nbrs = np.fromiter(chain.from_iterable(disks), dtype=np.uint64, count=int(sizes.sum()))
        rows = np.repeat(np.arange(cells_int.size), sizes)
        cols = np.minimum(np.searchsorted(cells_int, nbrs), cells_int.size - 1)
        inside = cells_int[cols] == nbrs
        rows, cols = rows[inside], cols[inside]
        count_of = {h3.str_to_int(c): n for c, n in occupied.items()}
        y = np.array([count_of.get(c, 0) for c in cells_int.tolist()], dtype=float)
        w = sparse.csr_matrix(
            (np.ones(rows.size), (rows, cols)), shape=(cells_int.size, cells_int.size)
        )
        if cells_int.size < 3 or y.sum() == 0:
            return {**empty, "n_points": n_points}
        # Equal counts in every cell give a zero variance: z is undefined (NaN), no cluster.
        with np.errstate(invalid="ignore", divide="ignore"):
            gi = hotspots.getis_ord_gi_star(y, w, permutations=HOTSPOT_PERMUTATIONS, seed=0)
        # A county-year has tens of thousands of occupied cells; the picture needs the
        # significant ones and the busiest, not every cell with one incident.
        busiest = set(np.argsort(-y, kind="stable")[:HOTSPOT_MAX_CELLS].tolist())
        out = []
        for i in range(cells_int.size):
            cluster = int(gi.cluster[i])
            if y[i] < min_count and not (self.internal and cluster != 0):
                continue
            if cluster == 0 and i not in busiest:
                continue
            c = h3.int_to_str(int(cells_int[i]))
            lat, lon = h3.cell_to_latlng(c)
            out.append(
                {
                    "cell": c,
                    "lon": round(lon, 6),
                    "lat": round(lat, 6),
                    "count": int(y[i]),
                    "z": _float(gi.z[i], 3),
                    "p": _float(gi.p[i], 4),
                    "q": _float(gi.q[i], 4),
                    "hot": {1: "hot", -1: "cold"}.get(cluster),
                }
            )
        out.sort(key=lambda r: (-(r["z"] or 0), r["cell"]))
        return {
            "cells": out,
            "resolution": HOTSPOT_RESOLUTION,
            "method": gi.method,
            "permutations": HOTSPOT_PERMUTATIONS,
            "n_points": n_points,
            "n_cells": n_cells,
            "max_cells": HOTSPOT_MAX_CELLS,
        }

    def near_repeat(self, pts) -> dict:
        watched = self.cats.descendants(BURGLARY_LIKE)
        base = {
            "categories": sorted(BURGLARY_LIKE),
            "days": NEAR_REPEAT_DAYS,
            "distance_m": NEAR_REPEAT_METRES,
            "zones": [],
        }
        if not pts:
            return base
        keep = np.isin(pts["category"], list(watched)) & ~np.isnan(pts["x"])
        if not keep.any():
            return base
        ref = min(self.period.end, self.now).timestamp() / 86400.0
        result = nearrepeat.alert_zones(
            pts["x"][keep],
            pts["y"][keep],
            pts["t"][keep] / 86400.0,
            ref,
            ids=pts["id"][keep].tolist(),
            distance=NEAR_REPEAT_METRES,
            days=NEAR_REPEAT_DAYS,
        )
        crs = PROJECTED_CRS.get(self.area.country, "EPSG:3006")
        zones = []
        for z in result.zones:
            lon, lat = to_wgs84(z.x, z.y, crs)
            zones.append(
                {
                    "lon": round(float(lon), 6),
                    "lat": round(float(lat), 6),
                    "radius_m": round(float(z.radius), 1),
                    "expires_at": datetime.fromtimestamp(float(z.expires_at) * 86400.0, UTC)
                    .replace(microsecond=0)
                    .isoformat(),
                    "n_incidents": len(z.source_ids),
                }
            )
        return {**base, "zones": zones, "method": result.method}

    def repeat_places(self, pts) -> list[dict]:
        """Places with two or more incidents, the most first, with the incidents behind them.

        Reports of one place are joined within ``REPEAT_PLACE_RADIUS_M`` and by their typed
        place name within the same child area (a district's "Skolgården" is not another's);
        see :func:`samverkan.analysis.repeats.place_groups`. Only the internal picture has
        this section, so the incident ids may be listed for the click-through.
        """
        from django.conf import settings

        if not pts:
            return []
        ok = ~np.isnan(pts["x"])
        if ok.sum() < 2:
            return []
        idx = np.flatnonzero(ok)
        ids = pts["id"][idx]
        area_of: dict[int, int] = {}
        if self.children:
            links = (
                IncidentArea.objects.filter(
                    area_id__in=[c.pk for c in self.children],
                    incident_id__in=self.current_rows().values("incident_id"),
                )
                .order_by("area_id")
                .values_list("incident_id", "area_id")
            )
            for incident_id, area_id in links:
                area_of.setdefault(incident_id, area_id)
        result = repeats.repeat_places(
            pts["x"][idx],
            pts["y"][idx],
            radius=settings.REPEAT_PLACE_RADIUS_M,
            names=pts["place"][idx].tolist(),
            areas=[area_of.get(i) for i in ids.tolist()],
        )
        out = []
        for g in range(min(TOP_REPEAT_PLACES, len(result.keys))):
            n = int(result.counts[g])
            if n < 2:
                break
            members = idx[result.group == g]
            names = Counter(p.strip() for p in pts["place"][members].tolist() if p and p.strip())
            cats = Counter(self.cats.group_of[c] for c in pts["category"][members].tolist())
            out.append(
                {
                    "lon": round(float(pts["lon"][members].mean()), 6),
                    "lat": round(float(pts["lat"][members].mean()), 6),
                    "count": n,
                    "place": names.most_common(1)[0][0] if names else "",
                    "categories": [
                        {
                            "code": self.cats.by_id[c]["code"],
                            "label": self.cats.by_id[c]["label_sv"],
                            "count": k,
                        }
                        for c, k in cats.most_common()
                    ],
                    "incident_ids": sorted(int(i) for i in pts["id"][members].tolist()),
                }
            )
        return out

    def notable(self) -> list[dict]:
        codes = {police_code(t) for t in NOTABLE_POLICE_TYPES}
        ids = self.cats.descendants(codes)
        rows = (
            self.current_rows()
            .filter(category_id__in=ids)
            .order_by("-occurred_from")
            .values_list(
                "occurred_from",
                "category_id",
                "incident__place_name",
                "incident__source",
                "incident__url",
            )[:MAX_NOTABLE]
        )
        zone = periods.local_zone()
        return [
            {
                "date": when.astimezone(zone).replace(microsecond=0).isoformat(),
                "category": self.cats.by_id[cat]["code"],
                "label": self.cats.by_id[cat]["label_sv"],
                "group": self.cats.by_id[self.cats.group_of[cat]]["code"],
                "place": place,
                "source": source,
                "url": url,
            }
            for when, cat, place, source, url in rows
        ]

    def coverage(self) -> dict:
        cur = self.current()
        ids, orgs_of, sources = cur["id"], cur["organisation"].tolist(), cur["source"].tolist()
        counts: Counter = Counter()
        seen: set[int] = set()
        for pk, oid, source in zip(ids.tolist(), orgs_of, sources):
            if self.distinct:
                # Composed views count an incident once even if it lies in two children.
                if pk in seen:
                    continue
                seen.add(pk)
            # Reports are grouped by organisation, public sources (no organisation) by name.
            counts[(oid, "" if oid else source)] += 1
        expected = (
            list(self.partnership.organisations.values_list("id", flat=True))
            if self.partnership
            else []
        )
        org_ids = {oid for oid, _ in counts} - {None}
        orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=org_ids | set(expected))}
        by_org = []
        for oid in expected:
            counts.setdefault((oid, ""), 0)
        for (oid, source), n in sorted(
            counts.items(), key=lambda kv: (-kv[1], orgs[kv[0][0]].name if kv[0][0] else kv[0][1])
        ):
            org = orgs.get(oid)
            by_org.append(
                {
                    "organisation": org.name if org else None,
                    "source": source or None,
                    "kind": org.kind if org else PUBLIC_SOURCE_KIND,
                    "count": n,
                }
            )
        by_kind: Counter = Counter()
        for r in by_org:
            by_kind[r["kind"]] += r["count"]
        reporters = len(set(cur["reporter"].tolist()) - {None})
        silent = [r["organisation"] for r in by_org if r["organisation"] and r["count"] == 0]
        names = {
            o.pk: o.name
            for o in Organisation.objects.filter(
                pk__in={s.organisation_id for s in self.sources()} - {None}
            )
        }
        lagging = set(self.lagging(self.period))
        sources = [
            {
                "source": self.source_label(s, names),
                "organisation": names.get(s.organisation_id),
                "data_through": s.data_through.isoformat(),
                "first_day": s.first_day.isoformat(),
                "complete": s not in lagging,
            }
            for s in sorted(self.sources(), key=lambda s: (s.data_through, s.source))
        ]
        return {
            "by_organisation": by_org,
            "by_kind": [{"kind": k, "count": n} for k, n in by_kind.most_common()],
            "reporters": reporters or 0,
            "silent_organisations": silent,
            "sources": sources,
            # The picture is as complete as its least complete source, and never before
            # the period is over.
            "complete": not lagging,
            "data_through": min((s["data_through"] for s in sources), default=None),
        }

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
                    "flag": _confirmed(total_change.flag, total_change.p),
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
        figures["suppressed"] = self.suppressed
        figures["suppression_k"] = SUPPRESS_K if not self.internal else None
        from samverkan.situation.summary import summarise

        figures["summary"] = summarise(figures, self.language)
        figures["summary_language"] = self.language
        return figures


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
