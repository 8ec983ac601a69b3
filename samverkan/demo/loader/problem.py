"""A problem with its cause analysis (problem triangle and event chain)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from samverkan.demo.loader.world import REPORT_PREFIX

PROBLEM_TITLE = "Ökad skadegörelse och klotter i Vivalla och Varberga"


def load_problem(partnership, area, report, users, log=print):
    """A problem from the lägesbild's vandalism finding, with its cause analysis."""
    from samverkan.incidents.models import Category, Incident
    from samverkan.incidents.services import REPORT_SOURCE
    from samverkan.plans import services as plans
    from samverkan.plans import workflow
    from samverkan.plans.forms import ProblemForm
    from samverkan.plans.models import CauseAnalysis, Problem

    coordinator = users["samordnare"]
    problem = Problem.objects.filter(partnership=partnership, title=PROBLEM_TITLE).first()
    if problem is None:
        row = plans.finding_from_report(report, "vandalism") or {"code": "vandalism"}
        form = ProblemForm(
            data={
                "partnership": partnership.pk,
                "title": PROBLEM_TITLE,
                "priority": 1,
                "description": (
                    "Klotter, krossade lampor och uppbrutna förråd i bostadsbolagets bestånd "
                    "och vid Västhagaskolan, mest kvällstid och helger."
                ),
                "area": area.pk,
                "category": Category.objects.get(code="vandalism").pk,
                "period_label": report.period_label,
                "evidence": (
                    f"Lägesbild {report.period_label}: {row.get('count', 0)} händelser med "
                    f"skadegörelse (föregående period {row.get('previous', '–')}, samma "
                    f"period året innan {row.get('last_year', '–')}). Rapporter från "
                    "bostadsbolaget och skolan."
                ),
                "incident_ids": "",
            },
            user=coordinator,
        )
        if not form.is_valid():
            raise ValueError(f"Demoproblemet: {form.errors.as_text()}")
        zone = ZoneInfo(settings.TIME_ZONE)
        problem = plans.save_form(
            form,
            coordinator,
            "problem.create",
            situation_report=report,
            figures={**row, "period": report.period_label, "report": report.pk},
            period_start=report.period_start.astimezone(zone).date(),
            period_end=(report.period_end.astimezone(zone) - timedelta(days=1)).date(),
        )
        evidence = Incident.objects.filter(
            source=REPORT_SOURCE,
            external_id__startswith=REPORT_PREFIX,
            category__code__startswith="vandalism",
        ).order_by("external_id")
        plans.link_incidents(problem, list(evidence), coordinator)
        plans.set_problem_status(problem, workflow.PRIORITISED, coordinator)
        log(f"  Problem: {PROBLEM_TITLE}")
    if not CauseAnalysis.objects.filter(problem=problem).exists():
        plans.save_cause_analysis(
            problem,
            coordinator,
            sides={
                "offender": {
                    "findings": "Mest ungdomar 14–19 år från området, i grupp, kvällstid.",
                    "sources": "Fältassistenter, skolan, polisens händelser",
                },
                "target": {
                    "findings": "Fasader, el-skåp, busskurar och trapphus utan tillsyn.",
                    "sources": "Bostadsbolagets felanmälningar",
                },
                "place": {
                    "findings": "Mörka gångstråk och skymda innergårdar; klotter som "
                    "får sitta kvar lockar till mer.",
                    "sources": "Trygghetsvandring april 2026",
                },
                "handler": {
                    "findings": "Få vuxna ute kvällstid; fritidsgården stänger kl. 21.",
                    "sources": "Medborgardialog",
                },
                "guardian": {
                    "findings": "Få boende ser eller anmäler; osäkerhet om vart man vänder sig.",
                    "sources": "Boendeenkät 2025",
                },
                "manager": {
                    "findings": "Saneringen tog i snitt nio dagar; belysningen lagas sent.",
                    "sources": "Bostadsbolaget, tekniska förvaltningen",
                },
            },
            staff_dialogue="Fastighetsskötare och skolvärdar ser samma grupper på samma "
            "platser; de efterfrågar snabb sanering och bättre belysning.",
            citizen_dialogue="Boende i Varberga undviker gångtunneln efter mörkrets inbrott.",
            conclusion="Angrip platsen (sanering, belysning) och öka vuxennärvaron kvällstid.",
            steps=[
                {
                    "stage": "need",
                    "description": "Uttråkning och status i gruppen.",
                    "intervention": "Fritidsledare och öppen verksamhet kvällstid.",
                },
                {
                    "stage": "acquisition",
                    "description": "Sprayburkar köps i närbutiker.",
                    "intervention": "Dialog med handlarna om åldersgräns.",
                },
                {
                    "stage": "approach",
                    "description": "Gruppen rör sig genom mörka gångstråk.",
                    "intervention": "Belysning och röjning av buskage.",
                },
                {
                    "stage": "act",
                    "description": "Klotter på fasader och el-skåp utan insyn.",
                    "intervention": "Vuxenvandringar, kamera vid hårt utsatta platser.",
                },
                {
                    "stage": "aftermath",
                    "description": "Klottret syns i veckor och ger status.",
                    "intervention": "Sanering inom 24 timmar.",
                },
            ],
        )
        plans.set_problem_status(problem, workflow.ANALYSED, coordinator)
        log("  Orsaksanalys med problemtriangel och händelsekedja")
    return problem
