"""Districts of Norrby (the world's first municipality) and a coordinator limited to one.

West (15.0-15.5) and East (15.5-16.0) split Norrby in two; "Skolgården" is an own drawn
area inside West. ``district_coordinator`` is a coordinator of Norrby kommun whose
membership reaches West only (and the areas below it).
"""

from __future__ import annotations

from tests.conftest import square


def make_area(code, name, level, geom, parent):
    from samverkan.core.models import Area

    ring = geom["coordinates"][0]
    lons, lats = [c[0] for c in ring], [c[1] for c in ring]
    return Area.objects.create(
        code=code,
        name=name,
        level=level,
        geometry=geom,
        parent=parent,
        min_lon=min(lons),
        max_lon=max(lons),
        min_lat=min(lats),
        max_lat=max(lats),
    )


def add_districts(world):
    from django.contrib.auth import get_user_model

    from samverkan.core.models import Membership
    from samverkan.core.roles import Role

    world.west = make_area(
        "990101", "Västra Norrby", "district", square(15, 59, 15.5, 60), world.m1
    )
    world.east = make_area("990102", "Östra Norrby", "district", square(15.5, 59, 16, 60), world.m1)
    world.yard = make_area(
        "egen-1", "Skolgården", "custom", square(15.1, 59.1, 15.2, 59.2), world.west
    )
    world.south_district = make_area(
        "990201", "Centrala Söderby", "district", square(16, 59, 16.5, 60), world.m2
    )
    user = get_user_model().objects.create_user("distrikt", password="pw-distrikt")
    membership = Membership.objects.create(
        user=user, organisation=world.kommun, role=Role.COORDINATOR
    )
    membership.areas.set([world.west])
    world.users["district_coordinator"] = user
    return world
