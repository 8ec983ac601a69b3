"""Evaluations of measures: counts before and after, and their statistics."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from samverkan.analysis import change, evaluation
from samverkan.analysis.result import plain
from samverkan.core import audit
from samverkan.followup import evaluation_areas
from samverkan.followup.models import Design, Evaluation
from samverkan.followup.services.counting import count_incidents

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
    return plain(out)


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
            f"relativ effektstorlek {_sv(res['estimate'], 2)} "
            f"(95 % KI {_sv(res['ci_low'], 2)}–{_sv(res['ci_high'], 2)}), "
            f"{abs(rc) * 100:.0f} % {'färre' if rc < 0 else 'fler'} än jämförelseområdet antyder"
        )
    wdq = results.get("wdq")
    if wdq:
        est = wdq.get("estimate")
        parts.append(f"WDQ {_sv(est, 2)}" if est is not None else "WDQ ej definierad")
        parts.append(f"total nettoeffekt {_sv(wdq['total_net_effect'], 1)} förhindrade brott")
    return "; ".join(parts) + "."


def _sv(value: float, decimals: int) -> str:
    # A Swedish sentence writes a decimal comma and a real minus sign: "−0,33".
    return f"{value:.{decimals}f}".replace(".", ",").replace("-", "\u2212")


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
        audit.Action.EVALUATION_CREATE if created else audit.Action.EVALUATION_UPDATE,
        actor=user,
        obj=ev,
        request=request,
        details={"measure": ev.measure_id},
    )
    return ev
