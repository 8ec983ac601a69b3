"""Values of an external indicator written by another system (the API's upsert).

A municipality's BI tool or statistics system feeds the series it owns (reported crime,
a safety survey, its own registers) the same way a file import does: one value per
indicator and period (``period_start``, ``months``), found again on the next delivery, so
sending the same values twice changes nothing. Values of an indicator counted from the
platform's incidents are not written from outside: :func:`refresh_indicator` would
overwrite them at the next recount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from samverkan.core import audit
from samverkan.followup.models import Indicator, IndicatorValue
from samverkan.followup.services import rate_per_100k, refresh_goal

MAX_MONTHS = 120
MAX_ROWS = 1000


class ValuesRefused(ValueError):
    """A delivery that cannot be stored; the message names the row and the field."""

    def __init__(self, message: str, *, row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.row = row
        self.field = field


@dataclass(frozen=True)
class ValueRow:
    period_start: date
    value: float
    months: int = 1
    sample_size: int | None = None
    preliminary: bool = False


@dataclass
class StoreReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def row_problem(indicator: Indicator, row: ValueRow) -> tuple[str, str] | None:
    """(field, message) for a value the indicator cannot hold, else None."""
    if row.period_start.day != 1:
        return "period_start", "Perioden börjar den första i en månad."
    if not 1 <= row.months <= MAX_MONTHS:
        return "months", f"Antal månader 1–{MAX_MONTHS}."
    if not math.isfinite(row.value):
        return "value", "Värdet måste vara ett tal."
    if indicator.value_type == Indicator.ValueType.SHARE:
        if not 0 <= row.value <= 100:
            return "value", "En andel anges i procent, 0–100."
        if row.sample_size is None or row.sample_size < 1:
            return "sample_size", "En andel behöver antalet svarande (minst 1)."
    elif row.value < 0:
        return "value", "Ett antal kan inte vara negativt."
    if row.sample_size is not None and row.sample_size < 1:
        return "sample_size", "Antalet svarande är minst 1."
    return None


@transaction.atomic
def store_values(
    indicator: Indicator, rows: list[ValueRow], user, *, request=None, via: str = "api"
) -> StoreReport:
    """Create or update the indicator's values, all or nothing, with one audit event.

    Raises
    ------
    ValuesRefused
        The indicator is counted from incidents, a period appears twice, or a value does
        not fit the indicator (:func:`row_problem`); nothing is written then.
    """
    if indicator.kind != Indicator.Kind.EXTERNAL:
        raise ValuesRefused(
            "Indikatorn räknas från plattformens händelser; bara externa serier tar emot värden."
        )
    if len(rows) > MAX_ROWS:
        raise ValuesRefused(f"Högst {MAX_ROWS} värden per anrop.")
    seen = set()
    for i, row in enumerate(rows):
        if problem := row_problem(indicator, row):
            raise ValuesRefused(problem[1], row=i, field=problem[0])
        key = (row.period_start, row.months)
        if key in seen:
            raise ValuesRefused("Samma period förekommer två gånger.", row=i, field="period_start")
        seen.add(key)
    # Two deliveries for the same indicator at once would both find a period missing and
    # both insert it; the row lock makes the second wait and then find the first's values.
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
    existing = {
        (v.period_start, v.months): v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, period_start__in=[r.period_start for r in rows]
        )
    }
    report = StoreReport()
    for row in rows:
        new = {
            "value": row.value,
            "sample_size": row.sample_size,
            "preliminary": row.preliminary,
            "rate": rate_per_100k(row.value, indicator.area)
            if indicator.value_type == Indicator.ValueType.COUNT
            else None,
        }
        stored = existing.get((row.period_start, row.months))
        if stored is None:
            IndicatorValue.objects.create(
                indicator=indicator, period_start=row.period_start, months=row.months, **new
            )
            report.created += 1
        elif any(getattr(stored, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(stored, k, v)
            stored.save()
            report.updated += 1
        else:
            report.unchanged += 1
    if report.created or report.updated:
        for goal in indicator.goals.all():
            refresh_goal(goal)
        audit.record(
            audit.Action.INDICATOR_SET_VALUES,
            actor=user,
            obj=indicator,
            request=request,
            details={
                "via": via,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "periods": sorted({r.period_start.isoformat() for r in rows}),
            },
        )
    return report
