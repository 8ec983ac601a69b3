"""A small world for resources against burden: four districts of Norrby and their incidents."""

from __future__ import annotations

from datetime import date

import pytest

from samverkan.core.models import Area
from samverkan.resources.models import Kind, ResourceEntry
from tests.situation.conftest import local, make  # noqa: F401  (the ``make`` fixture)

# Norrby (15-16 E, 59-60 N) in four quarters; population None: unknown.
QUARTERS = {
    "D1": ("Nordväst", (15.0, 59.5), 1000),
    "D2": ("Nordost", (15.5, 59.5), 2000),
    "D3": ("Sydväst", (15.0, 59.0), 4000),
    "D4": ("Sydost", (15.5, 59.0), None),
}
INCIDENTS = {"D1": 10, "D2": 6, "D3": 4, "D4": 5}


def quarter(world, code, name, corner, population):
    x, y = corner
    ring = [[x, y], [x + 0.5, y], [x + 0.5, y + 0.5], [x, y + 0.5], [x, y]]
    return Area.objects.create(
        code=f"9901{code}",
        name=name,
        level="district",
        parent=world.m1,
        geometry={"type": "Polygon", "coordinates": [ring]},
        min_lon=x,
        max_lon=x + 0.5,
        min_lat=y,
        max_lat=y + 0.5,
        population=population,
    )


def entry(world, area, month, kind, amount, *, organisation=None, partnership=None):
    return ResourceEntry.objects.create(
        partnership=partnership or world.p1,
        organisation=organisation or world.polis,
        area=area,
        month=month,
        kind=kind,
        amount=amount,
    )


@pytest.fixture
def burden_world(world, make):  # noqa: F811
    """Districts, incidents in the first tertial of 2025 and hours entered by hand.

    Per district (incidents / population, hours):
    D1 10 / 1,000 and 10 h; D2 6 / 2,000 and 40 h; D3 4 / 4,000 and 50 + 30 h;
    D4 5 / unknown and 20 h. Norrby (10,000 inhabitants) itself gets 100 h more.
    """
    w = world
    w.m1.population = 10_000
    w.m1.save()
    w.d = {
        code: quarter(w, code, name, corner, pop) for code, (name, corner, pop) in QUARTERS.items()
    }
    for code, n in INCIDENTS.items():
        x, y = QUARTERS[code][1]
        make(
            "vandalism",
            local(2025, 2, 10, 12),
            n=n,
            lon=x + 0.25,
            lat=y + 0.25,
            organisation_id=w.kommun.pk,
        )
    jan, apr, may = date(2025, 1, 1), date(2025, 4, 1), date(2025, 5, 1)
    cp = Kind.COMMUNITY_POLICE
    entry(w, w.d["D1"], jan, cp, 10)
    entry(w, w.d["D1"], jan, Kind.MONEY, 5000, organisation=w.kommun)
    entry(w, w.d["D2"], jan, Kind.FIELD_ASSISTANTS, 40, organisation=w.kommun)
    entry(w, w.d["D3"], jan, Kind.GUARDS, 50, organisation=w.bostad)
    entry(w, w.d["D3"], apr, Kind.CARETAKERS, 30, organisation=w.bostad)
    entry(w, w.d["D4"], jan, cp, 20)
    entry(w, w.m1, jan, cp, 100)
    # Outside the tertial, of no common unit, and another partnership's: never counted.
    entry(w, w.d["D1"], may, cp, 999)
    entry(w, w.d["D2"], jan, Kind.OTHER, 777, organisation=w.kommun)
    entry(w, w.m2, jan, cp, 555, organisation=w.other, partnership=w.p2)
    return w
