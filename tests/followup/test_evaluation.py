"""Evaluations of measures: counts from the partnership's incidents, statistics from
analysis.evaluation, checked against worked examples computed by hand from the formulas of
Farrington et al. (2007), Bowers & Johnson (2003) / Guerette (2009) and Wheeler & Ratcliffe
(2018)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from scipy import stats

from samverkan.followup import pdf, services
from samverkan.followup.models import Design, Evaluation

COUNTS = {
    "treated_before": 100,
    "treated_after": 60,
    "comparison_before": 100,
    "comparison_after": 90,
    "buffer_before": 50,
    "buffer_after": 55,
}


def test_worked_example_with_buffer():
    r = services.compute_results(Design.BUFFER, COUNTS, 365, 365)
    # RES = (a d) / (b c) = 100 * 90 / (60 * 100) = 1.5;
    # var log RES = 1/100 + 1/60 + 1/100 + 1/90 = 0.0477778, 95 % CI exp(ln 1.5 +- 1.96 se).
    se = math.sqrt(1 / 100 + 1 / 60 + 1 / 100 + 1 / 90)
    assert r["res"]["estimate"] == pytest.approx(1.5)
    assert r["res"]["ci_low"] == pytest.approx(1.5 * math.exp(-1.959964 * se), rel=1e-6)
    assert r["res"]["ci_high"] == pytest.approx(1.5 * math.exp(1.959964 * se), rel=1e-6)
    assert r["res"]["ci_low"] == pytest.approx(0.9773, abs=1e-4)
    # WDQ = (Da/Ca - Db/Cb) / (Ra/Ca - Rb/Cb) = (55/90 - 50/100) / (60/90 - 100/100) = -1/3.
    assert r["wdq"]["estimate"] == pytest.approx(-1 / 3)
    assert r["wdq"]["interpretation"].startswith("displacement smaller")
    # TNE = [Rb (Ca/Cb) - Ra] + [Db (Ca/Cb) - Da] = (90 - 60) + (45 - 55) = 20.
    assert r["wdq"]["total_net_effect"] == pytest.approx(20)
    # WDD = (60 - 100) - (90 - 100) + (55 - 50) - (90 - 100) = -15, var = sum of 8 counts.
    assert r["wdd"]["estimate"] == pytest.approx(-15)
    assert r["wdd"]["se"] == pytest.approx(math.sqrt(100 + 60 + 100 + 90 + 50 + 55 + 100 + 90))
    # DiD = (60 - 100) - (90 - 100) = -30.
    assert r["did"]["estimate"] == pytest.approx(-30)
    # Before/after in the treated area: exact test of 60 vs 100 with equal exposure is the
    # binomial test of 60 in 160 at 1/2.
    assert r["before_after"]["p"] == pytest.approx(stats.binomtest(60, 160, 0.5).pvalue)
    # The sentence is Swedish, numbers included.
    assert "relativ effektstorlek 1,50 (95 % KI 0,98–2,30)" in r["summary"]
    assert "WDQ −0,33" in r["summary"] and "total nettoeffekt 20,0" in r["summary"]


def test_before_after_periods_of_different_length():
    counts = {"treated_before": 40, "treated_after": 10}
    r = services.compute_results(Design.BEFORE_AFTER, counts, 200, 100)
    # Rates per day: 10/100 vs 40/200, ratio 0.5; p from Binomial(50, 100/300).
    assert r["before_after"]["estimate"] == pytest.approx(0.5)
    assert r["before_after"]["p"] == pytest.approx(stats.binomtest(10, 50, 1 / 3).pvalue)
    assert "res" not in r and "wdq" not in r


def test_zero_counts_are_explained_not_crashing():
    counts = dict(COUNTS, treated_after=0)
    r = services.compute_results(Design.COMPARISON, counts, 365, 365)
    assert "res" not in r and any("effektstorlek" in n for n in r["notes"])


@pytest.fixture
def measure(world):
    from samverkan.plans.models import ActionPlan, Measure

    plan = ActionPlan.objects.create(
        partnership=world.p1, title="Plan", start_year=2025, end_year=2025
    )
    return Measure.objects.create(
        plan=plan,
        title="Kameror vid torget",
        target_side="place",
        owner=world.kommun,
        start=date(2025, 4, 1),
        end=date(2025, 6, 30),
    )


def test_counts_from_incidents_in_local_time(world, measure, add_incidents):
    # 23:30 on 31 March Stockholm time (21:30 UTC) is still March: in the before period.
    add_incidents(world.m1, [datetime(2025, 3, 31, 23, 30)] * 3)
    add_incidents(world.m1, [datetime(2025, 4, 1, 0, 30)] * 2)
    add_incidents(world.m2, [datetime(2025, 3, 10, 12)] * 4 + [datetime(2025, 4, 10, 12)] * 5)
    add_incidents(world.m1, [datetime(2025, 4, 2, 12)], code="fire")  # another category
    ev = Evaluation(
        measure=measure,
        title="Kameror",
        design=Design.COMPARISON,
        treated_area=world.m1,
        comparison_area=world.m2,
        before_start=date(2025, 3, 1),
        before_end=date(2025, 3, 31),
        after_start=date(2025, 4, 1),
        after_end=date(2025, 4, 30),
    )
    from samverkan.incidents.models import Category

    services.save_evaluation(
        ev, world.users["coordinator"], categories=[Category.objects.get(code="vandalism")]
    )
    # All are reported by Norrby kommun and shared with its partnership, wherever they are.
    assert ev.counts["treated_before"] == 3 and ev.counts["treated_after"] == 2
    assert ev.counts["comparison_before"] == 4 and ev.counts["comparison_after"] == 5
    assert ev.results["res"]["estimate"] == pytest.approx(3 * 5 / (2 * 4))
    assert ev.partnership_id == world.p1.pk


def test_design_needs_its_areas(world, measure):
    ev = Evaluation(
        measure=measure,
        title="x",
        design=Design.BUFFER,
        treated_area=world.m1,
        comparison_area=world.m2,
        before_start=date(2025, 1, 1),
        before_end=date(2025, 3, 31),
        after_start=date(2025, 4, 1),
        after_end=date(2025, 6, 30),
    )
    with pytest.raises(ValueError, match="buffertzon"):
        services.save_evaluation(ev, world.users["coordinator"])
    assert not Evaluation.objects.exists()


def test_evaluation_pdf_and_experience_entry(world, measure):
    ev = Evaluation(
        measure=measure,
        title="Utvärdering av kameror mot inbrott",
        design=Design.BEFORE_AFTER,
        treated_area=world.m1,
        before_start=date(2024, 4, 1),
        before_end=date(2024, 6, 30),
        after_start=date(2025, 4, 1),
        after_end=date(2025, 6, 30),
        conclusion="Inga säkra slutsatser.",
    )
    services.save_evaluation(ev, world.users["coordinator"])
    body = pdf.evaluation_pdf(ev)
    assert body.startswith(b"%PDF")
    entry = services.entry_from_evaluation(ev, world.users["coordinator"])
    assert entry.origin == "evaluation" and entry.partnership_id == world.p1.pk
    assert "Inga säkra slutsatser." in entry.effect_summary
    # Making it again updates the same entry.
    again = services.entry_from_evaluation(ev, world.users["coordinator"], public=True)
    assert again.pk == entry.pk and again.public


@pytest.mark.parametrize(
    "counts",
    [COUNTS, dict.fromkeys(COUNTS, 0), dict(COUNTS, comparison_after=0)],
    ids=["worked-example", "all-zero", "no-comparison-after"],
)
def test_the_page_reads_the_results_in_swedish(world, measure, client_for, counts):
    """The analysis library writes its methods, its reading of the WDQ and its refusals in
    English; the page showed them so ("displacement smaller than the direct effect"), and
    an undefined value as an empty cell ("p = ")."""
    from django.urls import reverse

    from samverkan.followup.result_texts import TEXTS
    from tests.plans.districts import add_districts

    dw = add_districts(world)
    ev = Evaluation(
        measure=measure,
        title="Belysningens effekt",
        design=Design.BUFFER,
        treated_area=dw.yard,
        comparison_area=dw.east,
        buffer_area=dw.west,
        before_start=date(2024, 4, 1),
        before_end=date(2024, 6, 30),
        after_start=date(2025, 4, 1),
        after_end=date(2025, 6, 30),
    )
    services.save_evaluation(ev, world.users["coordinator"], manual_counts=counts)
    client = client_for(world.users["coordinator"])
    html = client.get(reverse("followup-evaluation", args=[ev.pk])).content.decode()
    for english in TEXTS:
        if english[0].islower() or english.split()[0] in ("Exact", "Relative", "Weighted"):
            assert english not in html, english
    assert "p = <" not in html and "p = ," not in html and "KI  –" not in html
    assert "Viktad förflyttningsskillnad (Wheeler &amp; Ratcliffe 2018)" in html
    if counts is COUNTS:
        assert "förflyttning, mindre än den direkta effekten: en nettovinst kvarstår" in html
        assert "Viktad förflyttningskvot (Bowers &amp; Johnson 2003; Guerette 2009)" in html
    else:
        assert "kunde inte beräknas: " in html
    if not any(counts.values()):
        assert "p = –" in html


def test_every_text_the_analysis_writes_has_its_translation():
    """A reading or method added to analysis.evaluation without a translation would show
    in English again: every one it can write is a key of result_texts.TEXTS."""
    from samverkan.analysis.evaluation import _interpret_wdq
    from samverkan.followup.result_texts import TEXTS

    readings = {
        _interpret_wdq(wdq, success)
        for wdq, success in [
            (math.nan, 0.0),
            (0.5, 0.1),
            (1.5, -0.1),
            (0.5, -0.1),
            (0.0, -0.1),
            (-0.5, -0.1),
            (-1.5, -0.1),
        ]
    }
    assert len(readings) == 7 and readings <= set(TEXTS)
    r = services.compute_results(Design.BUFFER, COUNTS, 365, 365)
    methods = {r[k]["method"] for k in ("before_after", "res", "did", "wdq", "wdd")}
    assert methods <= set(TEXTS)
    zero = services.compute_results(Design.BUFFER, dict.fromkeys(COUNTS, 0), 365, 365)
    for note in zero["notes"]:
        assert any(known in note for known in TEXTS if known[0].islower()), note
