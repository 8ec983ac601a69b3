"""Demo organisations, partnerships, users and data, created idempotently.

``samverkan load_demo`` calls :func:`load`; running it twice changes nothing.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from samverkan import demo_data
from samverkan.core.area_import import import_areas
from samverkan.core.models import Area, Membership, Organisation, Partnership
from samverkan.core.roles import Role
from samverkan.demo import districts as demo_districts

if TYPE_CHECKING:
    from samverkan.incidents.ingest import IncidentRow

DEMO_MUNICIPALITY = "1880"  # Örebro
DEMO_COUNTY = "18"
OTHER_MUNICIPALITY = "1780"  # Karlstad: a second partnership, to show what others cannot see

ORGANISATIONS = [
    ("Örebro kommun", Organisation.Kind.MUNICIPALITY, "212000-1967"),
    ("Lokalpolisområde Örebro", Organisation.Kind.POLICE, "202100-0076"),
    ("Bostadsbolaget Hemby AB (demo)", Organisation.Kind.HOUSING, ""),
    ("Västhagaskolan (demo)", Organisation.Kind.SCHOOL, ""),
    ("Länsstyrelsen i Örebro län", Organisation.Kind.COUNTY_BOARD, "202100-2346"),
    ("Karlstads kommun", Organisation.Kind.MUNICIPALITY, "212000-1850"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    password: str


USERS = [
    DemoUser(
        "rapportor",
        "Rita",
        "Rapportör",
        "Bostadsbolaget Hemby AB (demo)",
        Role.REPORTER,
        "demo-rapportor",
    ),
    DemoUser(
        "rapportor-skola",
        "Sam",
        "Skolvärd",
        "Västhagaskolan (demo)",
        Role.REPORTER,
        "demo-rapportor",
    ),
    DemoUser(
        "samordnare", "Sara", "Samordnare", "Örebro kommun", Role.COORDINATOR, "demo-samordnare"
    ),
    DemoUser(
        "kommunpolis",
        "Kim",
        "Kommunpolis",
        "Lokalpolisområde Örebro",
        Role.COORDINATOR,
        "demo-kommunpolis",
    ),
    DemoUser("styrgrupp", "Stig", "Styrgrupp", "Örebro kommun", Role.STEERING, "demo-styrgrupp"),
    DemoUser(
        "handlaggare",
        "Hanna",
        "Handläggare",
        "Lokalpolisområde Örebro",
        Role.CASE_OFFICER,
        "demo-handlaggare",
    ),
    DemoUser(
        "arendechef",
        "Åsa",
        "Ärendechef",
        "Lokalpolisområde Örebro",
        Role.CASE_SUPERVISOR,
        "demo-arendechef",
    ),
    DemoUser("orgadmin", "Olle", "Orgadmin", "Örebro kommun", Role.ORG_ADMIN, "demo-orgadmin"),
    DemoUser(
        "lansstyrelsen",
        "Lena",
        "Länsstyrelsen",
        "Länsstyrelsen i Örebro län",
        Role.REGIONAL_VIEWER,
        "demo-lansstyrelsen",
    ),
    DemoUser("karlstad", "Karl", "Karlstad", "Karlstads kommun", Role.COORDINATOR, "demo-karlstad"),
    DemoUser("admin", "Ada", "Admin", "Örebro kommun", Role.SYSTEM_ADMIN, "demo-admin"),
]


def load_areas(log=print) -> None:
    """Swedish and Norwegian counties and municipalities from the bundled files."""
    steps = [
        ("SE", "county", demo_data.SE_COUNTIES, None, None),
        ("SE", "municipality", demo_data.SE_MUNICIPALITIES, "county", "county_code"),
        ("NO", "county", demo_data.NO_COUNTIES, None, None),
        ("NO", "municipality", demo_data.NO_MUNICIPALITIES, "county", "county_code"),
    ]
    for country, level, name, parent_level, parent_field in steps:
        report = import_areas(
            demo_data.path(name),
            level=level,
            code_field="code",
            name_field="name",
            country=country,
            parent_level=parent_level,
            parent_field=parent_field,
        )
        log(
            f"  {country} {level}: {report.created} nya, {report.updated} uppdaterade, "
            f"{report.unchanged} oförändrade"
        )
    with demo_data.path(demo_data.SE_POPULATION).open(encoding="utf-8") as fh:
        population = {row["code"]: int(row["population"]) for row in csv.DictReader(fh)}
    changed = [
        a
        for a in Area.objects.filter(country="SE", level="municipality")
        if population.get(a.code) is not None and a.population != population[a.code]
        for _ in [setattr(a, "population", population[a.code])]
    ]
    Area.objects.bulk_update(changed, ["population"])


@transaction.atomic
def load_organisations_and_users(log=print) -> list[DemoUser]:
    orgs = {}
    for name, kind, number in ORGANISATIONS:
        orgs[name], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "org_number": number}
        )
    orebro = Area.objects.get(country="SE", level="municipality", code=DEMO_MUNICIPALITY)
    karlstad = Area.objects.get(country="SE", level="municipality", code=OTHER_MUNICIPALITY)
    p, _ = Partnership.objects.get_or_create(
        name="Samverkan Örebro",
        defaults={"description": "Kommunen, lokalpolisområdet och partner i Örebro (demo)."},
    )
    p.organisations.add(
        *[
            orgs[n]
            for n in list(orgs)
            if n not in ("Länsstyrelsen i Örebro län", "Karlstads kommun")
        ]
    )
    p.areas.add(orebro)
    p2, _ = Partnership.objects.get_or_create(
        name="Samverkan Karlstad", defaults={"description": "En annan kommuns samverkan (demo)."}
    )
    p2.organisations.add(orgs["Karlstads kommun"])
    p2.areas.add(karlstad)

    User = get_user_model()
    for d in USERS:
        user, created = User.objects.get_or_create(
            username=d.username,
            defaults={
                "first_name": d.first_name,
                "last_name": d.last_name,
                # .invalid never resolves: notifications show in the demo's console only.
                "email": f"{d.username}@demo.invalid",
            },
        )
        if created:
            user.set_password(d.password)
            if d.role == Role.SYSTEM_ADMIN:
                user.is_staff = user.is_superuser = True
            user.save()
        membership, _ = Membership.objects.get_or_create(
            user=user, organisation=orgs[d.organisation], role=d.role
        )
        if d.role == Role.REGIONAL_VIEWER:
            # A county board reaches its own county and its municipalities, nothing else.
            membership.areas.add(orebro.parent)
    return USERS


def load_incidents(log=print) -> None:
    from samverkan.incidents.importers.base import run_import
    from samverkan.incidents.importers.polisen import read_rows

    path = demo_data.path(demo_data.SE_POLICE_EVENTS)
    rows, summary = read_rows(path)
    run_import(rows, summary, source="polisen", path=path)
    log(f"  Polisens händelser: {summary.text()}")


# ---------------------------------------------------------------- example content
# Everything below is what a coordinator in Örebro would have done with the platform: reports
# from partners, an approved lägesbild, a problem with its cause analysis, an adopted action
# plan, a published citizen promise, an agreement, follow-up and the experience bank. Each
# block goes through the owning app's services (which write the audit events) and is
# skipped when its object is already there, so a second run writes nothing.

DEMO_MONTH = "2026-08"  # the last month of the bundled police events
DEMO_TERTIAL = "2026-T2"  # May-August 2026
REPORT_PREFIX = "demo-rapport-"
N_REPORTS = 40
# A made-up personnummer with a valid check digit, for the one demo case. TEST DATA: it
# belongs to nobody the demo knows of and is marked as fictitious wherever it is shown.
TEST_PERSON_NUMBER = "19901028-2383"
COMPARISON_MUNICIPALITY = "1980"  # Västerås: comparison area of the demo evaluation


@dataclass(frozen=True)
class DemoPlace:
    name: str
    place_type: str
    lon: float
    lat: float
    reporter: str


PLACES = [
    DemoPlace("Vivalla centrum", "shop", 15.176, 59.293, "rapportor"),
    DemoPlace("Vivallagången, trapphus", "stairwell", 15.171, 59.297, "rapportor"),
    DemoPlace("Varberga torg", "street", 15.245, 59.268, "rapportor"),
    DemoPlace("Varbergaparken", "park", 15.252, 59.272, "rapportor"),
    DemoPlace("Baronbackarna, innergård", "residential", 15.190, 59.287, "rapportor"),
    DemoPlace("Baronbackarnas garage", "parking", 15.196, 59.284, "rapportor"),
    DemoPlace("Västhagaskolan, skolgård", "school", 15.183, 59.276, "rapportor-skola"),
    DemoPlace("Cykelparkeringen vid Västhagaskolan", "parking", 15.186, 59.274, "rapportor-skola"),
    DemoPlace("Busshållplatsen Vivalla centrum", "transport", 15.178, 59.291, "rapportor-skola"),
    DemoPlace("Gångtunneln mot Varberga", "street", 15.238, 59.264, "rapportor-skola"),
    # One place in each further demo district (demo_districts.CENTRES), so none is empty.
    DemoPlace("Järntorget", "street", 15.212, 59.273, "rapportor"),
    DemoPlace("Brickebackens centrum", "shop", 15.197, 59.247, "rapportor"),
    DemoPlace("Oxhagens centrum, busshållplatsen", "transport", 15.231, 59.286, "rapportor"),
    DemoPlace("Mellringeskolan, skolgård", "school", 15.207, 59.301, "rapportor-skola"),
    DemoPlace("Adolfsbergs centrum", "shop", 15.213, 59.237, "rapportor"),
    DemoPlace("Lillåns skola, cykelställ", "school", 15.231, 59.311, "rapportor-skola"),
    DemoPlace("Rynningeviken, parkeringen", "parking", 15.271, 59.273, "rapportor"),
    DemoPlace("Mariebergs köpcentrum, parkering", "parking", 15.146, 59.227, "rapportor"),
    DemoPlace("Tybble centrum", "shop", 15.178, 59.261, "rapportor"),
    DemoPlace("Hovsta, busshållplatsen", "transport", 15.218, 59.351, "rapportor"),
    DemoPlace("Glanshammars torg", "street", 15.402, 59.322, "rapportor"),
    DemoPlace("Odensbackens centrum", "shop", 15.527, 59.167, "rapportor"),
    DemoPlace("Garphyttans skola", "school", 14.943, 59.281, "rapportor-skola"),
    DemoPlace("Kilsmo, badplatsen", "park", 15.642, 59.107, "rapportor"),
]

REPORT_TEXTS = {
    "vandalism": [
        "Sönderslagen belysningsarmatur vid entrén.",
        "Uppbrutet förrådsutrymme, dörren skadad.",
        "Sönderslagen glasruta i busskuren.",
        "Papperskorg sparkad av och brandskadad.",
    ],
    "vandalism.graffiti": [
        "Nytt klotter (taggar) på fasaden, ca 3 m².",
        "Klotter på el-skåpet och på skylten.",
        "Taggar i trapphuset på plan 2 och 3.",
        "Klotter på gångtunnelns väggar, delvis kränkande text.",
    ],
    "littering": [
        "Mycket skräp och engångsgrillar efter helgen.",
        "Dumpade möbler och säckar vid miljöstugan.",
        "Glaskross och burkar på gräsytan.",
    ],
    "unsafe_place": [
        "Trasig belysning, helt mörkt efter kl. 20.",
        "Igenvuxna buskage gör gångvägen skymd och otrygg.",
        "Boende säger att de undviker platsen kvällstid.",
    ],
    "gathering": [
        "Grupp ungdomar samlas sent, höga ljud och mopedkörning.",
        "Samling med alkohol vid bänkarna, boende känner sig otrygga.",
        "Stökigt vid skolgården efter skoltid, smällare.",
    ],
}
FEEDBACK_TEXTS = {
    "vandalism": "Tack! Fastighetsskötseln har fått ärendet och lagar det inom en vecka.",
    "vandalism.graffiti": "Tack! Klottret saneras inom 24 timmar enligt vår rutin.",
    "littering": "Tack! Extra städning är beställd och vi ser över sophämtningen.",
    "unsafe_place": "Tack! Kommunen har beställt ny belysning och röjning av buskage.",
    "gathering": "Tack! Fältassistenterna och kommunpolisen är på plats fredagskvällar.",
}


def _users() -> dict:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[d.username for d in USERS])}


def demo_reports() -> list[tuple[str, str, IncidentRow, bool]]:
    """(external id, reporter, row, with feedback) of the demo reports: seeded, so fixed."""
    from samverkan.incidents.ingest import IncidentRow
    from samverkan.incidents.models import Category

    ids = dict(Category.objects.filter(code__in=REPORT_TEXTS).values_list("code", "id"))
    rng = random.Random(1880)
    zone = ZoneInfo(settings.TIME_ZONE)
    out = []
    codes = list(REPORT_TEXTS)
    for i in range(1, N_REPORTS + 1):
        month = rng.choices([5, 6, 7, 8], weights=[2, 2, 3, 5])[0]
        day = rng.randint(1, 30)
        hour = rng.choice([7, 8, 15, 16, 17, 19, 20, 21, 22, 23])
        occurred = datetime(2026, month, day, hour, rng.randrange(0, 60, 5), tzinfo=zone)
        place = rng.choice(PLACES)
        if i <= len(PLACES):
            # Each place once first: every demo district then has reports of its own.
            place = PLACES[i - 1]
        code = rng.choices(codes, weights=[3, 4, 2, 2, 2])[0]
        insecure = code in ("unsafe_place", "gathering")
        row = IncidentRow(
            source="",
            external_id=f"{REPORT_PREFIX}{i:03d}",
            occurred_from=occurred,
            reported_at=occurred + timedelta(hours=rng.randint(1, 20)),
            category_id=ids[code],
            description=rng.choice(REPORT_TEXTS[code]),
            lon=round(place.lon + rng.uniform(-0.0015, 0.0015), 6),
            lat=round(place.lat + rng.uniform(-0.0008, 0.0008), 6),
            place_name=place.name,
            place_type=place.place_type,
            perceived_insecurity=rng.randint(3, 5) if insecure else None,
        )
        out.append((row.external_id, place.reporter, row, i % 3 == 0))
    return out


def load_reports(users, log=print) -> None:
    """About 40 reports from the housing company's and the school's reporters."""
    from samverkan.incidents import workflow
    from samverkan.incidents.models import Incident
    from samverkan.incidents.services import (
        REPORT_SOURCE,
        give_feedback,
        report_incident,
        set_status,
    )

    coordinator = users["samordnare"]
    done = set(
        Incident.objects.filter(
            source=REPORT_SOURCE, external_id__startswith=REPORT_PREFIX
        ).values_list("external_id", flat=True)
    )
    created = 0
    for n, (external_id, reporter, row, feedback) in enumerate(demo_reports(), start=1):
        if external_id in done:
            continue
        incident = report_incident(users[reporter], row)
        if feedback:
            code = incident.category.code
            give_feedback(incident, FEEDBACK_TEXTS[code], coordinator)
            if n % 2 == 0:
                set_status(incident, workflow.CLOSED, coordinator)
        created += 1
    log(f"  Rapporter från partner: {created} nya, {N_REPORTS - created} fanns redan")


OVERALL_ASSESSMENT = (
    "Bostadsbolagets och skolans rapporter om skadegörelse och klotter i Vivalla och "
    "Varberga blev fler under sommaren, flest i augusti. Polisens händelser på kommunnivå "
    "säger lite om just dessa platser. Gruppen bedömer att skadegörelsen hänger "
    "ihop med mörka gångstråk och samlingar kvällstid, och prioriterar klottersanering, "
    "belysning och vuxennärvaro under hösten. Nästa lägesbild följer upp effekten."
)


def load_situation(partnership, area, users, log=print):
    """The lägesbild of the demo month: assessed, approved and shared with reporters.

    Internal audience only: a shared (aggregate) version would also reach Länsstyrelsen,
    but its suppressed small counts ("<3") break the findings list on /planer/ today.
    """
    from samverkan.core import periods
    from samverkan.situation import services as situation
    from samverkan.situation.build import INTERNAL
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
    return report


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


PLAN_TITLE = "Brottsförebyggande åtgärdsplan för Örebro kommun"


@dataclass(frozen=True)
class DemoMeasure:
    title: str
    description: str
    side: str
    owner: str
    responsible: str
    partners: tuple[str, ...]
    start: date
    end: date
    resources: str
    statuses: tuple[str, ...]  # transitions from "planned"
    indicator: bool = False


MEASURES = [
    DemoMeasure(
        "Klottersanering inom 24 timmar",
        "Bostadsbolaget och kommunen sanerar klotter i Vivalla och Varberga inom ett dygn "
        "från anmälan, med foto före och efter.",
        "manager",
        "Bostadsbolaget Hemby AB (demo)",
        "Förvaltningschef, Bostadsbolaget Hemby",
        ("Örebro kommun",),
        date(2025, 9, 1),
        date(2027, 12, 31),
        "Saneringsavtal 450 000 kr per år",
        ("ongoing",),
        True,
    ),
    DemoMeasure(
        "Belysning och röjning i gångstråk",
        "Ny LED-belysning och röjda buskage längs gångstråken mellan Vivalla, "
        "Baronbackarna och Varberga.",
        "place",
        "Örebro kommun",
        "Tekniska förvaltningen",
        ("Bostadsbolaget Hemby AB (demo)",),
        date(2025, 4, 1),
        date(2025, 11, 30),
        "Investering 1,2 mnkr",
        ("ongoing", "done"),
    ),
    DemoMeasure(
        "Vuxenvandringar och fältassistenter kvällstid",
        "Föräldrar, fältassistenter och skolvärdar är ute fredag och lördag kväll och "
        "har kontakt med ungdomarna.",
        "handler",
        "Örebro kommun",
        "Fältgruppen, socialförvaltningen",
        ("Västhagaskolan (demo)", "Lokalpolisområde Örebro"),
        date(2026, 3, 1),
        date(2027, 6, 30),
        "Två fältassistenter, ideella vuxenvandrare",
        ("ongoing",),
    ),
    DemoMeasure(
        "Stöldmärkning och säkrare förrådsdörrar",
        "Boende erbjuds stöldmärkning; förrådsdörrar i de mest utsatta husen byts mot "
        "inbrottsskyddade dörrar.",
        "target",
        "Lokalpolisområde Örebro",
        "Kommunpolisen",
        ("Bostadsbolaget Hemby AB (demo)",),
        date(2026, 10, 1),
        date(2027, 9, 30),
        "Märkningssatser, dörrbyten i bostadsbolagets budget",
        (),
    ),
]


def load_plan(partnership, area, problem, indicator, users, log=print):
    """An action plan 2025-2027 adopted by Kommunstyrelsen, with four measures."""
    from samverkan.plans import services as plans
    from samverkan.plans import workflow
    from samverkan.plans.forms import ActionPlanForm, MeasureForm
    from samverkan.plans.models import ActionPlan

    coordinator = users["samordnare"]
    plan = ActionPlan.objects.filter(partnership=partnership, title=PLAN_TITLE).first()
    if plan is None:
        form = ActionPlanForm(
            data={
                "partnership": partnership.pk,
                "area": area.pk,
                "title": PLAN_TITLE,
                "start_year": 2025,
                "end_year": 2027,
                "summary": "Planen enligt lagen (2023:196) om kommuners ansvar för "
                "brottsförebyggande arbete, byggd på lägesbilden och orsaksanalyserna.",
            },
            user=coordinator,
        )
        if not form.is_valid():
            raise ValueError(f"Demoplanen: {form.errors.as_text()}")
        plan = plans.save_form(form, coordinator, "action_plan.create")
        plans.set_plan_status(
            plan,
            workflow.ADOPTED,
            coordinator,
            adopted_by="Kommunstyrelsen",
            adopted_on=date(2025, 3, 11),
        )
        log(f"  Åtgärdsplan: {plan}")
    orgs = {o.name: o.pk for o in Organisation.objects.all()}
    for m in MEASURES:
        if plan.measures.filter(title=m.title).exists():
            continue
        form = MeasureForm(
            data={
                "title": m.title,
                "description": m.description,
                "problems": [problem.pk],
                "target_side": m.side,
                "owner": orgs[m.owner],
                "responsible_person": m.responsible,
                "partners": [orgs[n] for n in m.partners],
                "start": m.start.isoformat(),
                "end": m.end.isoformat(),
                "resources": m.resources,
                "indicators": [indicator.pk] if m.indicator else [],
            },
            plan=plan,
        )
        if not form.is_valid():
            raise ValueError(f"Demoåtgärden {m.title}: {form.errors.as_text()}")
        measure = plans.save_form(form, coordinator, "measure.create")
        for status in m.statuses:
            plans.set_measure_status(measure, status, coordinator)
    if problem.status == workflow.ANALYSED:
        plans.set_problem_status(problem, workflow.ADDRESSED, coordinator)
    return plan


PROMISE_TITLE = "Tryggare Vivalla och Varberga"


def load_promise(partnership, area, plan, users, log=print) -> None:
    """A published citizen promise for 2026 with two dated progress updates."""
    from samverkan.plans import services as plans
    from samverkan.plans.forms import PromiseForm
    from samverkan.plans.models import CitizenPromise

    coordinator = users["samordnare"]
    if CitizenPromise.objects.filter(
        partnership=partnership, area=area, year=2026, title=PROMISE_TITLE
    ).exists():
        return
    form = PromiseForm(
        data={
            "partnership": partnership.pk,
            "area": area.pk,
            "year": 2026,
            "title": PROMISE_TITLE,
            "text": "Vi lovar att klotter i Vivalla och Varberga tas bort inom ett dygn, att "
            "gångstråken blir ljusa och att vuxna från kommunen och polisen finns på plats "
            "fredag och lördag kväll.",
            "signatory_municipality": "Kommunstyrelsens ordförande, Örebro kommun",
            "signatory_police": "Lokalpolisområdeschef, Lokalpolisområde Örebro",
            "signed_on": "2026-02-10",
            "status": "active",
            "measures": list(
                plan.measures.filter(target_side__in=["manager", "handler"]).values_list(
                    "pk", flat=True
                )
            ),
        },
        user=coordinator,
    )
    if not form.is_valid():
        raise ValueError(f"Demolöftet: {form.errors.as_text()}")
    promise = plans.save_form(form, coordinator, "promise.create")
    plans.publish_promise(promise, coordinator)
    plans.add_promise_update(
        promise,
        date(2026, 5, 15),
        "Saneringsrutinen är igång: de flesta anmälda klotter tas nu bort inom ett dygn.",
        coordinator,
    )
    plans.add_promise_update(
        promise,
        date(2026, 9, 30),
        "Vuxenvandringarna har pågått varje helg sedan mars; ny belysning i gångtunneln "
        "mot Varberga är på plats.",
        coordinator,
    )
    log(f"  Medborgarlöfte: {PROMISE_TITLE} (publicerat, två lägesrapporter)")


AGREEMENT_TITLE = "Samverkansöverenskommelse Örebro kommun och Lokalpolisområde Örebro"


def load_agreement(partnership, area, users, log=print) -> None:
    """The collaboration agreement with follow-up dates (no signed PDF in the demo)."""
    from samverkan.plans import services as plans
    from samverkan.plans.forms import AgreementForm
    from samverkan.plans.models import Agreement

    coordinator = users["samordnare"]
    if Agreement.objects.filter(partnership=partnership, title=AGREEMENT_TITLE).exists():
        return
    parties = Organisation.objects.filter(name__in=["Örebro kommun", "Lokalpolisområde Örebro"])
    form = AgreementForm(
        data={
            "partnership": partnership.pk,
            "area": area.pk,
            "title": AGREEMENT_TITLE,
            "parties": list(parties.values_list("pk", flat=True)),
            "start": "2025-01-01",
            "end": "2027-12-31",
            "signed_on": "2024-12-12",
            "focus_areas": "Skadegörelse och klotter\nTrygghet i offentlig miljö\n"
            "Ungdomar i riskzon",
            "followups_text": "2026-04-30 Tertial 1\n2026-08-31 Tertial 2\n"
            "2026-12-31 Tertial 3 och årsuppföljning\n2027-04-30 Tertial 1 2027",
        },
        user=coordinator,
    )
    if not form.is_valid():
        raise ValueError(f"Demoöverenskommelsen: {form.errors.as_text()}")
    agreement = plans.save_form(form, coordinator, "agreement.create")
    plans.set_followups(agreement, form.cleaned_data["followups_text"], coordinator)
    log(f"  Samverkansöverenskommelse med {agreement.followups.count()} uppföljningsdatum")


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

    if TertialReport.objects.filter(partnership=partnership, tertial=DEMO_TERTIAL).exists():
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


def load_case(users, log=print) -> None:
    """One preventive case about a fictitious person, assigned to the demo case officer."""
    from samverkan.cases import services as cases
    from samverkan.cases.models import CaseType

    if cases.find_by_number(TEST_PERSON_NUMBER).exists():
        return
    purpose = "Demodata: exempelärende för utbildning"
    officer = users["handlaggare"]
    case = cases.create_case(
        officer,
        organisation=Organisation.objects.get(name="Lokalpolisområde Örebro"),
        case_type=CaseType.LEAVING_GROUP,
        person_name="Testperson Demosson (fiktiv)",
        person_number=TEST_PERSON_NUMBER,
        background="FIKTIVT DEMOÄRENDE. Personen och personnumret är påhittade testdata.",
        partners=[Organisation.objects.get(name="Örebro kommun")],
        purpose=purpose,
    )
    cases.add_measure(
        case,
        "Motiverande samtal och kontakt med arbetsförmedlingen",
        officer,
        due_on=date(2026, 12, 15),
        purpose=purpose,
    )
    log(f"  Förebyggande ärende {case.reference} (fiktiv person) för handlaggare")


def load_content(log=print) -> None:
    """The example work of Samverkan Örebro, each block skipped when already there."""
    users = _users()
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    area = Area.objects.get(country="SE", level="municipality", code=DEMO_MUNICIPALITY)
    load_reports(users, log)
    report = load_situation(partnership, area, users, log)
    problem = load_problem(partnership, area, report, users, log)
    indicator = load_indicator(partnership, area, users, log)
    plan = load_plan(partnership, area, problem, indicator, users, log)
    load_promise(partnership, area, plan, users, log)
    load_agreement(partnership, area, users, log)
    load_evaluation(partnership, area, plan, users, log)
    load_experience(partnership, users, log)
    load_tertial(partnership, users, log)
    load_case(users, log)


def load(log=print) -> list[DemoUser]:
    log("Områden (Sverige och Norge):")
    load_areas(log)
    log("Organisationer, samverkan och användare:")
    users = load_organisations_and_users(log)
    # Before the incidents, so that ingestion links them to the districts as it goes.
    demo_districts.load_districts("Samverkan Örebro", log)
    log("Händelser:")
    load_incidents(log)
    log("Exempelinnehåll för Samverkan Örebro:")
    load_content(log)
    return users
