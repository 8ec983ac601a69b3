"""Counting incidents for follow-up: the months of an incident indicator.

One rule with the lägesbild for which rows count (:func:`incident_rows`), so an indicator
and a lägesbild of the same area never disagree (docs/followup.md).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.followup.models import Indicator, IndicatorValue
from samverkan.incidents import currency
from samverkan.incidents.categories import subtree_ids
from samverkan.incidents.counting import row_filter
from samverkan.incidents.models import IncidentArea

DEFAULT_MONTHS = 24


def month_of(d: date) -> periods.Period:
    return periods.containing(d, periods.MONTH)


def rate_per_100k(value: float | None, area: Area) -> float | None:
    """``value`` per 100,000 inhabitants of ``area``; None when the population is unknown."""
    if value is None or not area.population:
        return None
    return value * 100_000 / area.population


def incident_rows(area: Area, partnership: Partnership | None, codes=(), place_types=()):
    """The IncidentArea rows that count for an area: the lägesbild's rule (no summaries,
    no duplicates, only what belongs to the partnership), narrowed by category and place."""
    qs = IncidentArea.objects.filter(area=area).filter(row_filter(area, partnership))
    if codes:
        qs = qs.filter(category_id__in=subtree_ids(codes))
    if place_types:
        qs = qs.filter(incident__place_type__in=list(place_types))
    return qs


def count_incidents(
    area, start: date, end_inclusive: date, *, partnership=None, codes=(), place_types=()
) -> int:
    """Incidents in ``area`` on the local days ``start`` to ``end_inclusive``."""
    span = periods.Period(periods.CUSTOM, start, end_inclusive + timedelta(days=1))
    return (
        incident_rows(area, partnership, codes, place_types)
        .filter(occurred_from__gte=span.start, occurred_from__lt=span.end)
        .count()
    )


def refresh_indicator(
    indicator: Indicator,
    *,
    until: date | None = None,
    months: int = DEFAULT_MONTHS,
    since: date | None = None,
) -> int:
    """Count an incident indicator per local calendar month and store the values.

    From ``since`` (default: ``months`` months back, or the earliest goal baseline) to the
    month containing ``until`` (default today). Returns the number of months stored.
    """
    if indicator.kind != Indicator.Kind.INCIDENTS:
        return 0
    last = month_of(until or timezone.localdate())
    first = last.shifted(-(months - 1))
    goal_starts = [g.baseline_start for g in indicator.goals.all()]
    starts = [first.first_day, *(d for d in [since, *goal_starts] if d)]
    first = month_of(min(starts))
    spans = []
    p = first
    while p.first_day <= last.first_day:
        spans.append(p)
        p = p.shifted(1)
    codes = list(indicator.categories.values_list("code", flat=True))
    rows = incident_rows(indicator.area, indicator.partnership, codes, indicator.place_types)
    agg = {
        f"m{i}": Count("id", filter=Q(occurred_from__gte=s.start, occurred_from__lt=s.end))
        for i, s in enumerate(spans)
    }
    counts = rows.filter(occurred_from__gte=spans[0].start, occurred_from__lt=spans[-1].end)
    values = counts.aggregate(**agg)
    # As of the end of ``until`` (never later than now): a month not over by then, or one
    # that a source has not reported through, is preliminary; goal status and change tests
    # use complete months only (docs/followup.md).
    now = timezone.now()
    if until is not None:
        now = min(now, periods.Period(periods.CUSTOM, until, until + timedelta(days=1)).end)
    sources = currency.sources(
        counts.values_list("organisation_id", "incident__source").distinct(), now
    )

    def incomplete(p: periods.Period) -> bool:
        return p.end > now or any(
            src.began_by(p.last_day) and not src.reaches(p.last_day) for src in sources
        )

    with transaction.atomic():
        for i, s in enumerate(spans):
            value = float(values[f"m{i}"] or 0)
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                period_start=s.first_day,
                months=1,
                defaults={
                    "value": value,
                    "rate": rate_per_100k(value, indicator.area),
                    "preliminary": incomplete(s),
                },
            )
    return len(spans)
