"""The communication plan of Samverkan Örebro: four activities around the demo plan.

A letter about the lit walkways (done), an evening meeting about the adult night walks
(done), a post about the citizen promise (planned, ahead) and an article in the local paper
that is overdue, so that the list, the plan's timeline and its exports show each state.
Dates of the last two follow the day the demo is loaded, so one stays ahead and one late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from samverkan.core.models import Organisation


@dataclass(frozen=True)
class DemoActivity:
    title: str
    audience: str
    message: str
    channel: str
    planned_on: date | int  # an int: days from the day the demo is loaded
    owner: str
    person: str
    measure: str = ""
    promise: bool = False
    done_on: date | None = None
    outcome: str = ""
    reached: int | None = None


ACTIVITIES = [
    DemoActivity(
        "Brev om nya belysningen i gångstråken",
        "Boende längs gångstråken Vivalla–Varberga",
        "Ny belysning och röjda buskage: berätta var det fortfarande är mörkt.",
        "Brev",
        date(2025, 10, 15),
        "Örebro kommun",
        "Kommunikatör, tekniska förvaltningen",
        measure="Belysning och röjning i gångstråk",
        done_on=date(2025, 10, 20),
        outcome="Brevet delades ut till alla hushåll längs stråken; 37 svar om mörka platser.",
        reached=1800,
    ),
    DemoActivity(
        "Föräldramöte om vuxenvandringarna",
        "Föräldrar i Vivalla och Varberga",
        "Var med och vandra fredag eller lördag kväll; så går det till.",
        "Möte",
        date(2026, 3, 12),
        "Örebro kommun",
        "Fältgruppen, socialförvaltningen",
        measure="Vuxenvandringar och fältassistenter kvällstid",
        done_on=date(2026, 3, 12),
        outcome="Möte på Västhagaskolan; 14 nya vuxenvandrare anmälde sig.",
        reached=60,
    ),
    DemoActivity(
        "Inlägg om medborgarlöftet",
        "Boende i Vivalla och Varberga",
        "Så har det gått med löftet: klotter bort inom ett dygn, ljusare gångstråk.",
        "Sociala medier",
        21,
        "Lokalpolisområde Örebro",
        "Kommunpolisen",
        promise=True,
    ),
    DemoActivity(
        "Artikel i lokaltidningen om klottersaneringen",
        "Alla boende i Örebro",
        "Anmäl klotter: det tas bort inom 24 timmar.",
        "Lokaltidning",
        -14,
        "Bostadsbolaget Hemby AB (demo)",
        "Förvaltningschef, Bostadsbolaget Hemby",
        measure="Klottersanering inom 24 timmar",
    ),
]


def load_communication(partnership, plan, promise_title: str, users, log=print) -> None:
    """The activities through the app's form and services, skipped when already there."""
    from samverkan.communication import services, workflow
    from samverkan.communication.forms import ActivityForm
    from samverkan.communication.models import Activity, Channel
    from samverkan.plans.models import CitizenPromise

    Channel.ensure_defaults()
    coordinator = users["samordnare"]
    channels = {c.name: c.pk for c in Channel.objects.all()}
    orgs = {o.name: o.pk for o in Organisation.objects.all()}
    promise = CitizenPromise.objects.filter(partnership=partnership, title=promise_title).first()
    today = timezone.localdate()
    for a in ACTIVITIES:
        if Activity.objects.filter(partnership=partnership, title=a.title).exists():
            continue
        planned = (
            today + timedelta(days=a.planned_on) if isinstance(a.planned_on, int) else a.planned_on
        )
        measure = plan.measures.filter(title=a.measure).first() if a.measure else None
        form = ActivityForm(
            data={
                "partnership": partnership.pk,
                "area": plan.area_id or "",
                "title": a.title,
                "audience": a.audience,
                "message": a.message,
                "channel": channels[a.channel],
                "planned_on": planned.isoformat(),
                "owner": orgs[a.owner],
                "owner_person": a.person,
                "measures": [measure.pk] if measure else [],
                "promises": [promise.pk] if a.promise and promise else [],
            },
            user=coordinator,
        )
        if not form.is_valid():
            raise ValueError(f"Demoaktiviteten {a.title}: {form.errors.as_text()}")
        activity = services.save_activity(form, coordinator)
        if a.done_on:
            services.set_status(
                activity,
                workflow.DONE,
                coordinator,
                done_on=a.done_on,
                outcome=a.outcome,
                reached=a.reached,
            )
    log("  Kommunikationsplan: fyra aktiviteter (två genomförda, en planerad, en försenad)")
