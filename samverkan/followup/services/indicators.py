"""Indicators: creating, recounting and importing their values, and flagging months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from samverkan.analysis import change
from samverkan.core import audit, periods
from samverkan.core.models import Partnership
from samverkan.core.permissions import partnership_area_ids
from samverkan.followup.importers import ImportFileError, ParseResult
from samverkan.followup.models import Indicator, IndicatorValue
from samverkan.followup.services.counting import rate_per_100k, refresh_indicator
from samverkan.followup.services.goals import refresh_goal


@transaction.atomic
def create_indicator(partnership, user, *, request=None, categories=(), **fields) -> Indicator:
    indicator = Indicator.objects.create(partnership=partnership, created_by=user, **fields)
    if categories:
        indicator.categories.set(categories)
    audit.record(audit.Action.INDICATOR_CREATE, actor=user, obj=indicator, request=request)
    if indicator.kind == Indicator.Kind.INCIDENTS:
        refresh_indicator(indicator)
    return indicator


@transaction.atomic
def refresh_indicator_and_goals(indicator: Indicator, user, *, request=None) -> int:
    """Recount an indicator and the status of its goals; returns the months counted.

    The values, the goals and the audit event are committed together or not at all.
    """
    n = refresh_indicator(indicator)
    for goal in indicator.goals.all():
        refresh_goal(goal)
    audit.record(
        audit.Action.INDICATOR_REFRESH,
        actor=user,
        obj=indicator,
        request=request,
        details={"months": n},
    )
    return n


def refresh_incident_indicators(partnership_id: int | None = None) -> int:
    """Recount every incident indicator (of one partnership) and its goals' status.

    Run by the task :func:`samverkan.followup.tasks.refresh_incident_indicators`, which is
    queued whenever incidents come in; each indicator with its goals is committed on its
    own, and one audit event (no actor: the system did it) records the run.
    """
    indicators = Indicator.objects.filter(kind=Indicator.Kind.INCIDENTS)
    if partnership_id is not None:
        indicators = indicators.filter(partnership_id=partnership_id)
    done = []
    for indicator in indicators.select_related("area"):
        with transaction.atomic():
            refresh_indicator(indicator)
            for goal in indicator.goals.all():
                refresh_goal(goal)
        done.append(indicator.pk)
    if done:
        audit.record(
            audit.Action.INDICATOR_AUTO_REFRESH,
            details={"indicators": done, "partnership": partnership_id},
        )
    return len(done)


@dataclass
class ImportReport:
    indicators_created: int = 0
    values_created: int = 0
    values_updated: int = 0
    unchanged: int = 0
    skipped_areas: list[str] = field(default_factory=list)
    suppressed: int = 0
    indicator_ids: list[int] = field(default_factory=list)


@transaction.atomic
def import_series(
    parsed: ParseResult,
    partnership: Partnership,
    fmt: str,
    user=None,
    *,
    series: list[str] | None = None,
    area_codes: list[str] | None = None,
    indicator: Indicator | None = None,
    file_name: str = "",
    request=None,
) -> ImportReport:
    """Store parsed external rows as indicator values, all or nothing.

    Rows are kept for the areas given (``area_codes``) or else the partnership's own areas
    and the areas below them, and for the series given (``series``: Brott_ID, SSB column or
    survey question). Each (area, series) becomes one indicator of the partnership, found
    again on a re-run, so importing the same file twice adds nothing. With ``indicator``,
    every kept row goes into that one indicator (then exactly one series must remain).
    """
    source = {
        "bra": Indicator.Source.BRA,
        "ssb": Indicator.Source.SSB,
        "survey": Indicator.Source.SURVEY,
    }[fmt]
    rows = parsed.rows
    if series:
        wanted = {str(s) for s in series}
        rows = [r for r in rows if r.series_key in wanted]
    if area_codes:
        rows = [r for r in rows if r.area.code in set(area_codes)]
    else:
        allowed = partnership_area_ids([partnership.pk])
        rows = [r for r in rows if r.area.pk in allowed]
    if not rows:
        raise ImportFileError(
            "Inga rader i filen gäller samverkans områden"
            + (f" eller serierna {', '.join(series)}" if series else "")
            + ". Ange --area med kommunkoden eller kontrollera filen."
        )
    keys = {(r.area.pk, r.series_key) for r in rows}
    if indicator is not None and len({k[1] for k in keys}) > 1:
        raise ImportFileError(
            "Filen har flera serier för en och samma indikator; välj en med --series "
            f"({', '.join(sorted({k[1] for k in keys}))})."
        )
    report = ImportReport(suppressed=parsed.suppressed, skipped_areas=sorted(parsed.unknown_areas))
    targets: dict[tuple[int, str], Indicator] = {}
    for r in rows:
        key = (r.area.pk, r.series_key)
        if key not in targets:
            if indicator is not None:
                targets[key] = indicator
            else:
                found = Indicator.objects.filter(
                    partnership=partnership,
                    kind=Indicator.Kind.EXTERNAL,
                    source=source,
                    series_key=r.series_key,
                    area=r.area,
                ).first()
                if found is None:
                    name = f"{r.series_label or r.series_key} – {r.area.name}"
                    found = Indicator.objects.create(
                        partnership=partnership,
                        name=name[:200],
                        kind=Indicator.Kind.EXTERNAL,
                        source=source,
                        series_key=r.series_key,
                        value_type=Indicator.ValueType.SHARE
                        if fmt == "survey"
                        else Indicator.ValueType.COUNT,
                        area=r.area,
                        created_by=user,
                    )
                    report.indicators_created += 1
                targets[key] = found
        target = targets[key]
        rate = None
        if target.value_type == Indicator.ValueType.COUNT:
            rate = rate_per_100k(r.value, r.area)
            if rate is None:
                rate = r.source_rate
        existing = IndicatorValue.objects.filter(
            indicator=target, period_start=r.period_start, months=r.months
        ).first()
        new = {
            "value": r.value,
            "sample_size": r.sample_size,
            "rate": rate,
            "preliminary": r.preliminary,
        }
        if existing is None:
            IndicatorValue.objects.create(
                indicator=target, period_start=r.period_start, months=r.months, **new
            )
            report.values_created += 1
        elif any(getattr(existing, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(existing, k, v)
            existing.save()
            report.values_updated += 1
        else:
            report.unchanged += 1
    report.indicator_ids = sorted({i.pk for i in targets.values()})
    for target in {i.pk: i for i in targets.values()}.values():
        for goal in target.goals.all():
            refresh_goal(goal)
    audit.record(
        audit.Action.INDICATOR_IMPORT,
        actor=user,
        request=request,
        details={
            "format": fmt,
            "file": file_name,
            "partnership": partnership.pk,
            "indicators": report.indicator_ids,
            "created": report.values_created,
            "updated": report.values_updated,
        },
    )
    return report


def flag_values(values: list[dict]) -> list[dict]:
    """Mark monthly counts that stand out against the same month in earlier years.

    Each month is compared with the same month of up to three earlier years (the seasonal
    baseline that Wheeler 2016 recommends for monthly crime counts) by
    :func:`samverkan.analysis.change.compare_many`, with the stricter |Z| >= 3 of many
    series tested at once. Adds ``flag`` ("increase", "decrease" or None) to each value.
    """
    by_start = {v["start"]: v for v in values if v.get("months", 1) == 1}
    cur, base, idx = [], [], []
    for i, v in enumerate(values):
        v.setdefault("flag", None)
        if v.get("months", 1) != 1:
            continue
        d = date.fromisoformat(v["start"])
        earlier = [by_start.get(periods.add_months(d, -12 * y).isoformat()) for y in (1, 2, 3)]
        earlier = [e["value"] for e in earlier if e is not None]
        if earlier:
            cur.append(v["value"])
            base.append(sum(earlier) / len(earlier))
            idx.append(i)
    if cur:
        res = change.compare_many(cur, base, threshold=change.flag_threshold(len(cur)), exact=False)
        for i, flag in zip(idx, res.flags, strict=True):
            values[i]["flag"] = flag
    return values


def chart_values(indicator: Indicator) -> list[dict]:
    """The indicator's values as chart rows (label, start, months, value), flagged.

    The rows line up with ``indicator.values.all()``, so a page can show each stored value
    beside its flag.
    """
    return flag_values(
        [
            {
                "label": v.label,
                "start": v.period_start.isoformat(),
                "months": v.months,
                "value": v.value,
            }
            for v in indicator.values.all()
        ]
    )


def goal_lines(indicator: Indicator) -> list[dict]:
    """The indicator's goals as the chart draws them (baseline, target, status)."""
    return [
        {
            "indicator_id": indicator.pk,
            "baseline_value": g.baseline_value,
            "target_value": g.target_value,
            "status": g.status,
            "details": g.status_details,
        }
        for g in indicator.goals.all()
    ]
