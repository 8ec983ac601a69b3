"""Effect goal status is computed with the change test (analysis.change), never from a bare
percentage. Each case is a worked example: the Poisson Z of Wheeler (2016) is
Z = (sqrt(current) - sqrt(B / m)) / sqrt(1/4 + 1/(4 m)) against the m baseline blocks
(two-sample square-root Z, Huffman 1984), flagged at |Z| >= 2 for one series."""

from __future__ import annotations

import math
from datetime import date

import pytest
from scipy import stats

from samverkan.followup import services
from samverkan.followup.models import EffectGoal, GoalStatus, Indicator, IndicatorValue


@pytest.fixture
def series(world):
    def make(values_by_month: dict[str, float], value_type="count", sizes=None):
        ind = Indicator.objects.create(
            partnership=world.p1,
            name="Serie",
            kind=Indicator.Kind.EXTERNAL,
            source=Indicator.Source.MANUAL,
            value_type=value_type,
            area=world.m1,
        )
        for label, value in values_by_month.items():
            y, m = (int(x) for x in label.split("-")) if "-" in label else (int(label), 1)
            IndicatorValue.objects.create(
                indicator=ind,
                period_start=date(y, m, 1),
                months=1 if "-" in label else 12,
                value=value,
                sample_size=(sizes or {}).get(label),
            )
        return ind

    return make


def months(year, values):
    return {f"{year}-{i + 1:02d}": v for i, v in enumerate(values)}


def goal(ind, **kw):
    fields = {
        "title": "Mål",
        "baseline_label": "2024",
        "baseline_start": date(2024, 1, 1),
        "baseline_end": date(2025, 1, 1),
        "direction": "decrease",
        "deadline": date(2026, 12, 31),
    }
    fields.update(kw)
    return EffectGoal.objects.create(indicator=ind, **fields)


TODAY = date(2025, 7, 15)


def test_reached_worked_example(series):
    # Baseline 2024: 10 a month (120). First half of 2025: 5 a month. The six latest
    # months (30) are compared with the baseline in blocks of six months (60, 60):
    # Z = (sqrt 30 - sqrt 60) / sqrt(3/8) = -3.705, a significant decrease; the yearly level
    # 30 * 12 / 6 = 60 meets the target 80.
    ind = series({**months(2024, [10] * 12), **months(2025, [5] * 6)})
    status, d = services.goal_status(goal(ind, target_value=80), TODAY)
    assert d["z"] == pytest.approx((math.sqrt(30) - math.sqrt(60)) / math.sqrt(3 / 8))
    assert d["z"] == pytest.approx(-3.7049, abs=1e-4)
    assert d["baseline_blocks"] == [60, 60]
    assert d["current"] == pytest.approx(60)
    assert status == GoalStatus.REACHED


def test_significant_but_target_not_met_is_on_track(series):
    ind = series({**months(2024, [10] * 12), **months(2025, [5] * 6)})
    status, d = services.goal_status(goal(ind, target_value=40), TODAY)
    assert d["flag"] == "decrease" and not d["target_met"]
    assert status == GoalStatus.ON_TRACK


def test_moving_the_right_way_not_yet_significant(series):
    # 9 a month: Z = (sqrt 54 - sqrt 60) / sqrt(3/8) = -0.65, not significant: on track.
    ind = series({**months(2024, [10] * 12), **months(2025, [9] * 6)})
    status, d = services.goal_status(goal(ind), TODAY)
    assert d["z"] == pytest.approx((math.sqrt(54) - math.sqrt(60)) / math.sqrt(3 / 8))
    assert d["flag"] is None
    assert status == GoalStatus.ON_TRACK


def test_wrong_way_is_off_track(series):
    # 15 a month: Z = (sqrt 90 - sqrt 60) / sqrt(3/8) = 2.84, a significant increase.
    ind = series({**months(2024, [10] * 12), **months(2025, [15] * 6)})
    status, d = services.goal_status(goal(ind), TODAY)
    assert d["z"] == pytest.approx((math.sqrt(90) - math.sqrt(60)) / math.sqrt(3 / 8))
    assert d["flag"] == "increase"
    assert status == GoalStatus.OFF_TRACK


def test_bare_percentage_is_not_enough(series):
    # A 20 % fall over a tertial (8 vs 10 a month) is no significant change: Z =
    # (sqrt 32 - sqrt 40) / sqrt(3/8) = -1.09; the goal is "on track", not "reached", although the
    # target of a 20 % cut is met on paper.
    ind = series({**months(2024, [10] * 12), **months(2025, [8] * 4)})
    status, d = services.goal_status(goal(ind, target_value=96), TODAY)
    assert d["target_met"] and d["flag"] is None
    assert status == GoalStatus.ON_TRACK


def test_deadline_passed_unreached_is_off_track(series):
    ind = series({**months(2024, [10] * 12), **months(2025, [9] * 6)})
    status, _ = services.goal_status(goal(ind, deadline=date(2025, 6, 30)), TODAY)
    assert status == GoalStatus.OFF_TRACK


def test_no_values_after_baseline(series):
    ind = series(months(2024, [10] * 12))
    status, d = services.goal_status(goal(ind), TODAY)
    assert status == GoalStatus.NO_DATA and d["reason"]


def test_typed_baseline_value_without_baseline_data(series):
    # Baseline typed in: 120 a year. Six months at 5: current 30 against 120 * 6 / 12 = 60.
    ind = series(months(2025, [5] * 6))
    status, d = services.goal_status(goal(ind, baseline_value=120.0), TODAY)
    assert d["baseline_blocks"] == [60.0]
    # One typed block: its noise counts as one period's (sqrt(1/4 + 1/4)).
    assert d["z"] == pytest.approx((math.sqrt(30) - math.sqrt(60)) / math.sqrt(0.5))
    assert status == GoalStatus.REACHED


def test_survey_share_uses_exact_test_with_sample_sizes(series):
    # 60 % of 1,000 feel safe in 2024, 70 % of 1,000 in 2025; the goal is to increase.
    # The exact conditional test of 700 vs 600 with equal exposures is the binomial test
    # of 700 successes in 1,300 trials at 1/2 (Przyborowski & Wilenski 1940).
    ind = series(
        {"2024": 60.0, "2025": 70.0}, value_type="share", sizes={"2024": 1000, "2025": 1000}
    )
    g = goal(ind, direction="increase", target_value=65)
    status, d = services.goal_status(g, TODAY)
    assert d["p"] == pytest.approx(stats.binomtest(700, 1300, 0.5).pvalue, rel=1e-9)
    assert d["current"] == 70.0 and d["baseline"] == pytest.approx(60.0)
    assert status == GoalStatus.REACHED


def test_survey_without_sample_size_is_not_judged(series):
    ind = series({"2024": 60.0, "2025": 70.0}, value_type="share")
    status, d = services.goal_status(goal(ind, direction="increase"), TODAY)
    assert status == GoalStatus.NO_DATA and "svarande" in d["reason"]


def test_create_goal_computes_baseline_and_writes_audit(world, series):
    from samverkan.core.models import AuditEvent

    ind = series({**months(2024, [10] * 12), **months(2025, [5] * 6)})
    g = services.create_goal(
        ind,
        world.users["coordinator"],
        title="Minska",
        baseline_label="2024",
        baseline_value=None,
        direction="decrease",
        target_value=None,
        deadline=date(2099, 1, 1),
    )
    assert g.baseline_value == 120
    assert (g.baseline_start, g.baseline_end) == (date(2024, 1, 1), date(2025, 1, 1))
    assert g.status == GoalStatus.REACHED
    assert AuditEvent.objects.filter(action="goal.create", object_id=str(g.pk)).exists()
