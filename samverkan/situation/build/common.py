"""Constants and helpers shared by the sections of a lägesbild: audiences, categories,
period spans and the raw time columns.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import numpy as np
from django.db.models import Count, FloatField, Func, Q
from django.utils.dateparse import parse_datetime

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.core.periods import Period
from samverkan.incidents.categories import subtree
from samverkan.incidents.models import (
    Category,
)

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
        return subtree(
            {cid: r["parent_id"] for cid, r in self.by_id.items()},
            [self.by_code[c]["id"] for c in codes if c in self.by_code],
        )


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


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
