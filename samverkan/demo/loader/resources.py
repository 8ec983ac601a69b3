"""Demo resource rows: what Örebro's partners put into a few districts, May-August 2026.

Loaded before the demo lägesbild, so its section *Resurser mot belastning* shows them.
The demo districts have no population (no open figures for the approximate cells), so the
district rows say "folkmängd saknas"; the municipality's line has its real population.
"""

from __future__ import annotations

from datetime import date

from samverkan.core.models import Area
from samverkan.demo.districts import CODE_PREFIX
from samverkan.resources import services as resources
from samverkan.resources.models import Kind, ResourceEntry

MONTHS = [date(2026, m, 1) for m in (5, 6, 7, 8)]
# (district name, organisation, kind, amount per month)
ROWS = [
    ("Vivalla", "Lokalpolisområde Örebro", Kind.COMMUNITY_POLICE, 60),
    ("Vivalla", "Örebro kommun", Kind.FIELD_ASSISTANTS, 120),
    ("Vivalla", "Bostadsbolaget Hemby AB (demo)", Kind.CARETAKERS, 80),
    ("Centrum", "Lokalpolisområde Örebro", Kind.COMMUNITY_POLICE, 40),
    ("Centrum", "Örebro kommun", Kind.GUARDS, 90),
    ("Varberga", "Örebro kommun", Kind.FIELD_ASSISTANTS, 30),
    ("Brickebacken", "Örebro kommun", Kind.MONEY, 25_000),
]


def load_resources(partnership, coordinator, log=print) -> None:
    """The rows above for every month, entered by the coordinator; once only."""
    if ResourceEntry.objects.filter(partnership=partnership).exists():
        log("  Resurser: finns redan")
        return
    districts = {
        a.name.split(" (")[0]: a
        for a in Area.objects.filter(country="SE", level="district", code__startswith=CODE_PREFIX)
    }
    orgs = {o.name: o for o in partnership.organisations.all()}
    n = 0
    for name, org, kind, amount in ROWS:
        area = districts.get(name)
        if area is None or org not in orgs:
            continue
        for month in MONTHS:
            resources.create_entry(
                coordinator,
                partnership=partnership,
                organisation=orgs[org],
                area=area,
                month=month,
                kind=kind,
                amount=amount,
            )
            n += 1
    log(f"  Resurser: {n} rader i stadsdelarna")
