"""Effect goals: their status against the baseline, and creating them."""

from __future__ import annotations

import math
from datetime import date

from django.db import transaction
from django.utils import timezone

from samverkan.analysis import change
from samverkan.analysis.result import plain
from samverkan.core import audit, periods
from samverkan.followup.models import Direction, EffectGoal, GoalStatus, Indicator
from samverkan.followup.services.counting import refresh_indicator

SIGNIFICANCE = 0.05


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
    :mod:`samverkan.incidents.currency`) never count: missing data is not a decrease.
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
            base_len = max(
                1, periods.months_between(goal.baseline_start, goal.baseline_end) // span
            )
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
    months = {periods.add_months(v.period_start, i) for v in values for i in range(v.months)}
    return any(
        all(periods.add_months(m, i) in months for i in range(4))
        for m in months
        if m.month in (1, 5, 9)
    )


def _finite(x):
    return x if isinstance(x, (int, float)) and math.isfinite(x) else None


def refresh_goal(goal: EffectGoal, today: date | None = None) -> EffectGoal:
    status, details = goal_status(goal, today)
    goal.status = status
    goal.status_details = plain(details)
    goal.save(update_fields=["status", "status_details"])
    return goal


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
        audit.Action.GOAL_CREATE,
        actor=user,
        obj=goal,
        request=request,
        details={"indicator": indicator.pk},
    )
    return goal
