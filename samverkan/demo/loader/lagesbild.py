"""An approved lägesbild of the demo month, shared with the reporters."""

from __future__ import annotations

from samverkan.demo.loader.world import DEMO_MONTH

OVERALL_ASSESSMENT = (
    "Bostadsbolagets och skolans rapporter om skadegörelse och klotter i Vivalla och "
    "Varberga blev fler under sommaren, flest i augusti. Polisens händelser på kommunnivå "
    "säger lite om just dessa platser. Gruppen bedömer att skadegörelsen hänger "
    "ihop med mörka gångstråk och samlingar kvällstid, och prioriterar klottersanering, "
    "belysning och vuxennärvaro under hösten. Nästa lägesbild följer upp effekten."
)


def load_situation(partnership, area, users, log=print):
    """The lägesbild of the demo month: assessed, approved and shared with reporters, and
    its aggregate version (small counts hidden) approved and shared upward, so that the
    county board's overview and network digest have Örebro's month to show.

    The group plans from the internal picture; ``/planer/`` lists the month once.
    """
    from samverkan.core import periods
    from samverkan.situation import services as situation
    from samverkan.situation.build import INTERNAL, SHARED
    from samverkan.situation.models import SituationReport

    coordinator = users["samordnare"]
    period = periods.parse(DEMO_MONTH, periods.MONTH)
    report = (
        SituationReport.objects.filter(
            partnership=partnership,
            area=area,
            period_type=period.type,
            period_label=period.label,
            audience=INTERNAL,
        )
        .order_by("-version")
        .first()
    )
    if report is None:
        report = situation.create_report(area, period, partnership, coordinator, INTERNAL)
        situation.save_assessment(report, situation.OVERALL, OVERALL_ASSESSMENT, coordinator)
        situation.save_assessment(
            report,
            "hotspots",
            "Rapporterna samlas kring Vivalla centrum, Varberga torg och Västhagaskolan: "
            "samma platser som i vårens trygghetsvandring.",
            coordinator,
        )
        situation.approve(report, coordinator)
        situation.share(report, coordinator)
        log(f"  Lägesbild {period.label}: fastställd och delad med rapportörerna")
    if not SituationReport.objects.filter(
        partnership=partnership, area=area, period_label=period.label, audience=SHARED
    ).exists():
        upward = situation.create_report(area, period, partnership, coordinator, SHARED)
        situation.save_assessment(upward, situation.OVERALL, OVERALL_ASSESSMENT, coordinator)
        situation.approve(upward, coordinator)
        situation.share(upward, coordinator)
        log(f"  Lägesbild {period.label}: aggregerad version delad uppåt (länet)")
    return report
