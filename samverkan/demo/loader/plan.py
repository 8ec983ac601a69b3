"""An adopted action plan with measures, a published citizen promise and an agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samverkan.core.models import Organisation

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
