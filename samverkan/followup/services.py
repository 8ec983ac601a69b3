"""Follow-up work: one function per change, each writing its audit event.

Indicator values, goal status, tertial snapshots and evaluation results are computed
here; the statistics come from :mod:`samverkan.analysis` (see ``docs/followup.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from samverkan.analysis import change, evaluation
from samverkan.core import audit, periods
from samverkan.core.models import Area, Partnership
from samverkan.followup import evaluation_areas, search
from samverkan.followup.importers import ImportFileError, ParseResult
from samverkan.followup.models import (
    Design,
    Direction,
    EffectGoal,
    Evaluation,
    ExperienceAttachment,
    ExperienceEntry,
    GoalStatus,
    Indicator,
    IndicatorValue,
    TertialReport,
)
from samverkan.incidents.categories import subtree_ids
from samverkan.incidents.models import Category, IncidentArea
from samverkan.situation import currency
from samverkan.situation.counting import row_filter

DEFAULT_MONTHS = 24
SIGNIFICANCE = 0.05


# --------------------------------------------------------------------------- helpers


def add_months(d: date, n: int) -> date:
    index = d.year * 12 + d.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


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


# --------------------------------------------------------------------------- indicators


@transaction.atomic
def create_indicator(partnership, user, *, request=None, categories=(), **fields) -> Indicator:
    indicator = Indicator.objects.create(partnership=partnership, created_by=user, **fields)
    if categories:
        indicator.categories.set(categories)
    audit.record("indicator.create", actor=user, obj=indicator, request=request)
    if indicator.kind == Indicator.Kind.INCIDENTS:
        refresh_indicator(indicator)
    return indicator


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


@transaction.atomic
def refresh_indicator_and_goals(indicator: Indicator, user, *, request=None) -> int:
    """Recount an indicator and the status of its goals; returns the months counted.

    The values, the goals and the audit event are committed together or not at all.
    """
    n = refresh_indicator(indicator)
    for goal in indicator.goals.all():
        refresh_goal(goal)
    audit.record(
        "indicator.refresh",
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
            "indicator.auto_refresh",
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
        allowed = _partnership_area_ids(partnership)
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
        "indicator.import",
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


def _partnership_area_ids(partnership: Partnership) -> set[int]:
    ids = set(partnership.areas.values_list("id", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= ids
        ids |= frontier
    return ids


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
        earlier = [by_start.get(add_months(d, -12 * y).isoformat()) for y in (1, 2, 3)]
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


# --------------------------------------------------------------------------- goals


def _span_of(values) -> int:
    spans = [v.months for v in values]
    return max(set(spans), key=spans.count) if spans else 1


def goal_status(goal: EffectGoal, today: date | None = None) -> tuple[str, dict]:
    """The status of an effect goal and how it was computed.

    Counts: the latest ``k`` values after the baseline period are summed (``k`` = the
    number of baseline values, or fewer when fewer have come in) and compared with the
    baseline split into blocks of ``k`` values by :func:`samverkan.analysis.change.compare`
    (square-root Poisson Z with the exact conditional p-value; Wheeler 2016). Shares: the
    latest survey against the pooled baseline surveys by
    :func:`samverkan.analysis.change.exact_poisson_test` with the numbers of respondents as
    exposures. A change is significant at |Z| >= 2 (counts) or p < 0.05 (shares).

    * reached: a significant change in the goal's direction, and the target (if any) met;
    * off track: a significant change the wrong way, or the deadline passed unreached,
      or no movement at all in the goal's direction;
    * on track: moving the goal's way (or already at the target) but not yet significant;
    * no data: no complete values after the baseline period (or no baseline); for counts,
      until the complete values after the baseline make up a whole calendar tertial.

    Preliminary values (a month not over, or not yet covered by every source's data, see
    :mod:`samverkan.situation.currency`) never count: missing data is not a decrease.
    """
    today = today or timezone.localdate()
    values = list(goal.indicator.values.order_by("period_start"))
    span = _span_of(values)
    values = [v for v in values if v.months == span and not v.preliminary]
    base = [
        v
        for v in values
        if v.period_start >= goal.baseline_start and v.period_end <= goal.baseline_end
    ]
    after = [v for v in values if v.period_start >= goal.baseline_end]
    details: dict = {"span_months": span, "baseline_values": len(base), "after_values": len(after)}
    if not after or (not base and goal.baseline_value is None):
        details["reason"] = (
            "Ingen data ännu: inga fullständiga värden efter basperioden."
            if not after
            else "Basvärde saknas."
        )
        return GoalStatus.NO_DATA, details
    desired = "decrease" if goal.direction == Direction.DECREASE else "increase"
    share = goal.indicator.value_type == Indicator.ValueType.SHARE
    if not share and not _whole_tertial(after, span):
        details["reason"] = (
            "Ingen data ännu: ingen hel tertial med fullständiga värden efter basperioden."
        )
        return GoalStatus.NO_DATA, details
    if share:
        latest = after[-1]
        if latest.sample_size is None or (base and any(b.sample_size is None for b in base)):
            details["reason"] = "Antal svarande saknas; andelar kan inte prövas."
            return GoalStatus.NO_DATA, details
        if base:
            kb = sum(b.value / 100 * b.sample_size for b in base)
            nb = sum(b.sample_size for b in base)
        else:
            nb = latest.sample_size
            kb = goal.baseline_value / 100 * nb
        kc = latest.value / 100 * latest.sample_size
        test = change.exact_poisson_test(round(kc), round(kb), latest.sample_size, nb)
        current_level = latest.value
        baseline_level = 100 * kb / nb
        moving = (
            (current_level < baseline_level)
            if desired == "decrease"
            else (current_level > baseline_level)
        )
        flag = None
        if test.p < SIGNIFICANCE and current_level != baseline_level:
            flag = "decrease" if current_level < baseline_level else "increase"
        details.update(
            method=test.method,
            p=test.p,
            rate_ratio=_finite(test.estimate),
            current=current_level,
            baseline=baseline_level,
            current_label=latest.label,
        )
    else:
        k = min(len(base), len(after)) if base else len(after)
        current_vals = after[-k:]
        current = sum(v.value for v in current_vals)
        if base:
            blocks = [
                sum(v.value for v in base[i : i + k])
                for i in range(len(base) - len(base) // k * k, len(base), k)
            ]
            baseline_total = sum(v.value for v in base)
            base_len = len(base)
        else:
            base_len = max(1, _months_between(goal.baseline_start, goal.baseline_end) // span)
            k = min(k, base_len)
            current_vals = after[-k:]
            current = sum(v.value for v in current_vals)
            blocks = [goal.baseline_value * k / base_len]
            baseline_total = goal.baseline_value
        res = change.compare(current, blocks)
        flag = res.flag
        current_level = current * base_len / k
        baseline_level = baseline_total
        moving = res.z < 0 if desired == "decrease" else res.z > 0
        details.update(
            method=res.method,
            z=res.z,
            p=res.p,
            threshold=res.threshold,
            current=current_level,
            baseline=baseline_level,
            current_window=[current_vals[0].label, current_vals[-1].label],
            window_values=k,
            baseline_blocks=blocks,
        )
    target = goal.target_value
    target_met = target is None or (
        current_level <= target if desired == "decrease" else current_level >= target
    )
    details["target_met"] = target is not None and target_met
    details["flag"] = flag
    if flag == desired and target_met:
        status = GoalStatus.REACHED
    elif flag is not None and flag != desired or today > goal.deadline:
        status = GoalStatus.OFF_TRACK
    elif moving or (target is not None and target_met):
        status = GoalStatus.ON_TRACK
    else:
        status = GoalStatus.OFF_TRACK
    return status, details


def _whole_tertial(values, span: int) -> bool:
    """Whether ``values`` cover a whole calendar tertial (January, May or September on)."""
    if span >= 4:
        return bool(values)
    months = {add_months(v.period_start, i) for v in values for i in range(v.months)}
    return any(
        all(add_months(m, i) in months for i in range(4)) for m in months if m.month in (1, 5, 9)
    )


def _finite(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def refresh_goal(goal: EffectGoal, today: date | None = None) -> EffectGoal:
    status, details = goal_status(goal, today)
    goal.status = status
    goal.status_details = _jsonable(details)
    goal.save(update_fields=["status", "status_details"])
    return goal


def _jsonable(value):
    from samverkan.analysis.result import _plain

    return _plain(value)


def baseline_bounds(label: str) -> tuple[date, date]:
    """First day and the day after a baseline period text ("2024", "2024-T2", "2024-03")."""
    p = periods.parse(label)
    return p.first_day, p.end_day


@transaction.atomic
def create_goal(indicator: Indicator, user, *, request=None, **fields) -> EffectGoal:
    start, end = baseline_bounds(fields["baseline_label"])
    goal = EffectGoal(
        indicator=indicator, baseline_start=start, baseline_end=end, created_by=user, **fields
    )
    if indicator.kind == Indicator.Kind.INCIDENTS:
        refresh_indicator(indicator, since=start)
    if goal.baseline_value is None:
        base = indicator.values.filter(period_start__gte=start, period_start__lt=end)
        if indicator.value_type == Indicator.ValueType.SHARE:
            vals = list(base)
            if vals:
                goal.baseline_value = sum(v.value for v in vals) / len(vals)
        elif base.exists():
            goal.baseline_value = sum(v.value for v in base)
    goal.save()
    refresh_goal(goal)
    audit.record(
        "goal.create",
        actor=user,
        obj=goal,
        request=request,
        details={"indicator": indicator.pk},
    )
    return goal


# --------------------------------------------------------------------------- tertials


def linked_indicators(measure) -> list[Indicator]:
    """The indicators that follow a measure up, of the measure's own partnership."""
    return list(measure.indicators.filter(partnership_id=measure.plan.partnership_id))


def tertial_snapshot(partnership: Partnership, period: periods.Period, *, today=None) -> dict:
    """Goals, measures, indicators and evaluations of a partnership for one tertial."""
    from samverkan.plans.models import Measure

    indicators = list(Indicator.objects.filter(partnership=partnership).select_related("area"))
    out_ind, out_goals = [], []
    for ind in indicators:
        if ind.kind == Indicator.Kind.INCIDENTS:
            refresh_indicator(ind, until=period.last_day)
        values = [v for v in ind.values.order_by("period_start") if v.period_start < period.end_day]
        monthly = [v for v in values if v.months == 1]
        in_tertial = [v for v in monthly if v.period_start >= period.first_day]
        last_year = period.same_last_year()
        before = [v for v in monthly if last_year.first_day <= v.period_start < last_year.end_day]
        entry = {
            "id": ind.pk,
            "name": ind.name,
            "kind": ind.kind,
            "value_type": ind.value_type,
            "area": ind.area.name,
            "source": ind.get_source_display(),
            "values": [
                {
                    "label": v.label,
                    "start": v.period_start.isoformat(),
                    "months": v.months,
                    "value": v.value,
                    "rate": v.rate,
                    "sample_size": v.sample_size,
                }
                for v in values
            ],
        }
        entry["values"] = flag_values(entry["values"])[-24:]
        if (
            ind.value_type == Indicator.ValueType.COUNT
            and len(in_tertial) == 4
            and len(before) == 4
            and not any(v.preliminary for v in in_tertial + before)
        ):
            now_total = sum(v.value for v in in_tertial)
            then_total = sum(v.value for v in before)
            res = change.compare(now_total, [then_total])
            entry["tertial"] = {
                "count": now_total,
                "same_tertial_last_year": then_total,
                "z": res.z,
                "p": res.p,
                "flag": res.flag,
                "method": res.method,
            }
        out_ind.append(entry)
        for goal in ind.goals.all():
            status, details = goal_status(goal, today or period.last_day)
            out_goals.append(
                {
                    "id": goal.pk,
                    "title": goal.title,
                    "indicator": ind.name,
                    "indicator_id": ind.pk,
                    "baseline": goal.baseline_label,
                    "baseline_value": goal.baseline_value,
                    "direction": goal.direction,
                    "target_value": goal.target_value,
                    "deadline": goal.deadline.isoformat(),
                    "status": status,
                    "status_label": str(GoalStatus(status).label),
                    "details": details,
                }
            )
    measures = (
        Measure.objects.filter(
            plan__partnership=partnership, start__lt=period.end_day, end__gte=period.first_day
        )
        .select_related("plan", "owner")
        .order_by("plan__title", "start")
    )
    out_measures = [
        {
            "indicators": [i.name for i in linked_indicators(m)],
            "id": m.pk,
            "plan": m.plan.title,
            "title": m.title,
            "status": m.status,
            "status_label": str(m.get_status_display()),
            "owner": m.owner.name,
            "target_side": str(m.get_target_side_display()),
            "start": m.start.isoformat(),
            "end": m.end.isoformat(),
        }
        for m in measures
    ]
    evaluations = Evaluation.objects.filter(partnership=partnership)
    out_evals = [
        {
            "id": e.pk,
            "title": e.title,
            "measure": e.measure.title,
            "design": e.design,
            "summary": summary_sentence(e.results),
        }
        for e in evaluations
    ]
    return _jsonable(
        {
            "partnership": {"id": partnership.pk, "name": partnership.name},
            "tertial": period.label,
            "name": period.human("sv"),
            "first_day": period.first_day.isoformat(),
            "last_day": period.last_day.isoformat(),
            "generated_at": timezone.now().isoformat(),
            "goals": out_goals,
            "measures": out_measures,
            "indicators": out_ind,
            "evaluations": out_evals,
        }
    )


def parse_tertial(label: str) -> periods.Period:
    return periods.parse(label, periods.TERTIAL)


@transaction.atomic
def generate_tertial_report(
    partnership, tertial: str, user=None, *, analysis: str | None = None, request=None
) -> TertialReport:
    """Create or regenerate the tertial report (the analysis text is kept unless given)."""
    period = parse_tertial(tertial)
    report, created = TertialReport.objects.get_or_create(
        partnership=partnership,
        tertial=period.label,
        defaults={
            "period_start": period.first_day,
            "period_end": period.last_day,
            "created_by": user,
        },
    )
    report.snapshot = tertial_snapshot(partnership, period)
    if analysis is not None:
        report.analysis = analysis
    report.snapshot["analysis"] = report.analysis
    report.save()
    audit.record(
        "tertial_report.create" if created else "tertial_report.regenerate",
        actor=user,
        obj=report,
        request=request,
    )
    return report


@transaction.atomic
def set_tertial_analysis(report: TertialReport, text: str, user, *, request=None):
    report.analysis = text.strip()
    report.snapshot = {**(report.snapshot or {}), "analysis": report.analysis}
    report.save(update_fields=["analysis", "snapshot", "updated_at"])
    audit.record("tertial_report.write_analysis", actor=user, obj=report, request=request)
    return report


# --------------------------------------------------------------------------- evaluations

COUNT_KEYS = (
    "treated_before",
    "treated_after",
    "comparison_before",
    "comparison_after",
    "buffer_before",
    "buffer_after",
)


def evaluation_counts(ev: Evaluation) -> dict[str, int]:
    """Count the partnership's incidents before and after in each area of the design."""
    codes = list(ev.categories.values_list("code", flat=True))
    areas = {"treated": ev.treated_area, "comparison": ev.comparison_area, "buffer": ev.buffer_area}
    out = {}
    for name, area in areas.items():
        if area is None:
            continue
        for when, (start, end) in {
            "before": (ev.before_start, ev.before_end),
            "after": (ev.after_start, ev.after_end),
        }.items():
            out[f"{name}_{when}"] = count_incidents(
                area, start, end, partnership=ev.partnership, codes=codes
            )
    return out


def compute_results(design: str, counts: dict, before_days: int, after_days: int) -> dict:
    """The statistics of an evaluation from its counts, as plain JSON.

    * always: the treated area after against before, by the exact conditional test of
      two Poisson counts with the periods' lengths as exposures (Przyborowski & Wilenski
      1940), so periods of different length compare fairly;
    * with a comparison area: the relative effect size with its 95 % confidence interval
      (Farrington et al. 2007) and the difference in differences (Wheeler & Ratcliffe 2018);
    * with a buffer area as well: the weighted displacement quotient and the total net
      effect (Bowers & Johnson 2003; Guerette 2009) and the weighted displacement
      difference (Wheeler & Ratcliffe 2018).
    """
    tb, ta = counts["treated_before"], counts["treated_after"]
    out: dict = {
        "counts": counts,
        "before_days": before_days,
        "after_days": after_days,
        "notes": [],
    }
    ba = change.exact_poisson_test(ta, tb, after_days, before_days)
    out["before_after"] = ba.to_dict()
    if design in (Design.COMPARISON, Design.BUFFER):
        cb, ca = counts["comparison_before"], counts["comparison_after"]
        try:
            out["res"] = evaluation.relative_effect_size(tb, ta, cb, ca).to_dict()
        except ValueError as exc:
            out["notes"].append(f"Relativ effektstorlek kunde inte beräknas: {exc}")
        out["did"] = evaluation.difference_in_differences(tb, ta, cb, ca).to_dict()
        if design == Design.BUFFER:
            db, da = counts["buffer_before"], counts["buffer_after"]
            try:
                out["wdq"] = evaluation.weighted_displacement_quotient(
                    tb, ta, db, da, cb, ca
                ).to_dict()
            except ValueError as exc:
                out["notes"].append(f"WDQ kunde inte beräknas: {exc}")
            out["wdd"] = evaluation.weighted_displacement_difference(
                tb, ta, cb, ca, db, da, cb, ca
            ).to_dict()
    out["summary"] = summary_sentence(out)
    return _jsonable(out)


def summary_sentence(results: dict) -> str:
    """One plain Swedish sentence on the main result, for lists and the experience bank."""
    if not results:
        return ""
    c = results.get("counts", {})
    parts = [
        (
            f"Före {c.get('treated_before')} och efter {c.get('treated_after')} händelser "
            "i insatsområdet"
        )
    ]
    res = results.get("res")
    if res and res.get("estimate"):
        rc = res.get("relative_change")
        parts.append(
            f"relativ effektstorlek {res['estimate']:.2f} "
            f"(95 % KI {res['ci_low']:.2f}–{res['ci_high']:.2f}), "
            f"{abs(rc) * 100:.0f} % {'färre' if rc < 0 else 'fler'} än jämförelseområdet antyder"
        )
    wdq = results.get("wdq")
    if wdq:
        est = wdq.get("estimate")
        parts.append(f"WDQ {est:.2f}" if est is not None else "WDQ ej definierad")
        parts.append(f"total nettoeffekt {wdq['total_net_effect']:.1f} förhindrade brott")
    return "; ".join(parts) + "."


def _days(start: date, end_inclusive: date) -> int:
    return (end_inclusive - start).days + 1


@transaction.atomic
def save_evaluation(
    ev: Evaluation, user, *, categories=None, manual_counts: dict | None = None, request=None
) -> Evaluation:
    """Validate, count, compute and store an evaluation (new or changed)."""
    if ev.before_end < ev.before_start or ev.after_end < ev.after_start:
        raise ValueError("En period slutar innan den börjar.")
    if ev.after_start <= ev.before_end:
        raise ValueError("Efterperioden måste börja efter förperioden.")
    if ev.design in (Design.COMPARISON, Design.BUFFER) and ev.comparison_area is None:
        raise ValueError("Upplägget kräver ett jämförelseområde.")
    if ev.design == Design.BUFFER and ev.buffer_area is None:
        raise ValueError("Upplägget kräver en buffertzon.")
    wrong = evaluation_areas.conflicts(ev.treated_area, ev.comparison_area, ev.buffer_area)
    if wrong:
        raise ValueError(wrong[0][1])
    created = ev.pk is None
    ev.partnership_id = ev.measure.plan.partnership_id
    if created:
        ev.created_by = user
    ev.save()
    if categories is not None:
        ev.categories.set(categories)
    counts = evaluation_counts(ev)
    if manual_counts:
        counts.update({k: int(v) for k, v in manual_counts.items() if v is not None})
    ev.counts = counts
    ev.results = compute_results(
        ev.design,
        counts,
        _days(ev.before_start, ev.before_end),
        _days(ev.after_start, ev.after_end),
    )
    ev.save(update_fields=["counts", "results", "partnership", "updated_at"])
    audit.record(
        "evaluation.create" if created else "evaluation.update",
        actor=user,
        obj=ev,
        request=request,
        details={"measure": ev.measure_id},
    )
    return ev


# --------------------------------------------------------------------------- experience bank


def reindex(entry: ExperienceEntry) -> None:
    """Refresh an entry's search text (with its category labels) and its index row."""
    labels = []
    for c in entry.categories.all():
        labels += [c.label_sv, c.label_nb]
    text = entry.build_search_text([x for x in labels if x])
    ExperienceEntry.objects.filter(pk=entry.pk).update(search_text=text)
    entry.search_text = text
    search.index_entry(entry.pk, text)


@transaction.atomic
def save_entry(entry: ExperienceEntry, user, *, categories=None, request=None) -> ExperienceEntry:
    created = entry.pk is None
    if created:
        entry.created_by = user
    entry.save()
    if categories is not None:
        entry.categories.set(categories)
    reindex(entry)
    audit.record(
        "experience.create" if created else "experience.update",
        actor=user,
        obj=entry,
        request=request,
    )
    return entry


@transaction.atomic
def entry_from_evaluation(
    ev: Evaluation, user, *, shared=True, public=False, request=None
) -> ExperienceEntry:
    """Put an evaluation in the experience bank (or refresh the entry made from it)."""
    measure = ev.measure
    problems = list(measure.problems.all())
    entry = getattr(ev, "experience", None) or ExperienceEntry(evaluation=ev)
    entry.title = ev.title
    entry.origin = ExperienceEntry.Origin.EVALUATION
    entry.partnership_id = ev.partnership_id
    entry.organisation = measure.owner
    entry.method = measure.get_target_side_display()[:120]
    entry.problem_type = (problems[0].title if problems else "")[:120]
    entry.setting = ev.treated_area.name
    entry.description = "\n\n".join(x for x in [measure.title, measure.description] if x)
    entry.effect_summary = "\n\n".join(
        x
        for x in [
            ev.results.get("summary", ""),
            ev.conclusion,
            f"Begränsningar: {ev.limitations}" if ev.limitations else "",
        ]
        if x
    )
    entry.cost = (measure.resources or "")[:200]
    entry.shared, entry.public = shared, public
    return save_entry(entry, user, categories=list(ev.categories.all()), request=request)


def add_attachment(entry: ExperienceEntry, upload, user, *, request=None) -> ExperienceAttachment:
    """Attach an uploaded file to an experience entry.

    The file is written to storage first (a database transaction cannot hold it); when
    the row or its audit event then fails, the file is removed again, so no attachment
    exists without its audit event and no file is left without its row.
    """
    att = ExperienceAttachment(entry=entry, name=upload.name[:200], uploaded_by=user)
    att.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            att.save()
            audit.record("experience.attach", actor=user, obj=att, request=request)
    except BaseException:
        att.file.delete(save=False)
        raise
    return att


BANK_COLUMNS = (
    "title",
    "problem_type",
    "method",
    "setting",
    "categories",
    "description",
    "effect_summary",
    "cost",
    "contacts",
    "language",
    "external_ref",
)
BANK_ALIASES = {
    "rubrik": "title",
    "problemtyp": "problem_type",
    "metod": "method",
    "miljö": "setting",
    "kategorier": "categories",
    "beskrivning": "description",
    "effekt": "effect_summary",
    "kostnad": "cost",
    "kontakter": "contacts",
    "språk": "language",
    "referens": "external_ref",
}


@transaction.atomic
def import_entries(
    data: bytes | str, user, *, partnership=None, shared=True, public=False, request=None
) -> tuple[int, int]:
    """Import experience entries from CSV (columns in :data:`BANK_COLUMNS`, Swedish names
    accepted). A row whose ``external_ref`` (or, without one, title) is already in the bank
    is skipped, so a re-run adds nothing. Returns (created, skipped)."""
    from samverkan.followup.importers import _reader

    reader = _reader(data)
    names = {f: BANK_ALIASES.get(f.casefold(), f.casefold()) for f in reader.fieldnames}
    if "title" not in names.values():
        raise ImportFileError(
            f"Kolumnen title (rubrik) saknas; filen har {', '.join(reader.fieldnames)}."
        )
    by_code = {c.code: c for c in Category.objects.all()}
    pending = []
    for line, raw in enumerate(reader, start=2):
        row = {names[k]: (v or "").strip() for k, v in raw.items() if k in names}
        if not row.get("title"):
            raise ImportFileError(f"Rad {line}, kolumn title: rubriken saknas.")
        cats = []
        for code in filter(None, (c.strip() for c in row.get("categories", "").split(";"))):
            if code not in by_code:
                raise ImportFileError(f"Rad {line}, kolumn categories: okänd kategori '{code}'.")
            cats.append(by_code[code])
        lang = row.get("language") or "sv"
        if lang not in ExperienceEntry.Language.values:
            raise ImportFileError(f"Rad {line}, kolumn language: '{lang}' (välj sv, nb eller en).")
        pending.append((row, cats, lang))
    created = skipped = 0
    for row, cats, lang in pending:
        ref = row.get("external_ref", "")
        exists = ExperienceEntry.objects.filter(
            Q(external_ref=ref) if ref else Q(title=row["title"], origin="import")
        ).exists()
        if exists:
            skipped += 1
            continue
        entry = ExperienceEntry(
            origin=ExperienceEntry.Origin.IMPORT,
            language=lang,
            partnership=partnership,
            shared=shared,
            public=public,
            **{
                k: row.get(k, "")[: ExperienceEntry._meta.get_field(k).max_length or 100_000]
                for k in BANK_COLUMNS
                if k not in ("categories", "language")
            },
        )
        save_entry(entry, user, categories=cats, request=request)
        created += 1
    return created, skipped
