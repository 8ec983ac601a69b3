"""The demo's world: areas, organisations, partnerships, users and the police events, and the
fixed facts the example content refers to (the demo month and tertial, the test person).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from samverkan import demo_data
from samverkan.core.area_import import import_areas
from samverkan.core.models import Area, Membership, Organisation, Partnership
from samverkan.core.roles import Role

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


DEMO_MONTH = "2026-08"  # the last month of the bundled police events
DEMO_TERTIAL = "2026-T2"  # May-August 2026
REPORT_PREFIX = "demo-rapport-"
N_REPORTS = 40
# A made-up personnummer with a valid check digit, for the one demo case. TEST DATA: it
# belongs to nobody the demo knows of and is marked as fictitious wherever it is shown.
TEST_PERSON_NUMBER = "19901028-2383"
COMPARISON_MUNICIPALITY = "1980"  # Västerås: comparison area of the demo evaluation


def _users() -> dict:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[d.username for d in USERS])}
