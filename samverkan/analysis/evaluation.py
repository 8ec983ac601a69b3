"""Before/after evaluation of a measure against comparison areas, with displacement.

Counts of crime before and after in a treated (response) area, a comparison (control)
area and, for displacement, a buffer area around the treated one. All tests treat counts
as Poisson, as the cited papers do; with strongly over-dispersed counts the standard
errors are too small (the relative effect size takes an over-dispersion factor).

References
----------
Farrington, D. P., Gill, M., Waples, S. J., & Argomaniz, J. (2007). The effects of
closed-circuit television on crime: meta-analysis of an English national quasi-multi-site
evaluation. Journal of Experimental Criminology 3, 21-38.
Welsh, B. C., & Farrington, D. P. (2009). Public area CCTV and crime prevention: an updated
systematic review and meta-analysis. Justice Quarterly 26(4), 716-745.
Bowers, K. J., & Johnson, S. D. (2003). Measuring the geographical displacement and
diffusion of benefit effects of crime prevention activity. Journal of Quantitative
Criminology 19(3), 275-301.
Guerette, R. T. (2009). Analyzing crime displacement and diffusion. Problem-Oriented
Guides for Police, Problem-Solving Tools Series No. 10. Washington DC: COPS Office.
Wheeler, A. P., & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to
evaluate place based crime interventions. Crime Science 7:11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm

from samverkan.analysis.result import Result


@dataclass
class EffectSizeResult(Result):
    """Relative effect size; ``estimate`` is RES (> 1: crime fell in the treated area
    relative to the comparison area).

    Attributes
    ----------
    ci_low, ci_high : float
        Confidence interval of RES.
    log_res, se_log : float
        log RES and its standard error.
    relative_change : float
        1 / RES - 1: the change in the treated area relative to the comparison area
        (-0.2 means 20 % less crime than expected from the comparison area).
    """

    ci_low: float = float("nan")
    ci_high: float = float("nan")
    log_res: float = float("nan")
    se_log: float = float("nan")
    relative_change: float = float("nan")


@dataclass
class DifferenceResult(Result):
    """A difference of counts (DiD or WDD); ``estimate`` < 0 means crime fell.

    Attributes
    ----------
    se : float
        Standard error under the Poisson assumption.
    ci_low, ci_high : float
    local, local_se, displacement, displacement_se : float
        The treated-area part and the displacement-area part (WDD only; for DiD the
        displacement part is 0).
    """

    se: float = float("nan")
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    local: float = float("nan")
    local_se: float = float("nan")
    displacement: float = 0.0
    displacement_se: float = 0.0


@dataclass
class WDQResult(Result):
    """Weighted displacement quotient; ``estimate`` is the WDQ.

    Attributes
    ----------
    gross_effect : float
        GE = Rb - Ra (positive: fewer crimes in the response area).
    net_effect : float
        NE = Rb/Cb - Ra/Ca.
    success_measure : float
        Ra/Ca - Rb/Cb, the WDQ denominator (negative: the response worked).
    displacement_measure : float
        Da/Ca - Db/Cb, the WDQ numerator (positive: possible displacement, negative:
        possible diffusion of benefits).
    total_net_effect : float
        TNE = [Rb(Ca/Cb) - Ra] + [Db(Ca/Cb) - Da], crimes prevented net of displacement.
    interpretation : str
        Guerette's (2009, appendix C) reading of the WDQ.
    """

    gross_effect: float = float("nan")
    net_effect: float = float("nan")
    success_measure: float = float("nan")
    displacement_measure: float = float("nan")
    total_net_effect: float = float("nan")
    interpretation: str = ""


def _check_counts(**counts: float) -> None:
    for name, value in counts.items():
        if value is None or value < 0 or not math.isfinite(value):
            raise ValueError(f"{name} must be a non-negative count, got {value!r}")


def _two_sided(z: float) -> float:
    return float(2 * norm.sf(abs(z))) if math.isfinite(z) else float("nan")


def relative_effect_size(
    a: float,
    b: float,
    c: float,
    d: float,
    alpha: float = 0.05,
    overdispersion: float = 1.0,
) -> EffectSizeResult:
    """Relative effect size RES = (a d) / (b c) with a log-normal confidence interval.

    Parameters
    ----------
    a, b : float
        Crimes in the experimental (treated) area before and after.
    c, d : float
        Crimes in the comparison area before and after.
    alpha : float
        1 - confidence level.
    overdispersion : float
        Variance inflation factor D: var(log RES) is multiplied by it. Farrington et al.
        (2007) argue crime counts are over-dispersed; 1 is the plain Poisson variance.

    Returns
    -------
    EffectSizeResult
        With z = log RES / SE and its two-sided p.

    Notes
    -----
    var(log RES) = 1/a + 1/b + 1/c + 1/d (Farrington et al. 2007; Welsh & Farrington 2009),
    so every count must be positive.

    References
    ----------
    Farrington, Gill, Waples & Argomaniz (2007), J Exp Criminol 3, 21-38.
    """
    _check_counts(a=a, b=b, c=c, d=d)
    if min(a, b, c, d) == 0:
        raise ValueError("the relative effect size needs all four counts above zero")
    if overdispersion <= 0:
        raise ValueError("overdispersion must be positive")
    log_res = math.log(a) + math.log(d) - math.log(b) - math.log(c)
    se = math.sqrt(overdispersion * (1 / a + 1 / b + 1 / c + 1 / d))
    q = float(norm.ppf(1 - alpha / 2))
    z = log_res / se
    res = math.exp(log_res)
    return EffectSizeResult(
        estimate=res,
        z=z,
        p=_two_sided(z),
        method="Relative effect size (Farrington et al. 2007; Welsh & Farrington 2009)",
        parameters={
            "a": a,
            "b": b,
            "c": c,
            "d": d,
            "alpha": alpha,
            "overdispersion": overdispersion,
        },
        ci_low=math.exp(log_res - q * se),
        ci_high=math.exp(log_res + q * se),
        log_res=log_res,
        se_log=se,
        relative_change=1 / res - 1,
    )


def _difference(
    local: float,
    local_var: float,
    disp: float,
    disp_var: float,
    alpha: float,
    method: str,
    params: dict,
) -> DifferenceResult:
    total = local + disp
    se = math.sqrt(local_var + disp_var)
    z = total / se if se > 0 else float("nan")
    q = float(norm.ppf(1 - alpha / 2))
    return DifferenceResult(
        estimate=total,
        z=z,
        p=_two_sided(z),
        method=method,
        parameters=params,
        se=se,
        ci_low=total - q * se,
        ci_high=total + q * se,
        local=local,
        local_se=math.sqrt(local_var),
        displacement=disp,
        displacement_se=math.sqrt(disp_var),
    )


def difference_in_differences(
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    alpha: float = 0.05,
) -> DifferenceResult:
    """Difference in differences of counts: (T1 - T0) - (C1 - C0).

    The Poisson variance of the four counts is their sum, as in the WDD without
    displacement areas (Wheeler & Ratcliffe 2018). Negative: crime fell in the treated
    area by more than the comparison area suggests.

    References
    ----------
    Wheeler & Ratcliffe (2018), Crime Science 7:11.
    """
    _check_counts(
        treated_before=treated_before,
        treated_after=treated_after,
        control_before=control_before,
        control_after=control_after,
    )
    local = (treated_after - treated_before) - (control_after - control_before)
    variance = treated_before + treated_after + control_before + control_after
    params = {
        "treated_before": treated_before,
        "treated_after": treated_after,
        "control_before": control_before,
        "control_after": control_after,
        "alpha": alpha,
    }
    return _difference(
        local,
        variance,
        0.0,
        0.0,
        alpha,
        "Difference in differences of Poisson counts (Wheeler & Ratcliffe 2018)",
        params,
    )


def weighted_displacement_difference(
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    displacement_before: float = 0,
    displacement_after: float = 0,
    displacement_control_before: float = 0,
    displacement_control_after: float = 0,
    alpha: float = 0.05,
) -> DifferenceResult:
    """Weighted displacement difference WDD = dT - dCt + dD - dCd, with standard error.

    d is after minus before; T the treated area, Ct its control, D the displacement
    (buffer) area and Cd its control. Var(WDD) is the sum of all eight counts (Poisson).
    Negative: crimes prevented, net of displacement.

    References
    ----------
    Wheeler & Ratcliffe (2018), A simple weighted displacement difference test to evaluate
    place based crime interventions, Crime Science 7:11.
    """
    _check_counts(
        treated_before=treated_before,
        treated_after=treated_after,
        control_before=control_before,
        control_after=control_after,
        displacement_before=displacement_before,
        displacement_after=displacement_after,
        displacement_control_before=displacement_control_before,
        displacement_control_after=displacement_control_after,
    )
    local = (treated_after - treated_before) - (control_after - control_before)
    local_var = treated_before + treated_after + control_before + control_after
    disp = (displacement_after - displacement_before) - (
        displacement_control_after - displacement_control_before
    )
    disp_var = (
        displacement_before
        + displacement_after
        + displacement_control_before
        + displacement_control_after
    )
    params = {
        "treated_before": treated_before,
        "treated_after": treated_after,
        "control_before": control_before,
        "control_after": control_after,
        "displacement_before": displacement_before,
        "displacement_after": displacement_after,
        "displacement_control_before": displacement_control_before,
        "displacement_control_after": displacement_control_after,
        "alpha": alpha,
    }
    return _difference(
        local,
        local_var,
        disp,
        disp_var,
        alpha,
        "Weighted displacement difference (Wheeler & Ratcliffe 2018)",
        params,
    )


def _interpret_wdq(wdq: float, success: float) -> str:
    if not math.isfinite(wdq):
        return "undefined: no change in the response area relative to the control area"
    if success >= 0:
        return "the response was not successful relative to the control area"
    if wdq > 1:
        return "diffusion of benefits greater than the direct effect"
    if wdq > 0:
        return "diffusion of benefits"
    if wdq == 0:
        return "no displacement or diffusion"
    if wdq >= -1:
        return "displacement smaller than the direct effect: a net benefit remains"
    return "displacement greater than the direct effect: the benefit is erased"


def weighted_displacement_quotient(
    response_before: float,
    response_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
) -> WDQResult:
    """Weighted displacement quotient with gross, net and total net effects.

    WDQ = (Da/Ca - Db/Cb) / (Ra/Ca - Rb/Cb), where R is the response area, D the buffer
    (displacement) area, C the control area, b before and a after. A positive WDQ
    indicates diffusion of benefits, a negative one displacement (below -1 the
    displacement outweighs the direct effect). The total net effect counts crimes
    prevented in the response and buffer areas together, relative to the control trend.

    References
    ----------
    Bowers & Johnson (2003), J Quant Criminol 19(3), 275-301; Guerette (2009), Analyzing
    crime displacement and diffusion, POP tool guide 10, appendices B and C.
    """
    rb, ra, db, da, cb, ca = (
        response_before,
        response_after,
        buffer_before,
        buffer_after,
        control_before,
        control_after,
    )
    _check_counts(
        response_before=rb,
        response_after=ra,
        buffer_before=db,
        buffer_after=da,
        control_before=cb,
        control_after=ca,
    )
    if cb == 0 or ca == 0:
        raise ValueError("the control area needs crimes in both periods")
    success = ra / ca - rb / cb
    displacement = da / ca - db / cb
    wdq = displacement / success if success != 0 else float("nan")
    trend = ca / cb
    tne = (rb * trend - ra) + (db * trend - da)
    return WDQResult(
        estimate=wdq,
        method="Weighted displacement quotient (Bowers & Johnson 2003; Guerette 2009)",
        parameters={
            "response_before": rb,
            "response_after": ra,
            "buffer_before": db,
            "buffer_after": da,
            "control_before": cb,
            "control_after": ca,
        },
        gross_effect=rb - ra,
        net_effect=rb / cb - ra / ca,
        success_measure=success,
        displacement_measure=displacement,
        total_net_effect=tne,
        interpretation=_interpret_wdq(wdq, success),
    )


__all__ = [
    "DifferenceResult",
    "EffectSizeResult",
    "WDQResult",
    "difference_in_differences",
    "relative_effect_size",
    "weighted_displacement_difference",
    "weighted_displacement_quotient",
]
