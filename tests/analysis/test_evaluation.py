"""Before/after evaluation, each against a published or hand-computed worked example."""

from __future__ import annotations

import math

import pytest

from samverkan.analysis.evaluation import (
    difference_in_differences,
    relative_effect_size,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)
from samverkan.analysis.result import Result


def test_relative_effect_size_hand_computed():
    """Formulas of Farrington, Gill, Waples & Argomaniz (2007), hand-computed example.

    a = 100 before, b = 60 after in the experimental area; c = 120, d = 100 in the
    comparison area. RES = 100 * 100 / (60 * 120) = 1.3889; var(log RES) =
    1/100 + 1/60 + 1/120 + 1/100 = 0.045, SE = 0.21213; 95 % CI = exp(0.32850 -+ 1.95996 *
    0.21213) = 0.9164 to 2.1050; z = 1.5486, p = 0.1215. Crime in the experimental area is
    1/1.3889 - 1 = 28 % lower than the comparison area predicts.
    """
    res = relative_effect_size(100, 60, 120, 100)
    assert isinstance(res, Result)
    assert res.estimate == pytest.approx(1.388889, abs=1e-6)
    assert res.se_log == pytest.approx(math.sqrt(0.045))
    assert res.ci_low == pytest.approx(0.9164, abs=1e-4)
    assert res.ci_high == pytest.approx(2.1050, abs=1e-4)
    assert res.z == pytest.approx(1.5486, abs=1e-4)
    assert res.p == pytest.approx(0.1215, abs=1e-4)
    assert res.relative_change == pytest.approx(-0.28)
    inflated = relative_effect_size(100, 60, 120, 100, overdispersion=4)
    assert inflated.se_log == pytest.approx(2 * res.se_log)
    with pytest.raises(ValueError):
        relative_effect_size(0, 1, 1, 1)


def test_difference_in_differences_poisson():
    """Treated 100 -> 80, control 100 -> 90: DiD = -20 - (-10) = -10, SE = sqrt(370)."""
    res = difference_in_differences(100, 80, 100, 90)
    assert res.estimate == -10
    assert res.se == pytest.approx(math.sqrt(370))
    assert res.p == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(10 / math.sqrt(370) / 2**0.5))))


def test_wdd_wheeler_example():
    """Wheeler's worked example (crimede-coder.com/blogposts/2025/WDDExtensions, the WDD of
    Wheeler & Ratcliffe 2018): control 100 -> 90, treated 100 -> 80: 10 crimes prevented,
    standard error 19 (sqrt(370) = 19.24)."""
    res = weighted_displacement_difference(100, 80, 100, 90)
    assert res.estimate == -10
    assert round(res.se) == 19
    assert res.ci_low == pytest.approx(-10 - 1.959964 * math.sqrt(370), abs=1e-4)


def test_wdd_with_displacement_areas_hand_computed():
    """Wheeler & Ratcliffe (2018) formula: WDD = dT - dCt + dD - dCd, Var = sum of counts.

    T 60 -> 40, Ct 50 -> 45, D 30 -> 35, Cd 40 -> 38: local = -20 + 5 = -15, displacement =
    5 + 2 = 7, WDD = -8; variance = 60+40+50+45 + 30+35+40+38 = 338.
    """
    res = weighted_displacement_difference(60, 40, 50, 45, 30, 35, 40, 38)
    assert (res.local, res.displacement, res.estimate) == (-15, 7, -8)
    assert res.se == pytest.approx(math.sqrt(338))
    assert res.local_se == pytest.approx(math.sqrt(195))
    assert res.z == pytest.approx(-8 / math.sqrt(338))


def test_wdq_and_total_net_effect_hand_computed():
    """Formulas of Bowers & Johnson (2003) and Guerette (2009, appendix B), by hand.

    Response 100 -> 60, buffer 80 -> 70, control 500 -> 450.
    Success measure = 60/450 - 100/500 = -0.066667; displacement measure = 70/450 - 80/500
    = -0.004444; WDQ = 0.066667 (positive: diffusion of benefits). GE = 40, NE = 100/500 -
    60/450 = 0.066667. TNE = [100 * 0.9 - 60] + [80 * 0.9 - 70] = 30 + 2 = 32.
    """
    res = weighted_displacement_quotient(100, 60, 80, 70, 500, 450)
    assert res.success_measure == pytest.approx(-0.0666667, abs=1e-6)
    assert res.displacement_measure == pytest.approx(-0.0044444, abs=1e-6)
    assert res.estimate == pytest.approx(0.0666667, abs=1e-6)
    assert res.gross_effect == 40
    assert res.net_effect == pytest.approx(0.0666667, abs=1e-6)
    assert res.total_net_effect == pytest.approx(32)
    assert res.interpretation == "diffusion of benefits"
    displaced = weighted_displacement_quotient(100, 60, 80, 120, 500, 450)
    assert displaced.estimate < -1 and "erased" in displaced.interpretation
    with pytest.raises(ValueError):
        weighted_displacement_quotient(1, 1, 1, 1, 0, 1)
