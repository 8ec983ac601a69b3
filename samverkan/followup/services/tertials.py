"""Tertial reports: the frozen snapshot of goals, measures, indicators and evaluations."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from samverkan.analysis import change
from samverkan.analysis.result import plain
from samverkan.core import audit, periods
from samverkan.core.models import Partnership
from samverkan.core.permissions import descendant_ids
from samverkan.followup.models import Evaluation, GoalStatus, Indicator, TertialReport
from samverkan.followup.services.counting import refresh_indicator
from samverkan.followup.services.evaluations import summary_sentence
from samverkan.followup.services.goals import goal_status
from samverkan.followup.services.indicators import flag_values


def linked_indicators(measure) -> list[Indicator]:
    """The indicators that follow a measure up, of the measure's own partnership."""
    return list(measure.indicators.filter(partnership_id=measure.plan.partnership_id))


def tertial_snapshot(
    partnership: Partnership, period: periods.Period, *, area=None, today=None
) -> dict:
    """Goals, measures, indicators and evaluations of a partnership for one tertial.

    With ``area`` (a district's report): only those of that area and the areas inside it,
    as the partnership's page shows them narrowed to the area (``?omrade=``).
    """
    from samverkan.plans.models import Measure
    from samverkan.plans.services import measures_in

    below = descendant_ids([area.pk]) if area is not None else None
    indicators = Indicator.objects.filter(partnership=partnership)
    measures = Measure.objects.filter(
        plan__partnership=partnership, start__lt=period.end_day, end__gte=period.first_day
    )
    evaluations = Evaluation.objects.filter(partnership=partnership)
    if below is not None:
        indicators = indicators.filter(area_id__in=below)
        measures = measures_in(measures, below)
        evaluations = evaluations.filter(treated_area_id__in=below)
    indicators = list(indicators.select_related("area").defer("area__geometry"))
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
    measures = measures.select_related("plan", "owner").order_by("plan__title", "start")
    out_measures = [
        {
            # A district's report names only the district's indicators: those it holds.
            "indicators": [
                i.name for i in linked_indicators(m) if below is None or i.area_id in below
            ],
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
    return plain(
        {
            "partnership": {"id": partnership.pk, "name": partnership.name},
            "area": None if area is None else {"id": area.pk, "name": area.name},
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
    partnership,
    tertial: str,
    user=None,
    *,
    area=None,
    analysis: str | None = None,
    request=None,
) -> TertialReport:
    """Create or regenerate the tertial report of a partnership, or of one of its areas
    with ``area`` (the analysis text is kept unless given)."""
    period = parse_tertial(tertial)
    report, created = TertialReport.objects.get_or_create(
        partnership=partnership,
        area=area,
        tertial=period.label,
        defaults={
            "period_start": period.first_day,
            "period_end": period.last_day,
            "created_by": user,
        },
    )
    report.snapshot = tertial_snapshot(partnership, period, area=area)
    if analysis is not None:
        report.analysis = analysis
    report.snapshot["analysis"] = report.analysis
    report.save()
    audit.record(
        audit.Action.TERTIAL_REPORT_CREATE if created else audit.Action.TERTIAL_REPORT_REGENERATE,
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
    audit.record(
        audit.Action.TERTIAL_REPORT_WRITE_ANALYSIS, actor=user, obj=report, request=request
    )
    return report
