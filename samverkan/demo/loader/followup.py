"""Follow-up: an indicator with an effect goal, an evaluation, an experience-bank entry and a
tertial report.
"""

from __future__ import annotations

from datetime import date

from samverkan.core.models import Area, Organisation
from samverkan.demo.loader.plan import MEASURES
from samverkan.demo.loader.world import COMPARISON_MUNICIPALITY, DEMO_TERTIAL

INDICATOR_NAME = "Skadegörelse i Örebro kommun"
GOAL_CUT_PERCENT = 10
GOAL_TITLE = f"Skadegörelsen i Örebro minskar med {GOAL_CUT_PERCENT} % till 2027"


def load_indicator(partnership, area, users, log=print):
    """An incident indicator for vandalism with an effect goal."""
    from samverkan.followup import services as followup
    from samverkan.followup.models import Direction, Indicator
    from samverkan.incidents.models import Category

    coordinator = users["samordnare"]
    indicator = Indicator.objects.filter(partnership=partnership, name=INDICATOR_NAME).first()
    if indicator is None:
        indicator = followup.create_indicator(
            partnership,
            coordinator,
            name=INDICATOR_NAME,
            description="Polisens händelser och partnernas rapporter om skadegörelse och "
            "klotter, per månad.",
            kind=Indicator.Kind.INCIDENTS,
            area=area,
            categories=[Category.objects.get(code="vandalism")],
        )
        log(f"  Indikator: {INDICATOR_NAME}")
    if not indicator.goals.filter(title=GOAL_TITLE).exists():
        baseline = followup.count_incidents(
            area, date(2025, 1, 1), date(2025, 12, 31), partnership=partnership, codes=["vandalism"]
        )
        followup.create_goal(
            indicator,
            coordinator,
            title=GOAL_TITLE,
            baseline_label="2025",
            direction=Direction.DECREASE,
            # The title's percentage of the stored baseline, not rounded to a whole count
            # (a small baseline would otherwise make "10 %" a cut of 14 %).
            target_value=round(baseline * (1 - GOAL_CUT_PERCENT / 100), 1) if baseline else None,
            deadline=date(2027, 12, 31),
        )
        log(f"  Effektmål: {GOAL_TITLE}")
    return indicator


EVALUATION_TITLE = "Utvärdering: klottersanering inom 24 timmar"


def load_evaluation(partnership, area, plan, users, log=print) -> None:
    """The first measure evaluated against a comparison municipality, into the bank."""
    from samverkan.followup import services as followup
    from samverkan.followup.models import Design, Evaluation
    from samverkan.incidents.models import Category

    coordinator = users["samordnare"]
    measure = plan.measures.get(title=MEASURES[0].title)
    if Evaluation.objects.filter(measure=measure, title=EVALUATION_TITLE).exists():
        return
    comparison = Area.objects.get(country="SE", level="municipality", code=COMPARISON_MUNICIPALITY)
    before = (date(2024, 9, 1), date(2025, 8, 31))
    after = (date(2025, 9, 1), date(2026, 8, 31))
    # The comparison municipality lies outside the partnership: its counts are taken from
    # the police's published events directly, as an evaluator would type them in.
    manual = {
        f"comparison_{when}": followup.count_incidents(comparison, *span, codes=["vandalism"])
        for when, span in (("before", before), ("after", after))
    }
    ev = Evaluation(
        measure=measure,
        title=EVALUATION_TITLE,
        design=Design.COMPARISON,
        treated_area=area,
        comparison_area=comparison,
        before_start=before[0],
        before_end=before[1],
        after_start=after[0],
        after_end=after[1],
        conclusion="Snabb sanering är billig och uppskattad av boende. Efterperioden "
        "innehåller bostadsbolagets och skolans rapporter, som förperioden saknar: "
        "jämförelsen med Västerås säger därför mer om att rapporteringen kom igång än om "
        "insatsens effekt. Gruppen upprepar utvärderingen när ett helt år med rapporter finns.",
        limitations="Partnerna rapporterar i plattformen först från maj 2026 "
        "(rapporteringseffekt). Polisens publicerade händelser är ett urval och placeras på "
        "kommunnivå; insatsen gäller bara en del av kommunen. Jämförelsetalen för Västerås "
        "är hämtade ur polisens händelser.",
    )
    followup.save_evaluation(
        ev, coordinator, categories=[Category.objects.get(code="vandalism")], manual_counts=manual
    )
    followup.entry_from_evaluation(ev, coordinator, shared=True, public=False)
    log(f"  {EVALUATION_TITLE} (med jämförelseområde), i erfarenhetsbanken")


BURGLARY_ENTRY = "Grannsamverkan och stöldmärkning mot inbrott i flerbostadshus"


def load_experience(partnership, users, log=print) -> None:
    """A hand-written experience entry about burglary prevention, shared and public."""
    from samverkan.followup import services as followup
    from samverkan.followup.models import ExperienceEntry
    from samverkan.incidents.models import Category

    if ExperienceEntry.objects.filter(title=BURGLARY_ENTRY, partnership=partnership).exists():
        return
    entry = ExperienceEntry(
        title=BURGLARY_ENTRY,
        problem_type="Inbrott i lägenheter och förråd",
        method="Grannsamverkan, stöldmärkning, inbrottsskyddade förrådsdörrar",
        setting="Flerbostadshus, Baronbackarna",
        description="Kommunpolisen och bostadsbolaget startade grannsamverkan i tre "
        "kvarter efter en serie förrådsinbrott. Boende fick stöldmärkning, information om "
        "inbrottsskydd och en kontaktperson per trappuppgång; de mest utsatta förråden fick "
        "nya dörrar. Upprepade inbrott på samma adress följdes upp inom en vecka "
        "(near repeat).",
        effect_summary="Färre förrådsinbrott i kvarteren än året innan enligt bostadsbolagets "
        "felanmälningar; ingen formell utvärdering ännu. Metaanalyser av grannsamverkan "
        "tyder på en måttlig minskning av brott (Bennett, Holloway & Farrington 2008).",
        cost="Cirka 80 000 kr för märkning och information; dörrbyten i underhållsbudgeten",
        contacts="Kommunpolisen, Lokalpolisområde Örebro",
        partnership=partnership,
        organisation=Organisation.objects.get(name="Lokalpolisområde Örebro"),
        shared=True,
        public=True,
    )
    followup.save_entry(
        entry, users["kommunpolis"], categories=[Category.objects.get(code="theft.burglary")]
    )
    log(f"  Erfarenhetsbanken: {BURGLARY_ENTRY}")


def load_tertial(partnership, users, log=print) -> None:
    """The tertial report for May-August 2026, generated once."""
    from samverkan.followup import services as followup
    from samverkan.followup.models import TertialReport

    whole = TertialReport.objects.filter(partnership=partnership, area=None, tertial=DEMO_TERTIAL)
    if whole.exists():
        return
    followup.generate_tertial_report(
        partnership,
        DEMO_TERTIAL,
        users["samordnare"],
        analysis="Klottersaneringen håller tiden och belysningen är klar. Skadegörelsen "
        "ökade ändå i augusti; gruppen följer upp effektmålet i nästa tertial och "
        "förstärker vuxenvandringarna under hösten.",
    )
    log(f"  Tertialrapport {DEMO_TERTIAL}")
